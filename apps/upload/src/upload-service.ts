import type { ServiceDefinition } from '#libs/bootstrap';
import { loadConfigOrExit } from '#libs/config';
import { UploadEnv } from './config/upload-env';
import { configureUploadFastify } from './upload-fastify';
import { UploadModule } from './upload.module';

/** The upload service as the bootstrap runs it, from `env` (its own process, or one of several in one). */
export function uploadService(env: NodeJS.ProcessEnv = process.env): ServiceDefinition {
  const config = loadConfigOrExit(UploadEnv, env);
  return {
    name: 'upload',
    module: UploadModule.register(config),
    config,
    answersMessages: true,
    routes: ['/api/uploads'],
    configureFastify: configureUploadFastify,
  };
}
