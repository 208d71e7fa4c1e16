import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { encryptResource } from '../../../tools/wechat-sandbox/pay/notification-cipher';
import { loadConfig } from '#libs/config';
import { createTestDatabase, createTestRedisNamespace, requestJson, signTestToken, startTestService, TestService, testServiceEnv } from '#libs/testing';
import { CatalogHarness, startCatalogHarness } from '../../catalog/test/catalog-test-harness';
import { AuthHarness, loginAs, queryDatabase, startAuthHarness } from '../../auth/test/auth-test-harness';
import { createWechatSandbox, WechatSandbox } from '../../../tools/wechat-sandbox/wechat-sandbox.server';
import { OrdersEnv } from '../src/config/orders-env';
import { ORDERS_SCHEMA } from '../src/orders-schema';
import { OrdersModule } from '../src/orders.module';
import { captureRawBodies } from '../src/orders-fastify';
import { NotifyRelay } from './notify-relay';

/** The WeChat Pay merchant the sandbox and the orders service share in tests. */
export const TEST_MERCHANT = {
  appId: 'wx-test-app',
  appSecret: 'test-secret',
  mchId: '1900000001',
  serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  apiV3Key: 'sandbox-apiv3-key-0123456789abcd',
};

/** One running orders app. */
export interface OrdersInstance {
  url: string;
  app: NestFastifyApplication;
  env: Record<string, string>;
}

/** A signed-in mini-program user. */
export interface TestUser {
  id: string;
  token: string;
}

/**
 * The orders service with everything real around it: its own database and Redis keys, the real catalog (seeded through
 * its admin API) and the real auth service (users log in through the WeChat sandbox; auth answers the payer lookup), a
 * private NATS shared by the three, and a WeChat Pay sandbox whose notifications reach orders through a relay.
 */
