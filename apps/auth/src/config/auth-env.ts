import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, ValidateIf } from 'class-validator';
import { ServiceEnv } from '#libs/config';
import { ENCODING_AES_KEY_PATTERN } from '#libs/wechat';
import { parseSubscribeTemplates } from './subscribe-templates';

/** The auth service's environment: the shared variables plus signing keys, token lifetimes and WeChat credentials. */
export class AuthEnv extends ServiceEnv {
  /** PKCS#8 PEM of the Ed25519 key that signs access tokens; only auth holds it. */
  @Matches(/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/, { message: 'JWT_PRIVATE_KEY must be a PKCS#8 PEM private key' })
  JWT_PRIVATE_KEY: string;

  /** `kid` of JWT_PRIVATE_KEY; its public half must be in JWT_PUBLIC_KEYS under the same kid. */
  @IsString()
  @MinLength(1)
  JWT_KEY_ID: string;

  @IsInt()
  @Min(30)
  @Max(86400)
  ACCESS_TOKEN_TTL_SECONDS: number = 900;

  @IsInt()
  @Min(60)
  REFRESH_TOKEN_TTL_SECONDS: number = 30 * 86400;

  @IsString()
  @MinLength(1)
  WECHAT_APP_ID: string;

  @IsString()
  @MinLength(1)
  WECHAT_APP_SECRET: string;

  /** The Token of the console's message push settings; without it, WeChat server push is answered 503. */
  @IsOptional()
  @IsString()
  @MinLength(3)
  WECHAT_PUSH_TOKEN?: string;

  /** The console's EncodingAESKey (43 characters); needed unless WECHAT_PUSH_MODE is plain. */
  @ValidateIf((env: AuthEnv) => env.WECHAT_PUSH_ENCODING_AES_KEY !== undefined || (env.WECHAT_PUSH_TOKEN !== undefined && env.WECHAT_PUSH_MODE !== 'plain'))
  @Matches(ENCODING_AES_KEY_PATTERN, { message: 'WECHAT_PUSH_ENCODING_AES_KEY must be the 43-character EncodingAESKey (needed unless WECHAT_PUSH_MODE=plain)' })
  WECHAT_PUSH_ENCODING_AES_KEY?: string;

  /** The console's message encryption mode: `safe` (encrypted only), `plain`, or `compatible` (either). */
  @IsIn(['safe', 'plain', 'compatible'])
  WECHAT_PUSH_MODE: 'safe' | 'plain' | 'compatible' = 'safe';

  /** A push whose signed timestamp is further than this from our clock is refused as stale (a replay). */
  @IsInt()
  @Min(10)
  @Max(86400)
  WECHAT_PUSH_MAX_AGE_SECONDS: number = 300;

  /**
   * Subscribe-message templates: a JSON object from message kind (order_paid, order_shipped, order_cancelled,
   * after_sale_decided, booking_made, booking_reminder) to `{templateId, page, data: {keyword: value}}`; a kind left
   * out is never sent. See the README's configuration section.
   */
  @ValidateBy({
    name: 'isSubscribeTemplates',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseSubscribeTemplates(value).problems.length === 0,
      defaultMessage: (args) =>
        typeof args?.value === 'string' ? parseSubscribeTemplates(args.value).problems.join('; ') : 'WECHAT_SUBSCRIBE_TEMPLATES must be a JSON string',
    },
  })
  WECHAT_SUBSCRIBE_TEMPLATES: string = '{}';

  /** Which version of the mini-program a subscribe message opens. */
  @IsIn(['developer', 'trial', 'formal'])
  WECHAT_SUBSCRIBE_MINIPROGRAM_STATE: 'developer' | 'trial' | 'formal' = 'formal';

  /** How long before a booked slot starts its reminder is sent. */
  @IsInt()
  @Min(1)
  @Max(7 * 86400)
  WECHAT_SUBSCRIBE_REMINDER_LEAD_SECONDS: number = 3600;

  /** Failed staff logins for one username before it is locked (counted in Redis across replicas, any client address). */
  @IsInt()
  @Min(1)
  @Max(1000)
  STAFF_LOGIN_MAX_FAILURES: number = 5;

  /** The first lock after STAFF_LOGIN_MAX_FAILURES; each further failure doubles it, up to STAFF_LOGIN_LOCK_MAX_SECONDS. */
  @IsInt()
  @Min(1)
  @Max(3600)
  STAFF_LOGIN_LOCK_BASE_SECONDS: number = 1;

  @IsInt()
  @Min(1)
  @Max(86400)
  STAFF_LOGIN_LOCK_MAX_SECONDS: number = 900;

  /** How long a username's failures are remembered after its last attempt (plus any lock). */
  @IsInt()
  @Min(1)
  @Max(86400)
  STAFF_LOGIN_FAILURE_WINDOW_SECONDS: number = 900;

  /** With ADMIN_BOOTSTRAP_PASSWORD: the first admin account, created at start-up only while no admin exists. */
  @IsOptional()
  @Matches(/^[a-z0-9_.-]{3,32}$/, { message: 'ADMIN_BOOTSTRAP_USERNAME must be 3-32 of a-z 0-9 _ . -' })
  ADMIN_BOOTSTRAP_USERNAME?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'ADMIN_BOOTSTRAP_PASSWORD must be at least 12 characters' })
  ADMIN_BOOTSTRAP_PASSWORD?: string;
}
