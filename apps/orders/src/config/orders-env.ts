import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { ServiceEnv } from '#libs/config';

const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;
const PEM_PRIVATE_KEY = /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/;
const PEM_PUBLIC_KEY = /-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/;
const PEM_CERTIFICATES = /^(\s*-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\s*)+$/;

/** Whether WeChat Pay is configured: WECHATPAY_MCH_ID switches it on and makes the other WECHATPAY_* variables required. */
const payEnabled = (env: OrdersEnv) => env.WECHATPAY_MCH_ID !== undefined;

/** The orders service's environment: order lifetimes, the sweeper, idempotency, and the WeChat Pay merchant. */
export class OrdersEnv extends ServiceEnv {
  /** How long an order waits for payment before it is cancelled and its stock released (s). */
  @IsInt()
  @Min(1)
  @Max(7 * 86400)
  ORDER_PAYMENT_TTL_SECONDS: number = 900;

  /** How often one replica sweeps for expired orders, stock to release or confirm, and refunds to retry (s). */
  @IsInt()
  @Min(1)
  @Max(3600)
  ORDER_SWEEP_INTERVAL_SECONDS: number = 30;

  /** How old an unfinished order creation must be before the sweeper gives its stock back (s); well over MESSAGE_TIMEOUT_MS. */
  @IsInt()
  @Min(1)
  @Max(3600)
  ORDER_REPAIR_AFTER_SECONDS: number = 60;

  /**
   * How long placing an order waits for the catalog's stock reservation (ms). Longer than MESSAGE_TIMEOUT_MS: in a rush on
   * one SKU the reservations queue on its row, and giving up early only turns a sale into an error and a release.
   */
  @IsInt()
  @Min(100)
  @Max(25000)
  ORDER_RESERVE_TIMEOUT_MS: number = 10000;

  /** How many days after an order is completed its owner can still ask for a refund (after-sale request). */
  @IsInt()
  @Min(0)
  @Max(365)
  AFTER_SALE_DAYS: number = 7;

  /** The business's UTC offset: slot dates (`?date=`) are its calendar days, order numbers its clock. */
  @Matches(/^[+-](0\d|1[0-4]):[0-5]\d$/, { message: 'BUSINESS_UTC_OFFSET must look like +08:00' })
  BUSINESS_UTC_OFFSET: string = '+08:00';

  /** How long the first result of an Idempotency-Key is repeated (s). */
  @IsInt()
  @Min(60)
  @Max(30 * 86400)
  IDEMPOTENCY_TTL_SECONDS: number = 86400;

  /**
   * How long a key stays "in progress" if the replica handling it dies (s). It must outlast the slowest order
   * placement (ORDER_RESERVE_TIMEOUT_MS); a retry after it cannot duplicate an order, the table keeps (user, key) unique.
   */
  @IsInt()
  @Min(5)
  @Max(3600)
  IDEMPOTENCY_PENDING_TTL_SECONDS: number = 20;

  /** How long a duplicate request waits for the first one with its key to finish (ms). */
  @IsInt()
  @Min(100)
  @Max(60000)
  IDEMPOTENCY_WAIT_MS: number = 10000;

  /** The mini-program's appid: orders are paid from it. Required with WeChat Pay. */
  @ValidateIf(payEnabled)
  @IsString()
  @MinLength(1)
  WECHAT_APP_ID?: string;

  /** The WeChat Pay merchant id; unset: payments are off (POST /pay answers 503 PAYMENT_UNAVAILABLE). */
  @IsOptional()
  @Matches(/^\d{6,32}$/, { message: 'WECHATPAY_MCH_ID must be the merchant id (digits)' })
  WECHATPAY_MCH_ID?: string;

  /** PEM of the merchant API private key (apiclient_key.pem) that signs requests to WeChat Pay and the client's paySign. */
  @ValidateIf(payEnabled)
  @Matches(PEM_PRIVATE_KEY, { message: 'WECHATPAY_MERCHANT_PRIVATE_KEY must be a PEM private key' })
  WECHATPAY_MERCHANT_PRIVATE_KEY?: string;

  /** Serial number of the merchant API certificate that goes with the private key. */
  @ValidateIf(payEnabled)
  @Matches(/^[0-9A-Za-z]{1,64}$/, { message: 'WECHATPAY_MERCHANT_SERIAL_NO must be the certificate serial number' })
  WECHATPAY_MERCHANT_SERIAL_NO?: string;

  /** The APIv3 key (32 bytes) that decrypts notifications. */
  @ValidateIf(payEnabled)
  @Matches(/^[\x21-\x7e]{32}$/, { message: 'WECHATPAY_API_V3_KEY must be the 32-character APIv3 key' })
  WECHATPAY_API_V3_KEY?: string;

  /** Public URL of POST /api/orders/payments/wechat/notify, as WeChat Pay reaches it (https in production). */
  @ValidateIf(payEnabled)
  @Matches(HTTP_URL, { message: 'WECHATPAY_NOTIFY_URL must be an http(s) URL without query' })
  WECHATPAY_NOTIFY_URL?: string;

  @Matches(HTTP_URL, { message: 'WECHATPAY_BASE_URL must be an http(s) URL such as https://api.mch.weixin.qq.com' })
  WECHATPAY_BASE_URL: string = 'https://api.mch.weixin.qq.com';

  /** The WeChat Pay public key (PEM) and its id (PUB_KEY_ID_...): answers and notifications with that Wechatpay-Serial are verified with it. */
  @ValidateIf((env: OrdersEnv) => env.WECHATPAY_PUBLIC_KEY !== undefined || (payEnabled(env) && env.WECHATPAY_PLATFORM_CERTIFICATES === undefined))
  @Matches(PEM_PUBLIC_KEY, { message: 'WECHATPAY_PUBLIC_KEY must be a PEM public key (with WeChat Pay on, it or WECHATPAY_PLATFORM_CERTIFICATES is required)' })
  WECHATPAY_PUBLIC_KEY?: string;

  @ValidateIf((env: OrdersEnv) => env.WECHATPAY_PUBLIC_KEY !== undefined)
  @IsString()
  @MinLength(1)
  WECHATPAY_PUBLIC_KEY_ID?: string;

  /** Platform certificates (PEM, one or more): the others are verified with the certificate whose serial number they name. */
  @IsOptional()
  @Matches(PEM_CERTIFICATES, { message: 'WECHATPAY_PLATFORM_CERTIFICATES must be one or more PEM certificates' })
  WECHATPAY_PLATFORM_CERTIFICATES?: string;

  /** Timeout of one call to WeChat Pay (ms). */
  @IsInt()
  @Min(100)
  @Max(30000)
  WECHATPAY_TIMEOUT_MS: number = 5000;
}
