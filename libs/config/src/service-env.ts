import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const MYSQL_URL = /^mysql:\/\/[^\s:@/]+(:[^\s@/]*)?@[^\s/]+\/[A-Za-z0-9_]+(\?\S*)?$/;
const REDIS_URL = /^rediss?:\/\/\S+$/;
const NATS_URLS = /^nats:\/\/[^\s,]+(,nats:\/\/[^\s,]+)*$/;

/** The environment every service needs; each app extends it with its own variables. */
export class ServiceEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  HOST: string = '0.0.0.0';

  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number;

  /** Identifies this replica in logs and metrics; defaults to the host name and port. */
  @IsOptional()
  @IsString()
  INSTANCE_ID?: string;

  @Matches(MYSQL_URL, { message: 'DATABASE_URL must look like mysql://user:password@host:3306/database' })
  DATABASE_URL: string;

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @Matches(REDIS_URL, { message: 'REDIS_URL must look like redis://host:6379/0' })
  REDIS_URL: string;

  /** Prefix of this service's own keys; shared keys (sessions, WeChat token) live under REDIS_SHARED_PREFIX. */
  @IsOptional()
  @Matches(/^[a-z0-9:_-]+:$/, { message: 'REDIS_KEY_PREFIX must end with ":"' })
  REDIS_KEY_PREFIX?: string;

  @Matches(/^[a-z0-9:_-]+:$/, { message: 'REDIS_SHARED_PREFIX must end with ":"' })
  REDIS_SHARED_PREFIX: string = 'shared:';

  @Matches(NATS_URLS, { message: 'NATS_URL must be nats://host:4222 (comma-separated for a cluster)' })
  NATS_URL: string;

  @IsInt()
  @Min(50)
  @Max(60000)
  MESSAGE_TIMEOUT_MS: number = 3000;

  /** The JSON Web Key Set (public keys only) that access tokens are verified against. */
  @Matches(/^\s*\{[\s\S]*"keys"[\s\S]*\}\s*$/, { message: 'JWT_PUBLIC_KEYS must be a JWKS JSON document {"keys":[...]}' })
  JWT_PUBLIC_KEYS: string;

  @IsString()
  JWT_ISSUER: string = 'miniprogram-auth';

  @IsString()
  JWT_AUDIENCE: string = 'miniprogram-api';

  /** Addresses of the load balancers whose X-Forwarded-For is believed (comma-separated IPs or CIDRs). */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value,
  )
  @IsString({ each: true })
  TRUSTED_PROXIES: string[] = ['127.0.0.1'];

  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  /** How long a SIGTERM'd replica keeps serving while failing readiness, so the load balancer stops sending first. */
  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_DRAIN_MS: number = 3000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** `all`: an access-log line per request; `errors`: only for requests answered 4xx/5xx, where the load balancer logs every request. */
  @IsIn(['all', 'errors'])
  ACCESS_LOG: 'all' | 'errors' = 'all';

  /** Sentry DSN (`https://<key>@<host>/<project>`): unexpected errors are sent there; unset, nothing is sent. */
  @IsOptional()
  @Matches(/^https?:\/\/\w+(:\w*)?@[\w.-]+(:\d+)?(\/[^\s/]+)*\/\d+$/, { message: 'SENTRY_DSN must look like https://<public key>@<host>/<project id>' })
  SENTRY_DSN?: string;

  /** Sentry's environment tag (default: NODE_ENV). */
  @IsOptional()
  @IsString()
  SENTRY_ENVIRONMENT?: string;

  /** Sentry's release tag, e.g. the image tag or commit. */
  @IsOptional()
  @IsString()
  SENTRY_RELEASE?: string;

  /** Default per-client request budget per THROTTLE_TTL_SECONDS, shared across replicas through Redis. */
  @IsInt()
  @Min(1)
  THROTTLE_LIMIT: number = 6000;

  @IsInt()
  @Min(1)
  THROTTLE_TTL_SECONDS: number = 60;

  /** Requests per client address per THROTTLE_SENSITIVE_TTL_SECONDS on routes marked @SensitiveRoute() (logins). */
  @IsInt()
  @Min(1)
  THROTTLE_SENSITIVE_LIMIT: number = 60;

  @IsInt()
  @Min(1)
  THROTTLE_SENSITIVE_TTL_SECONDS: number = 60;

  /** WeChat's server API; every service calls it (auth holds the app's credentials and hands out the access token). */
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'WECHAT_API_BASE_URL must be an http(s) URL such as https://api.weixin.qq.com' })
  WECHAT_API_BASE_URL: string = 'https://api.weixin.qq.com';

  @IsInt()
  @Min(100)
  @Max(30000)
  WECHAT_TIMEOUT_MS: number = 3000;
}
