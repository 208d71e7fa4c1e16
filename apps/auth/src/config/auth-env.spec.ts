import { ConfigError, loadConfig } from '#libs/config';
import { AuthEnv } from './auth-env';

const privateKey = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGZha2Uta2V5LWZvci1jb25maWctdGVzdHMtb25seQ==\n-----END PRIVATE KEY-----';
const goodEnv = {
  PORT: '3101',
  DATABASE_URL: 'mysql://auth:pw@127.0.0.1:3306/auth',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  NATS_URL: 'nats://127.0.0.1:4222',
  JWT_PUBLIC_KEYS: '{"keys":[]}',
  JWT_PRIVATE_KEY: privateKey,
  JWT_KEY_ID: 'key-1',
  WECHAT_APP_ID: 'wx-app',
  WECHAT_APP_SECRET: 'secret',
};

function problemsWith(env: Record<string, string | undefined>): string {
  try {
    loadConfig(AuthEnv, { ...goodEnv, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the environment to be refused');
}

describe('AuthEnv', () => {
  it('applies the defaults the contract relies on', () => {
    const config = loadConfig(AuthEnv, goodEnv);
    expect(config).toMatchObject({
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_SECONDS: 30 * 86400,
      WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
      WECHAT_TIMEOUT_MS: 3000,
    });
    expect(config.ADMIN_BOOTSTRAP_USERNAME).toBeUndefined();
  });

  it('refuses to start on a bad variable, naming it', () => {
    expect(problemsWith({ JWT_PRIVATE_KEY: 'not a pem' })).toMatch(/JWT_PRIVATE_KEY/);
    expect(problemsWith({ JWT_KEY_ID: undefined })).toMatch(/JWT_KEY_ID/);
    expect(problemsWith({ WECHAT_APP_SECRET: undefined })).toMatch(/WECHAT_APP_SECRET/);
    expect(problemsWith({ WECHAT_API_BASE_URL: 'ftp://example.com' })).toMatch(/WECHAT_API_BASE_URL/);
    expect(problemsWith({ ACCESS_TOKEN_TTL_SECONDS: '5' })).toMatch(/ACCESS_TOKEN_TTL_SECONDS/);
    expect(problemsWith({ ADMIN_BOOTSTRAP_USERNAME: 'Admin User' })).toMatch(/ADMIN_BOOTSTRAP_USERNAME/);
    expect(problemsWith({ ADMIN_BOOTSTRAP_USERNAME: 'admin', ADMIN_BOOTSTRAP_PASSWORD: 'short' })).toMatch(/ADMIN_BOOTSTRAP_PASSWORD/);
  });

  it('reads the WeChat push settings: off without a token, safe mode by default, the EncodingAESKey checked', () => {
    const off = loadConfig(AuthEnv, goodEnv);
    expect(off).toMatchObject({ WECHAT_PUSH_MODE: 'safe', WECHAT_PUSH_MAX_AGE_SECONDS: 300 });
    expect(off.WECHAT_PUSH_TOKEN).toBeUndefined();
    const key = 'sandboxEncodingAesKey0123456789abcdefghijkl';
    expect(loadConfig(AuthEnv, { ...goodEnv, WECHAT_PUSH_TOKEN: 'tok', WECHAT_PUSH_ENCODING_AES_KEY: key })).toMatchObject({
      WECHAT_PUSH_TOKEN: 'tok',
      WECHAT_PUSH_ENCODING_AES_KEY: key,
    });
    expect(loadConfig(AuthEnv, { ...goodEnv, WECHAT_PUSH_TOKEN: 'tok', WECHAT_PUSH_MODE: 'plain' }).WECHAT_PUSH_ENCODING_AES_KEY).toBeUndefined();
    expect(problemsWith({ WECHAT_PUSH_TOKEN: 'tok' })).toMatch(/WECHAT_PUSH_ENCODING_AES_KEY/);
    expect(problemsWith({ WECHAT_PUSH_TOKEN: 'tok', WECHAT_PUSH_MODE: 'compatible', WECHAT_PUSH_ENCODING_AES_KEY: key.slice(1) })).toMatch(
      /WECHAT_PUSH_ENCODING_AES_KEY/,
    );
    expect(problemsWith({ WECHAT_PUSH_ENCODING_AES_KEY: `${key}=` })).toMatch(/WECHAT_PUSH_ENCODING_AES_KEY/);
    expect(problemsWith({ WECHAT_PUSH_MODE: 'xml' })).toMatch(/WECHAT_PUSH_MODE/);
    expect(problemsWith({ WECHAT_PUSH_MAX_AGE_SECONDS: '0' })).toMatch(/WECHAT_PUSH_MAX_AGE_SECONDS/);
  });
});
