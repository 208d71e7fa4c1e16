import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { BackupEnv } from './backup-env';

/** A bucket and how to reach it. */
export interface S3Settings {
  bucket: string;
  /** Prepended to every key: empty or like `name/`. */
  prefix: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** The upload service's bucket (UPLOAD_S3_*), as its S3 driver reaches it. */
export function uploadBucketOf(env: BackupEnv): S3Settings {
  return {
    bucket: env.UPLOAD_S3_BUCKET!,
    prefix: env.UPLOAD_S3_KEY_PREFIX,
    region: env.UPLOAD_S3_REGION,
    endpoint: env.UPLOAD_S3_ENDPOINT,
    forcePathStyle: env.UPLOAD_S3_FORCE_PATH_STYLE,
    accessKeyId: env.UPLOAD_S3_ACCESS_KEY_ID,
    secretAccessKey: env.UPLOAD_S3_SECRET_ACCESS_KEY,
  };
}

/** The bucket backups go to (BACKUP_S3_*). */
export function backupBucketOf(env: BackupEnv): S3Settings {
  return {
    bucket: env.BACKUP_S3_BUCKET!,
    prefix: env.BACKUP_S3_PREFIX,
    region: env.BACKUP_S3_REGION,
    endpoint: env.BACKUP_S3_ENDPOINT,
    forcePathStyle: env.BACKUP_S3_FORCE_PATH_STYLE,
    accessKeyId: env.BACKUP_S3_ACCESS_KEY_ID,
    secretAccessKey: env.BACKUP_S3_SECRET_ACCESS_KEY,
  };
}

/** A client for `settings`; static keys when given, else the SDK's default chain (instance roles, env, files). */
export function s3ClientOf(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    // As the upload driver: S3 stand-ins (COS, OSS, MinIO versions) do not all accept the SDK's CRC checksum trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
  });
}

/** Every object under the settings' prefix: key, length and ETag, page by page. */
export async function* listObjects(client: S3Client, settings: S3Settings, below = ''): AsyncGenerator<{ key: string; bytes: number; etag: string }> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: `${settings.prefix}${below}`, ContinuationToken: token }));
    for (const object of page.Contents ?? []) yield { key: object.Key!, bytes: Number(object.Size ?? 0), etag: object.ETag ?? '' };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
