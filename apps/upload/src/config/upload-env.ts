import { Transform } from 'class-transformer';
import { ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { BooleanFromEnv, ServiceEnv } from '#libs/config';
import { DETECTABLE_TYPES } from '../helpers/file-type-sniffer';

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean)
    : value;
const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;

/** The upload service's environment: the shared variables plus storage, limits and thumbnails. */
export class UploadEnv extends ServiceEnv {
  /** `local`: a directory (one VM, or replicas sharing it); `s3`: any S3-compatible object storage. */
  @IsIn(['local', 's3'])
  UPLOAD_STORAGE_DRIVER: 'local' | 's3' = 'local';

  /** Root directory of the local driver; replicas on one machine (or a shared volume) use the same one. */
  @IsString()
  @MinLength(1)
  UPLOAD_LOCAL_DIR: string = 'var/uploads';

  @ValidateIf((env: UploadEnv) => env.UPLOAD_STORAGE_DRIVER === 's3')
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'UPLOAD_S3_BUCKET must be a bucket name (required with UPLOAD_STORAGE_DRIVER=s3)' })
  UPLOAD_S3_BUCKET?: string;

  @IsString()
  @MinLength(1)
  UPLOAD_S3_REGION: string = 'us-east-1';

  /** The S3 API endpoint (MinIO, COS, OSS...); unset means AWS itself. */
  @IsOptional()
  @Matches(HTTP_URL, { message: 'UPLOAD_S3_ENDPOINT must be an http(s) URL' })
  UPLOAD_S3_ENDPOINT?: string;

  /** The endpoint as clients reach it, when it differs from UPLOAD_S3_ENDPOINT (signed URLs and presigned uploads). */
  @IsOptional()
  @Matches(HTTP_URL, { message: 'UPLOAD_S3_PUBLIC_ENDPOINT must be an http(s) URL' })
  UPLOAD_S3_PUBLIC_ENDPOINT?: string;

  /** Path-style addressing (endpoint/bucket/key), which MinIO and s3rver need. */
  @BooleanFromEnv()
  @IsBoolean({ message: 'UPLOAD_S3_FORCE_PATH_STYLE must be true or false' })
  UPLOAD_S3_FORCE_PATH_STYLE: boolean = false;

  /** Static credentials; unset means the SDK's default chain (instance role, AWS_* variables). */
  @IsOptional()
  @IsString()
  UPLOAD_S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  UPLOAD_S3_SECRET_ACCESS_KEY?: string;

  /** Prefix of every object key, to share a bucket (`shop1/`). */
  @Matches(/^([A-Za-z0-9_-]+\/)*$/, { message: 'UPLOAD_S3_KEY_PREFIX must be empty or like "name/"' })
  UPLOAD_S3_KEY_PREFIX: string = '';

  /** With s3: GET .../content answers 302 to a short-lived signed URL instead of streaming through the replica. */
  @BooleanFromEnv()
  @IsBoolean({ message: 'UPLOAD_S3_REDIRECT must be true or false' })
  UPLOAD_S3_REDIRECT: boolean = false;

  /** Lifetime of signed download URLs (s3 redirect) and of signed private links. */
  @IsInt()
  @Min(10)
  @Max(7 * 86400)
  UPLOAD_SIGNED_URL_TTL_SECONDS: number = 300;

  /** How long a presigned direct upload may take before it expires. */
  @IsInt()
  @Min(30)
  @Max(86400)
  UPLOAD_PRESIGN_TTL_SECONDS: number = 900;

  /** Largest file accepted, in bytes. */
  @IsInt()
  @Min(1)
  @Max(5 * 1024 * 1024 * 1024)
  UPLOAD_MAX_BYTES: number = 10 * 1024 * 1024;

  /** Types accepted, as detected from the bytes (comma-separated). */
  @Transform(toList)
  @ArrayMinSize(1)
  @IsIn(DETECTABLE_TYPES, { each: true, message: `UPLOAD_ALLOWED_TYPES may list only ${DETECTABLE_TYPES.join(', ')}` })
  UPLOAD_ALLOWED_TYPES: string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

  /** Bytes a mini-program user may keep stored in all; 0 is no limit. Staff uploads are not counted against a quota. */
  @IsInt()
  @Min(0)
  UPLOAD_USER_QUOTA_BYTES: number = 500 * 1024 * 1024;

  /** Images with more pixels are refused (decompression bombs). */
  @IsInt()
  @Min(1)
  UPLOAD_MAX_IMAGE_PIXELS: number = 100_000_000;

  /** Thumbnails fit in a square of this many pixels. */
  @IsInt()
  @Min(16)
  @Max(2048)
  UPLOAD_THUMB_SIZE: number = 320;

  /** Thumbnails made at once by each replica's worker. */
  @IsInt()
  @Min(1)
  @Max(16)
  UPLOAD_THUMB_CONCURRENCY: number = 1;

  /** Origin put in front of the URLs replies carry (https://api.example.com); unset: paths such as /api/uploads/<id>/content. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+$/, { message: 'UPLOAD_PUBLIC_BASE_URL must be an origin such as https://api.example.com (no path)' })
  UPLOAD_PUBLIC_BASE_URL?: string;

  /**
   * Origin WeChat's media check fetches images from (a signed link to GET /api/uploads/:id/content), when it is not
   * UPLOAD_PUBLIC_BASE_URL (the local stack: its HAProxy, which the sandbox reaches); avatars and after-sale photos
   * cannot be checked, so not used, without one of the two and UPLOAD_URL_SIGNING_SECRET.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+$/, { message: 'UPLOAD_MEDIA_CHECK_BASE_URL must be an origin such as https://api.example.com (no path)' })
  UPLOAD_MEDIA_CHECK_BASE_URL?: string;

  /** Signs the private links replies carry (`?exp=&sig=`), so <image src> works without headers; unset: private content needs the bearer token. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'UPLOAD_URL_SIGNING_SECRET must be at least 32 characters' })
  UPLOAD_URL_SIGNING_SECRET?: string;

  /** Lifetime of the signed links to private files that replies carry. */
  @IsInt()
  @Min(60)
  @Max(7 * 86400)
  UPLOAD_PRIVATE_LINK_TTL_SECONDS: number = 3600;

  /** An upload request must finish streaming within this time. */
  @IsInt()
  @Min(1000)
  @Max(3600_000)
  UPLOAD_STREAM_TIMEOUT_MS: number = 120_000;

  /** How long past its deadline an unfinished upload's or presign's bytes are kept before the sweeper removes them. */
  @IsInt()
  @Min(1000)
  UPLOAD_INTENT_GRACE_MS: number = 5 * 60_000;

  /** How often one replica removes what unfinished uploads and deletions left behind. */
  @IsInt()
  @Min(1000)
  UPLOAD_SWEEP_INTERVAL_MS: number = 60_000;

  /** Scratch directory for the s3 driver (each upload is spooled there, then put with its length). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  UPLOAD_SPOOL_DIR?: string;
}
