import { Provider } from '@nestjs/common';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CONFIG } from '#libs/config';
import { UploadEnv } from '../config/upload-env';
import { LocalStorageDriver } from './local-storage.driver';
import { STORAGE_DRIVER, StorageDriver } from './storage-driver';

/** Builds the driver UPLOAD_STORAGE_DRIVER names; only a replica that stores in S3 loads the AWS SDK (about 25 MB of RSS). */
export async function createStorageDriver(config: UploadEnv): Promise<StorageDriver> {
  if (config.UPLOAD_STORAGE_DRIVER === 'local') return new LocalStorageDriver(config.UPLOAD_LOCAL_DIR);
  const { S3StorageDriver } = await import('./s3-storage.driver.js');
  return new S3StorageDriver({
    bucket: config.UPLOAD_S3_BUCKET!,
    region: config.UPLOAD_S3_REGION,
    endpoint: config.UPLOAD_S3_ENDPOINT,
    publicEndpoint: config.UPLOAD_S3_PUBLIC_ENDPOINT,
    forcePathStyle: config.UPLOAD_S3_FORCE_PATH_STYLE,
    accessKeyId: config.UPLOAD_S3_ACCESS_KEY_ID,
    secretAccessKey: config.UPLOAD_S3_SECRET_ACCESS_KEY,
    keyPrefix: config.UPLOAD_S3_KEY_PREFIX,
    spoolDirectory: config.UPLOAD_SPOOL_DIR ?? join(tmpdir(), 'upload-spool'),
  });
}

/** STORAGE_DRIVER for the service's configuration. */
export const storageProvider: Provider = { provide: STORAGE_DRIVER, inject: [APP_CONFIG], useFactory: createStorageDriver };
