import { readFileSync } from 'node:fs';
import { WechatPaySandboxOptions } from './pay.routes';

/** The APIv3 key the sandbox uses unless WECHATPAY_API_V3_KEY is set; the backend's dev config must match. */
export const SANDBOX_API_V3_KEY = 'sandbox-apiv3-key-0123456789abcd';

/**
 * WeChat Pay settings from the environment, or undefined (no `/v3/*` routes) when
 * WECHATPAY_MERCHANT_PUBLIC_KEY_FILE is unset. Throws an error naming the bad variable.
 */
export function readPayConfig(env: Record<string, string | undefined>): WechatPaySandboxOptions | undefined {
  const merchantKeyFile = env.WECHATPAY_MERCHANT_PUBLIC_KEY_FILE;
  if (!merchantKeyFile) return undefined;
  const apiV3Key = env.WECHATPAY_API_V3_KEY || SANDBOX_API_V3_KEY;
  if (Buffer.byteLength(apiV3Key, 'utf8') !== 32) throw new Error('WECHATPAY_API_V3_KEY must be 32 bytes');
  const platformKeyFile = env.WECHATPAY_PLATFORM_PRIVATE_KEY_FILE;
  const retries = env.SANDBOX_PAY_NOTIFY_RETRY_SECONDS;
  return {
    mchId: env.WECHATPAY_MCH_ID || '1900000001',
    merchantPublicKey: readPem('WECHATPAY_MERCHANT_PUBLIC_KEY_FILE', merchantKeyFile),
    merchantSerialNo: env.WECHATPAY_MERCHANT_SERIAL_NO || undefined,
    apiV3Key,
    platformPrivateKey: platformKeyFile ? readPem('WECHATPAY_PLATFORM_PRIVATE_KEY_FILE', platformKeyFile) : undefined,
    platformSerialNo: env.WECHATPAY_PLATFORM_SERIAL_NO || undefined,
    notifyRetryDelaysMs: retries === undefined ? undefined : secondsList('SANDBOX_PAY_NOTIFY_RETRY_SECONDS', retries),
  };
}

function readPem(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${name}: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`);
  }
}

function secondsList(name: string, raw: string): number[] {
  const parts = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (!parts.every((part) => /^\d+(\.\d+)?$/.test(part))) {
    throw new Error(`${name} must be a comma-separated list of seconds, got "${raw}"`);
  }
  return parts.map((part) => Number(part) * 1000);
}
