import { runService } from '#libs/bootstrap';
import { loadConfigOrExit } from '#libs/config';
import { UploadEnv } from './config/upload-env';
import { configureUploadFastify } from './upload-fastify';
import { UploadModule } from './upload.module';

const config = loadConfigOrExit(UploadEnv);
void runService({ name: 'upload', module: UploadModule.register(config), config, answersMessages: true, configureFastify: configureUploadFastify });
