import { generateSigningKey } from '#libs/keys';

/**
 * An environment every service's config accepts, for building the API document: the modules are only read (Nest's
 * preview mode), so nothing here is connected to; the key is made on the spot and thrown away.
 */
export async function documentationEnv(): Promise<Record<string, string>> {
  const key = await generateSigningKey();
  return {
    NODE_ENV: 'production',
    PORT: '1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'mysql://docs@127.0.0.1:1/docs',
    REDIS_URL: 'redis://127.0.0.1:1/0',
    NATS_URL: 'nats://127.0.0.1:1',
    JWT_PRIVATE_KEY: key.privateKeyPem,
    JWT_KEY_ID: key.keyId,
    JWT_PUBLIC_KEYS: JSON.stringify({ keys: [key.publicJwk] }),
    WECHAT_APP_ID: 'wx-docs',
    WECHAT_APP_SECRET: 'docs-secret',
  };
}
