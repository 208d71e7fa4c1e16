import { loadConfig } from '#libs/config';
import {
  createTestDatabase,
  createTestRedisNamespace,
  createTestSigningKeys,
  requestJson,
  startTestService,
  TEST_NATS_URL,
  TEST_REDIS_URL,
  TestSigningKeys,
} from '#libs/testing';
import { createWechatSandbox, WechatSandbox } from '../../../tools/wechat-sandbox/wechat-sandbox.server';
import { AUTH_SCHEMA } from '../src/auth-schema';
import { AuthModule } from '../src/auth.module';
import { AuthEnv } from '../src/config/auth-env';

/** The sandbox's app credentials, as the auth service is configured with them. */
export const SANDBOX_APP = { appId: 'wx-test-app', appSecret: 'test-secret' };

/** A running auth service with its own database, Redis keys and WeChat sandbox. */
export interface AuthHarness {
  url: string;
  sandbox: WechatSandbox;
  keys: TestSigningKeys;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts auth for one test file; `env` overrides any variable. */
export async function startAuthHarness(env: Record<string, string> = {}): Promise<AuthHarness> {
  const sandbox = createWechatSandbox({ ...SANDBOX_APP, secCheckWords: ['forbidden-word'] });
  await sandbox.listen(0);
  const database = await createTestDatabase('auth', AUTH_SCHEMA);
  const redis = createTestRedisNamespace('auth');
  const keys = await createTestSigningKeys();
  const fullEnv: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redis.servicePrefix,
    REDIS_SHARED_PREFIX: redis.sharedPrefix,
    NATS_URL: TEST_NATS_URL,
    WECHAT_API_BASE_URL: sandbox.url,
    WECHAT_APP_ID: SANDBOX_APP.appId,
    WECHAT_APP_SECRET: SANDBOX_APP.appSecret,
    WECHAT_TIMEOUT_MS: '1000',
    SHUTDOWN_DRAIN_MS: '0',
    ...keys.authEnv,
    ...env,
  };
  const config = loadConfig(AuthEnv, fullEnv);
  const service = await startTestService({ name: 'auth', module: AuthModule.register(config), config, answersMessages: false });
  return {
    url: service.url,
    sandbox,
    keys,
    env: fullEnv,
    async close() {
      await service.close();
      await sandbox.close();
      await Promise.allSettled([database.drop(), redis.cleanUp()]);
    },
  };
}

/** Logs in through the sandbox with `code` (e.g. `1:alice`) and returns the login reply body. */
export async function loginAs(url: string, code: string) {
  const reply = await requestJson(`${url}/api/auth/wechat/login`, { body: { code } });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as { accessToken: string; refreshToken: string; expiresIn: number; user: { id: string } };
}
