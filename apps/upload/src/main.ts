import { runService } from '#libs/bootstrap';
import { loadConfigOrExit, ServiceEnv } from '#libs/config';
import { UploadModule } from './upload.module';

const config = loadConfigOrExit(ServiceEnv);
void runService({ name: 'upload', module: UploadModule.register(config), config, answersMessages: false });
