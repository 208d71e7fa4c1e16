import { ServiceSchema } from '#libs/database';
import { UploadIntent } from './entities/upload-intent.entity';
import { UploadUsage } from './entities/upload-usage.entity';
import { Upload } from './entities/upload.entity';
import { CreateUploadSchema1763900000000 } from './migrations/1763900000000-create-upload-schema';
import { AddUploadMediaCheck1796190000000 } from './migrations/1796190000000-add-upload-media-check';

/** The tables the upload service owns and the migrations that make them. */
export const UPLOAD_SCHEMA: ServiceSchema = {
  entities: [Upload, UploadIntent, UploadUsage],
  migrations: [CreateUploadSchema1763900000000, AddUploadMediaCheck1796190000000],
};
