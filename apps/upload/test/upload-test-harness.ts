import { S3Client } from '@aws-sdk/client-s3';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import S3rver from 's3rver';
import { loadConfig } from '#libs/config';
import {
  createTestDatabase,
  createTestRedisNamespace,
  createTestSigningKeys,
  signTestToken,
  startTestService,
  TestService,
  testServiceEnv,
  TestSigningKeys,
} from '#libs/testing';
import { queryDatabase } from '../../auth/test/auth-test-harness';
import { UploadEnv } from '../src/config/upload-env';
import { configureUploadFastify } from '../src/upload-fastify';
import { UPLOAD_SCHEMA } from '../src/upload-schema';
import { UploadModule } from '../src/upload.module';

/** A local S3-protocol server (s3rver) with one bucket, for the s3 driver's tests. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  client: S3Client;
  /** Env variables pointing the upload service at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts s3rver on a free loopback port with bucket `bucket`, its files in a temporary directory. */
export async function startTestS3(bucket = 'uploads-test'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    bucket,
    client,
    env: {
      UPLOAD_STORAGE_DRIVER: 's3',
      UPLOAD_S3_ENDPOINT: endpoint,
      UPLOAD_S3_BUCKET: bucket,
      UPLOAD_S3_REGION: 'us-east-1',
      UPLOAD_S3_FORCE_PATH_STYLE: 'true',
      UPLOAD_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      UPLOAD_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    async stop() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The `sig` of a private link to upload `id` expiring at `exp` (epoch seconds), as a client given one holds it. */
export function signLink(secret: string, id: string, exp: number): string {
  return createHmac('sha256', secret).update(`${id}.${exp}`).digest('base64url');
}

/** One running upload app. */
export interface UploadInstance {
  url: string;
  app: NestFastifyApplication;
}

/** A running upload service with its own database, Redis keys and storage directory. */
export interface UploadHarness extends UploadInstance {
  env: Record<string, string>;
  keys: TestSigningKeys;
  /** The local driver's directory, and the s3 driver's spool directory. */
  storageDir: string;
  /** Another replica on the same database, Redis keys and storage. */
  startReplica(env?: Record<string, string>): Promise<UploadInstance>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** An access token for user `id` (default a fixed test user). */
  userToken(id?: string, sessionId?: string): Promise<string>;
  staffToken(id?: string): Promise<string>;
  /** Files under the storage directory (relative paths), scratch files included. */
  storedFiles(): string[];
  close(): Promise<void>;
}

/** Options of an upload harness. */
export interface UploadHarnessOptions {
  env?: Record<string, string>;
  /** Verify tokens of these keys (an auth harness's), instead of fresh ones. */
  keys?: TestSigningKeys;
  answersMessages?: boolean;
}

export const USER_A = '01HZUSERA00000000000000000';
export const USER_B = '01HZUSERB00000000000000000';
export const STAFF = '01HZSTAFF00000000000000000';

async function startInstance(env: Record<string, string>, answersMessages: boolean): Promise<TestService> {
  const config = loadConfig(UploadEnv, env);
  return startTestService({ name: 'upload', module: UploadModule.register(config), config, answersMessages, configureFastify: configureUploadFastify });
}

function listFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(root, path));
    }
  };
  walk(root);
  return found.sort();
}

/** Starts the upload service for one test file; `env` overrides any variable. */
export async function startUploadHarness(options: UploadHarnessOptions = {}): Promise<UploadHarness> {
  const database = await createTestDatabase('upload', UPLOAD_SCHEMA);
  const redis = createTestRedisNamespace('upload');
  const keys = options.keys ?? (await createTestSigningKeys());
  const storageDir = mkdtempSync(join(tmpdir(), 'upload-test-'));
  const env: Record<string, string> = {
    ...testServiceEnv({ databaseUrl: database.url, redis }),
    THROTTLE_LIMIT: '100000',
    UPLOAD_LOCAL_DIR: storageDir,
    UPLOAD_SPOOL_DIR: join(storageDir, '.spool'),
    UPLOAD_URL_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
    ...keys.publicEnv,
    ...options.env,
  };
  const cleanUp = async () => {
    await Promise.allSettled([database.drop(), redis.cleanUp()]);
    rmSync(storageDir, { recursive: true, force: true });
  };
  const instances: TestService[] = [];
  try {
    instances.push(await startInstance(env, options.answersMessages ?? false));
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const sign = (subject: string, kind: 'user' | 'staff', roles: string[], sessionId = '01HZSESS1ON000000000000000') =>
    signTestToken(keys.key.privateKeyPem, { kid: keys.key.keyId, subject, kind, roles, sessionId });
  return {
    url: instances[0].url,
    app: instances[0].app,
    env,
    keys,
    storageDir,
    async startReplica(overrides = {}) {
      const replica = await startInstance({ ...env, ...overrides }, false);
      instances.push(replica);
      return { url: replica.url, app: replica.app };
    },
    query: (sql, params) => queryDatabase(database.url, sql, params),
    userToken: (id = USER_A, sessionId) => sign(id, 'user', [], sessionId),
    staffToken: (id = STAFF) => sign(id, 'staff', ['admin']),
    storedFiles: () => listFiles(storageDir),
    async close() {
      await Promise.allSettled(instances.map((instance) => instance.close()));
      await cleanUp();
    },
  };
}
