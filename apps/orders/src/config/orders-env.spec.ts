import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '#libs/config';
import { OrdersEnv } from './orders-env';

const base = {
  PORT: '3301',
  DATABASE_URL: 'mysql://orders:pw@127.0.0.1:3306/orders',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  NATS_URL: 'nats://127.0.0.1:4222',
  JWT_PUBLIC_KEYS: '{"keys":[]}',
};
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pay = {
  WECHAT_APP_ID: 'wx-app',
  WECHATPAY_MCH_ID: '1900000001',
  WECHATPAY_MERCHANT_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  WECHATPAY_MERCHANT_SERIAL_NO: 'ABC123',
  WECHATPAY_API_V3_KEY: 'sandbox-apiv3-key-0123456789abcd',
  WECHATPAY_NOTIFY_URL: 'https://api.example.com/api/orders/payments/wechat/notify',
  WECHATPAY_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_1',
};

function problems(env: Record<string, string | undefined>): string {
  try {
    loadConfig(OrdersEnv, env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('OrdersEnv', () => {
  it('runs without WeChat Pay, with typed defaults', () => {
    const config = loadConfig(OrdersEnv, base);
    expect(config).toMatchObject({
      ORDER_PAYMENT_TTL_SECONDS: 900,
      ORDER_SWEEP_INTERVAL_SECONDS: 30,
      ORDER_RESERVE_TIMEOUT_MS: 10000,
      BUSINESS_UTC_OFFSET: '+08:00',
      WECHATPAY_BASE_URL: 'https://api.mch.weixin.qq.com',
    });
    expect(config.WECHATPAY_MCH_ID).toBeUndefined();
  });

  it('accepts a complete merchant', () => {
    expect(loadConfig(OrdersEnv, { ...base, ...pay }).WECHATPAY_MCH_ID).toBe('1900000001');
    const { WECHATPAY_PUBLIC_KEY: _key, WECHATPAY_PUBLIC_KEY_ID: _id, ...withoutKey } = pay;
    expect(problems({ ...base, ...withoutKey, WECHATPAY_PLATFORM_CERTIFICATES: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' })).toBe('');
  });

  it('names each missing or bad WeChat Pay variable once WECHATPAY_MCH_ID is set', () => {
    const message = problems({ ...base, WECHATPAY_MCH_ID: '1900000001', WECHATPAY_API_V3_KEY: 'short', WECHATPAY_NOTIFY_URL: 'ftp://x' });
    for (const name of [
      'WECHAT_APP_ID',
      'WECHATPAY_MERCHANT_PRIVATE_KEY',
      'WECHATPAY_MERCHANT_SERIAL_NO',
      'WECHATPAY_API_V3_KEY',
      'WECHATPAY_NOTIFY_URL',
      'WECHATPAY_PUBLIC_KEY',
    ])
      expect(message).toContain(name);
    expect(problems({ ...base, ...pay, WECHATPAY_PUBLIC_KEY_ID: undefined })).toContain('WECHATPAY_PUBLIC_KEY_ID');
  });

  it('refuses bad order settings', () => {
    const message = problems({ ...base, ORDER_PAYMENT_TTL_SECONDS: '0', BUSINESS_UTC_OFFSET: '8', IDEMPOTENCY_WAIT_MS: 'soon' });
    for (const name of ['ORDER_PAYMENT_TTL_SECONDS', 'BUSINESS_UTC_OFFSET', 'IDEMPOTENCY_WAIT_MS']) expect(message).toContain(name);
  });
});
