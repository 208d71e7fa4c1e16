import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '#libs/bootstrap';
import { ServiceEnv } from '#libs/config';
import { UPLOAD_SCHEMA } from './upload-schema';

/** The upload service. */
@Module({})
export class UploadModule {
  static register(config: ServiceEnv): DynamicModule {
    return {
      module: UploadModule,
      imports: [PlatformModule.forService('upload', config, UPLOAD_SCHEMA)],
    };
  }
}
