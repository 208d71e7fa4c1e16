import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '#libs/config';
import { parseMysqlUrl } from '#libs/database';
import {
  createTestDatabase,
  createTestRedisNamespace,
  createTestSigningKeys,
  requestJson,
  startTestService,
  TestService,
  testServiceEnv,
  TestSigningKeys,
} from '#libs/testing';
import { createWechatSandbox, WechatSandbox } from '../../../tools/wechat-sandbox/wechat-sandbox.server';
import { AUTH_SCHEMA } from '../src/auth-schema';
import { AuthModule } from '../src/auth.module';
import { AuthEnv } from '../src/config/auth-env';

/** The sandbox's app credentials, as the auth service is configured with them. */
export const SANDBOX_APP = { appId: 'wx-test-app', appSecret: 'test-secret' };

/** How a harness instance runs beyond its environment. */
export interface AuthInstanceOptions {
  /** Subscribes to the bus (auth.users.get) like main.ts does; off by default so tests never answer a live stack's messages. */
  answersMessages?: boolean;
}

/** One running auth app. */
export interface AuthInstance {
  url: string;
  app: NestFastifyApplication;
  env: Record<string, string>;
}

/** A running auth service with its own database, Redis keys and WeChat sandbox. */
export interface AuthHarness extends AuthInstance {
  sandbox: WechatSandbox;
  keys: TestSigningKeys;
  /** mysql:// URL of this harness's own database. */
  databaseUrl: string;
  /** The Redis key prefixes of this harness (own keys and the keys shared by every service). */
  redisPrefixes: { service: string; shared: string };
  /** Another replica of the same service: same database, Redis prefixes, keys and sandbox; `env` overrides. Closed with the harness. */
  startReplica(env?: Record<string, string>, options?: AuthInstanceOptions): Promise<AuthInstance>;
  /** Runs one SQL statement against the harness's database. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

async function startInstance(env: Record<string, string>, options: AuthInstanceOptions): Promise<AuthInstance & { service: TestService }> {
  const config = loadConfig(AuthEnv, env);
  const service = await startTestService({ name: 'auth', module: AuthModule.register(config), config, answersMessages: options.answersMessages ?? false });
  return { url: service.url, app: service.app, env, service };
}

/** Starts auth for one test file; `env` overrides any variable. */
export async function startAuthHarness(env: Record<string, string> = {}, options: AuthInstanceOptions = {}): Promise<AuthHarness> {
  const sandbox = createWechatSandbox({ ...SANDBOX_APP, secCheckWords: ['forbidden-word'] });
  await sandbox.listen(0);
  const database = await createTestDatabase('auth', AUTH_SCHEMA);
  const redis = createTestRedisNamespace('auth');
  const keys = await createTestSigningKeys();
  const fullEnv: Record<string, string> = {
    ...testServiceEnv({ databaseUrl: database.url, redis }),
    WECHAT_API_BASE_URL: sandbox.url,
    WECHAT_APP_ID: SANDBOX_APP.appId,
    WECHAT_APP_SECRET: SANDBOX_APP.appSecret,
    WECHAT_TIMEOUT_MS: '1000',
    ...keys.authEnv,
    ...env,
  };
  const cleanUp = async () => {
    await sandbox.close();
    await Promise.allSettled([database.drop(), redis.cleanUp()]);
  };
  const instances: TestService[] = [];
  try {
    instances.push((await startInstance(fullEnv, options)).service);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const main = instances[0];
  return {
    url: main.url,
    app: main.app,
    sandbox,
    keys,
    env: fullEnv,
    databaseUrl: database.url,
    redisPrefixes: { service: redis.servicePrefix, shared: redis.sharedPrefix },
    async startReplica(overrides = {}, replicaOptions = {}) {
      const replica = await startInstance({ ...fullEnv, ...overrides }, replicaOptions);
      instances.push(replica.service);
      return replica;
    },
    query: (sql, params) => queryDatabase(database.url, sql, params),
    async close() {
      await Promise.allSettled(instances.map((instance) => instance.close()));
      await cleanUp();
    },
  };
}

/** Runs one statement on the database at `url` through its own short-lived connection. */
export async function queryDatabase<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  const connection = await createConnection({ host, port, user: username, password, database, timezone: 'Z' });
  try {
    const [rows] = await connection.query(sql, params);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

/** The reply to a successful WeChat login. */
export interface UserLogin {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string };
}

/** Logs in through the sandbox with `code` (e.g. `1:alice`) and returns the login reply body. */
export async function loginAs(url: string, code: string): Promise<UserLogin> {
  const reply = await requestJson(`${url}/api/auth/wechat/login`, { body: { code } });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as UserLogin;
}

/** The reply to a successful staff login. */
export interface StaffLogin {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  staff: { id: string; username: string; role: string; disabled: boolean };
}

/** Logs a staff account in with its password and returns the login reply body. */
export async function loginStaff(url: string, username: string, password: string): Promise<StaffLogin> {
  const reply = await requestJson(`${url}/api/auth/admin/login`, { body: { username, password } });
  if (reply.status !== 200) throw new Error(`staff login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as StaffLogin;
}

/** The claims of a JWT, read without verifying it (tests look at what auth put in). */
export function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
