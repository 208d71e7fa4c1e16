import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { BooleanFromEnv } from '#libs/config';
import { SERVICE_SCHEMAS } from '../migrate/service-schemas';

const MYSQL_URL = /^mysql:\/\/\S+$/;
const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_PREFIX = /^([A-Za-z0-9_-]+\/)*$/;

/**
 * What `npm run backup` and `npm run restore` read: the service databases (the migrate tool's variables), the upload
 * storage (the upload service's variables), where backups go and how many are kept. Every one may be given as NAME_FILE.
 */
export class BackupEnv {
  @IsOptional()
  @Matches(MYSQL_URL, { message: 'AUTH_DATABASE_URL must be a mysql:// URL' })
  AUTH_DATABASE_URL?: string;

  @IsOptional()
  @Matches(MYSQL_URL, { message: 'CATALOG_DATABASE_URL must be a mysql:// URL' })
  CATALOG_DATABASE_URL?: string;

  @IsOptional()
  @Matches(MYSQL_URL, { message: 'ORDERS_DATABASE_URL must be a mysql:// URL' })
  ORDERS_DATABASE_URL?: string;

  @IsOptional()
  @Matches(MYSQL_URL, { message: 'UPLOAD_DATABASE_URL must be a mysql:// URL' })
  UPLOAD_DATABASE_URL?: string;

  /** Restore only: with it, the databases and users are created first, as the migrate tool does. */
  @IsOptional()
  @Matches(MYSQL_URL, { message: 'MYSQL_ADMIN_URL must be a mysql:// URL' })
  MYSQL_ADMIN_URL?: string;

  @IsIn(['local', 's3'])
  UPLOAD_STORAGE_DRIVER: 'local' | 's3' = 'local';

  @IsString()
  @MinLength(1)
  UPLOAD_LOCAL_DIR: string = 'var/uploads';

  @ValidateIf((env: BackupEnv) => env.UPLOAD_STORAGE_DRIVER === 's3')
  @Matches(BUCKET, { message: 'UPLOAD_S3_BUCKET must be a bucket name (required with UPLOAD_STORAGE_DRIVER=s3)' })
  UPLOAD_S3_BUCKET?: string;

  @IsString()
  UPLOAD_S3_REGION: string = 'us-east-1';

  @IsOptional()
  @Matches(HTTP_URL, { message: 'UPLOAD_S3_ENDPOINT must be an http(s) URL' })
  UPLOAD_S3_ENDPOINT?: string;

  @BooleanFromEnv()
  @IsBoolean({ message: 'UPLOAD_S3_FORCE_PATH_STYLE must be true or false' })
  UPLOAD_S3_FORCE_PATH_STYLE: boolean = false;

  @IsOptional()
  @IsString()
  UPLOAD_S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  UPLOAD_S3_SECRET_ACCESS_KEY?: string;

  @Matches(KEY_PREFIX, { message: 'UPLOAD_S3_KEY_PREFIX must be empty or like "name/"' })
  UPLOAD_S3_KEY_PREFIX: string = '';

  /** A folder holding one sub-folder per backup; required unless BACKUP_S3_BUCKET is set. */
  @ValidateIf((env: BackupEnv) => !env.BACKUP_S3_BUCKET)
  @IsString({ message: 'BACKUP_DIR or BACKUP_S3_BUCKET must be set' })
  @MinLength(1, { message: 'BACKUP_DIR or BACKUP_S3_BUCKET must be set' })
  BACKUP_DIR?: string;

  @IsOptional()
  @Matches(BUCKET, { message: 'BACKUP_S3_BUCKET must be a bucket name' })
  BACKUP_S3_BUCKET?: string;

  @Matches(KEY_PREFIX, { message: 'BACKUP_S3_PREFIX must be empty or like "name/"' })
  BACKUP_S3_PREFIX: string = '';

  @IsString()
  BACKUP_S3_REGION: string = 'us-east-1';

  @IsOptional()
  @Matches(HTTP_URL, { message: 'BACKUP_S3_ENDPOINT must be an http(s) URL' })
  BACKUP_S3_ENDPOINT?: string;

  @BooleanFromEnv()
  @IsBoolean({ message: 'BACKUP_S3_FORCE_PATH_STYLE must be true or false' })
  BACKUP_S3_FORCE_PATH_STYLE: boolean = false;

  @IsOptional()
  @IsString()
  BACKUP_S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  BACKUP_S3_SECRET_ACCESS_KEY?: string;

  /** The newest backup of each of the last N days that have one is kept... */
  @IsInt({ message: 'BACKUP_KEEP_DAILY must be a whole number' })
  @Min(1)
  @Max(3660)
  BACKUP_KEEP_DAILY: number = 7;

  /** ...and the newest of each of the last M ISO weeks that have one. */
  @IsInt({ message: 'BACKUP_KEEP_WEEKLY must be a whole number' })
  @Min(0)
  @Max(520)
  BACKUP_KEEP_WEEKLY: number = 4;
}

/** The services whose databases are backed up, in the migrate tool's order. */
export const BACKUP_SERVICES = Object.keys(SERVICE_SCHEMAS);

/** `<SERVICE>_DATABASE_URL` of every service; throws naming those that are not set. */
export function serviceDatabaseUrls(env: BackupEnv): { service: string; url: string }[] {
  const found = BACKUP_SERVICES.map((service) => ({ service, variable: `${service.toUpperCase()}_DATABASE_URL` })).map(({ service, variable }) => ({
    service,
    variable,
    url: (env as unknown as Record<string, string | undefined>)[variable],
  }));
  const missing = found.filter((entry) => !entry.url).map((entry) => entry.variable);
  if (missing.length) throw new Error(`${missing.join(', ')} not set: every service's database is backed up and restored`);
  return found.map(({ service, url }) => ({ service, url: url! }));
}