export interface OrdersHarness extends OrdersInstance {
  catalog: CatalogHarness;
  auth: AuthHarness;
  paySandbox: WechatSandbox;
  relay: NotifyRelay;
  merchantPrivateKeyPem: string;
  merchantPublicKey: KeyObject;
  /** The key the pay sandbox signs with (tests forge correctly signed notifications with it) and its serial. */
  platform: { privateKey: KeyObject; serial: string };
  /** A staff token the orders service accepts. */
  staffToken: string;
  databaseUrl: string;
  startReplica(env?: Record<string, string>): Promise<OrdersInstance>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Logs a user in through auth and the sandbox (`name` is the openid's tail: the same name is the same user). */
  login(name: string): Promise<TestUser>;
  /** A product with one SKU per entry, made through the catalog's admin API; returns the SKU ids in order. */
  seedSkus(skus: { name?: string; priceFen: number; stock: number }[], product?: { title?: string; onSale?: boolean }): Promise<string[]>;
  /** A SKU's stock as the catalog's database has it. */
  stockOf(skuId: string): Promise<number>;
  close(): Promise<void>;
}

let seedCounter = 0;
/** Longer than any close takes here (under 0.3 s each); the file's afterAll allows 30 s for all seven. */
const CLEANUP_STEP_LIMIT_MS = 4000;

/** Starts the whole set for one test file; `env` overrides any orders variable. */
export async function startOrdersHarness(env: Record<string, string> = {}, options: { catalogReplicas?: number } = {}): Promise<OrdersHarness> {
  const cleanups: [name: string, step: () => Promise<unknown>][] = [];
  // A step that hangs is named and left behind, so one stuck close neither fails the file's afterAll nor goes unseen.
  const cleanUp = async () => {
    for (const [name, step] of cleanups.reverse()) {
      const outcome = await Promise.race([
        step().then(
          () => 'closed',
          () => 'failed',
        ),
        sleep(CLEANUP_STEP_LIMIT_MS, 'hung', { ref: false }),
      ]);
      if (outcome !== 'closed') process.stderr.write(`orders harness: closing ${name} ${outcome}\n`);
    }
  };
  try {
    const catalog = await startCatalogHarness({ replicas: options.catalogReplicas ?? 1 });
    cleanups.push(['the catalog', () => catalog.close()]);
    const auth = await startAuthHarness(
      { NATS_URL: catalog.natsUrl, THROTTLE_SENSITIVE_LIMIT: '100000', THROTTLE_LIMIT: '1000000' },
      { answersMessages: true },
    );
    cleanups.push(['auth', () => auth.close()]);

    const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const merchantPrivateKeyPem = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const paySandbox = createWechatSandbox({
      appId: TEST_MERCHANT.appId,
      appSecret: TEST_MERCHANT.appSecret,
      pay: {
        mchId: TEST_MERCHANT.mchId,
        merchantPublicKey: merchant.publicKey,
        merchantSerialNo: TEST_MERCHANT.serialNo,
        apiV3Key: TEST_MERCHANT.apiV3Key,
        platformPrivateKey: platform.privateKey,
        notifyRetryDelaysMs: [200, 400, 800],
        notifyTimeoutMs: 5000,
      },
    });
    await paySandbox.listen(0);
    cleanups.push(['the WeChat Pay sandbox', () => paySandbox.close()]);
    const platformKey = await fetch(`${paySandbox.url}/sandbox/platform-public-key`);
    const platformKeyPem = await platformKey.text();
    const relay = new NotifyRelay();
    await relay.start();
    cleanups.push(['the notify relay', () => relay.stop()]);

    const database = await createTestDatabase('orders', ORDERS_SCHEMA);
    cleanups.push(['the orders database', () => database.drop()]);
    const redis = createTestRedisNamespace('orders');
    cleanups.push(['the Redis keys', () => redis.cleanUp()]);
    const fullEnv: Record<string, string> = {
      ...testServiceEnv({ databaseUrl: database.url, redis, natsUrl: catalog.natsUrl }),
      // Orders read the sessions auth revokes: the shared keys are auth's.
      REDIS_SHARED_PREFIX: auth.redisPrefixes.shared,
      MESSAGE_TIMEOUT_MS: '3000',
      THROTTLE_LIMIT: '1000000',
      JWT_PUBLIC_KEYS: auth.keys.publicEnv.JWT_PUBLIC_KEYS,
      WECHAT_APP_ID: TEST_MERCHANT.appId,
      // WeChat's server API is auth's sandbox: orders calls it with the access token auth hands out over the bus.
      WECHAT_API_BASE_URL: auth.sandbox.url,
      WECHATPAY_MCH_ID: TEST_MERCHANT.mchId,
      WECHATPAY_MERCHANT_PRIVATE_KEY: merchantPrivateKeyPem,
      WECHATPAY_MERCHANT_SERIAL_NO: TEST_MERCHANT.serialNo,
      WECHATPAY_API_V3_KEY: TEST_MERCHANT.apiV3Key,
      WECHATPAY_NOTIFY_URL: `${relay.url}/api/orders/payments/wechat/notify`,
      WECHATPAY_BASE_URL: paySandbox.url,
      WECHATPAY_PUBLIC_KEY: platformKeyPem,
      WECHATPAY_PUBLIC_KEY_ID: platformKey.headers.get('wechatpay-serial') ?? '',
      WECHATPAY_TIMEOUT_MS: '3000',
      ...env,
    };
    const instances: TestService[] = [];
    const startInstance = async (overrides: Record<string, string> = {}): Promise<OrdersInstance> => {
      const instanceEnv = { ...fullEnv, ...overrides };
      const config = loadConfig(OrdersEnv, instanceEnv);
      const service = await startTestService({
        name: 'orders',
        module: OrdersModule.register(config),
        config,
        answersMessages: false,
        configureFastify: captureRawBodies,
      });
      instances.push(service);
      return { url: service.url, app: service.app, env: instanceEnv };
    };
    cleanups.push(['the orders instances', () => Promise.allSettled(instances.map((instance) => instance.close()))]);
    const main = await startInstance();
    relay.target = main.url;
    const staffToken = await signTestToken(auth.keys.key.privateKeyPem, {
      kind: 'staff',
      roles: ['staff'],
      subject: '01STAFF0000000000000000000',
      kid: auth.keys.key.keyId,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });

    return {
      ...main,
      catalog,
      auth,
      paySandbox,
      relay,
      merchantPrivateKeyPem,
      merchantPublicKey: merchant.publicKey,
      platform: { privateKey: platform.privateKey, serial: platformKey.headers.get('wechatpay-serial') ?? '' },
      staffToken,
      databaseUrl: database.url,
      startReplica: startInstance,
      query: (sql, params) => queryDatabase(database.url, sql, params),
      async login(name) {
        const login = await loginAs(auth.url, `${++seedCounter}:${name}`);
        return { id: login.user.id, token: login.accessToken };
      },
      async seedSkus(skus, product = {}) {
        const category = await requestJson(`${catalog.url}/api/catalog/admin/categories`, {
          token: catalog.staffToken,
          body: { name: `Category ${++seedCounter}` },
        });
        const created = await requestJson(`${catalog.url}/api/catalog/admin/products`, {
          token: catalog.staffToken,
          body: {
            categoryId: category.body.id,
            title: product.title ?? `Product ${seedCounter}`,
            images: ['https://img.example/p.jpg'],
            skus: skus.map((sku, index) => ({ name: sku.name ?? `SKU ${index + 1}`, priceFen: sku.priceFen, stock: sku.stock })),
            ...(product.onSale === false ? { onSale: false } : {}),
          },
        });
        if (created.status !== 201) throw new Error(`seeding the catalog failed: ${created.status} ${JSON.stringify(created.body)}`);
        return (created.body.skus as { id: string; name: string }[]).sort((a, b) => a.name.localeCompare(b.name)).map((sku) => sku.id);
      },
      async stockOf(skuId) {
        const [row] = await queryDatabase<{ stock: number }>(catalog.databaseUrl, 'SELECT stock FROM skus WHERE id = ?', [skuId]);
        return Number(row.stock);
      },
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** An order body with sensible contact details. */
export function orderBody(items: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return { items, contact: { name: 'Alice', phone: '13800138000', address: '1 Tea Street, Hangzhou' }, ...extra };
}

/** Polls `check` until it returns true (or fails after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A notification as WeChat Pay would send it: the resource encrypted with the APIv3 key, the body signed with `key`. */
export function signedNotification(
  key: KeyObject,
  serial: string,
  resource: Record<string, unknown>,
  options: { eventType?: string; resourceType?: 'transaction' | 'refund'; timestamp?: number; apiV3Key?: string; id?: string } = {},
): { body: string; headers: Record<string, string> } {
  const resourceType = options.resourceType ?? 'transaction';
  const body = JSON.stringify({
    id: options.id ?? `EV-${randomBytes(8).toString('hex')}`,
    create_time: new Date().toISOString(),
    resource_type: 'encrypt-resource',
    event_type: options.eventType ?? 'TRANSACTION.SUCCESS',
    summary: 'test',
    resource: encryptResource(options.apiV3Key ?? TEST_MERCHANT.apiV3Key, resourceType, JSON.stringify(resource)),
  });
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), key).toString('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': serial,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
  };
}

/** The decrypted resource WeChat Pay would send for a paid order. */
export function paidTransaction(orderNo: string, totalFen: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appid: TEST_MERCHANT.appId,
    mchid: TEST_MERCHANT.mchId,
    out_trade_no: orderNo,
    transaction_id: `4200${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    success_time: new Date().toISOString(),
    payer: { openid: 'otest' },
    amount: { total: totalFen, payer_total: totalFen, currency: 'CNY', payer_currency: 'CNY' },
    ...overrides,
  };
}
