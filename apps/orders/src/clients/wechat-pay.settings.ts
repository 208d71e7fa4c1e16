import { KeyObject } from 'node:crypto';
import { OrdersEnv } from '../config/orders-env';
import { MerchantKey, merchantPrivateKey, WechatpayKeyring } from '../helpers/wechat-pay-crypto';

/** WeChat Pay as configured: the merchant, its keys and where WeChat Pay and our notify endpoint are. */
export interface WechatPaySettings {
  appId: string;
  merchant: MerchantKey;
  apiV3Key: string;
  notifyUrl: string;
  baseUrl: string;
  keyring: WechatpayKeyring;
  timeoutMs: number;
}

/** The settings from the validated environment, or undefined when WeChat Pay is off (no WECHATPAY_MCH_ID). */
export function wechatPaySettings(config: OrdersEnv): WechatPaySettings | undefined {
  if (!config.WECHATPAY_MCH_ID) return undefined;
  const privateKey: KeyObject = merchantPrivateKey(config.WECHATPAY_MERCHANT_PRIVATE_KEY!);
  return {
    appId: config.WECHAT_APP_ID!,
    merchant: { mchId: config.WECHATPAY_MCH_ID, serialNo: config.WECHATPAY_MERCHANT_SERIAL_NO!, privateKey },
    apiV3Key: config.WECHATPAY_API_V3_KEY!,
    notifyUrl: config.WECHATPAY_NOTIFY_URL!,
    baseUrl: config.WECHATPAY_BASE_URL.replace(/\/+$/, ''),
    keyring: new WechatpayKeyring({
      publicKeyPem: config.WECHATPAY_PUBLIC_KEY,
      publicKeyId: config.WECHATPAY_PUBLIC_KEY_ID,
      certificatesPem: config.WECHATPAY_PLATFORM_CERTIFICATES,
    }),
    timeoutMs: config.WECHATPAY_TIMEOUT_MS,
  };
}
