import { runService } from '#libs/bootstrap';
import { uploadService } from './upload-service';

void runService(uploadService());
