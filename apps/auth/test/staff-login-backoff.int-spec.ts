import Redis from 'ioredis';
import { REDIS } from '#libs/redis';
import { JsonReply, requestJson } from '#libs/testing';
import { PasswordHasher } from '../src/services/password-hasher';
import { AuthHarness, AuthInstance, loginStaff, startAuthHarness } from './auth-test-harness';

const ADMIN = { username: 'backoff-admin', password: 'backoff admin passphrase' };
const MAX_FAILURES = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectLocked(reply: JsonReply, retryAfter: number): void {
  expect([reply.status, reply.body.code]).toEqual([429, 'LOGIN_LOCKED']);
  expect(reply.body).toEqual({ statusCode: 429, code: 'LOGIN_LOCKED', message: expect.any(String), requestId: reply.headers.get('x-request-id') });
  expect(reply.headers.get('retry-after')).toBe(String(retryAfter));
}

describe('staff login backoff per username, shared by replicas through Redis (real auth, MariaDB, Redis)', () => {
  let auth: AuthHarness;
  let replica: AuthInstance;
  let adminToken: string;
  const login = (url: string, username: string, password: string) => requestJson(`${url}/api/auth/admin/login`, { body: { username, password } });
  const createClerk = async (username: string) => {
    const reply = await requestJson(`${auth.url}/api/auth/admin/staff`, {
      token: adminToken,
      body: { username, password: `${username} passphrase`, role: 'staff' },
    });
    expect(reply.status).toBe(201);
    return { username, password: `${username} passphrase` };
  };
  const failTimes = async (times: number, username: string, urls = [auth.url]) => {
    for (let i = 0; i < times; i++) {
      const reply = await login(urls[i % urls.length], username, 'a wrong guess');
      expect([reply.status, reply.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    }
  };

  beforeAll(async () => {
    auth = await startAuthHarness({
      // Every request comes from 127.0.0.1: keep the per-address limit out of the way of the per-name one.
      THROTTLE_SENSITIVE_LIMIT: '1000',
      STAFF_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      STAFF_LOGIN_LOCK_BASE_SECONDS: '1',
      STAFF_LOGIN_LOCK_MAX_SECONDS: '2',
      STAFF_LOGIN_FAILURE_WINDOW_SECONDS: '60',
      ADMIN_BOOTSTRAP_USERNAME: ADMIN.username,
      ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password,
    });
    replica = await auth.startReplica();
    adminToken = (await loginStaff(auth.url, ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(() => auth.close());

  it(`locks a name after ${MAX_FAILURES} failures with 429 LOGIN_LOCKED and Retry-After, even for the right password, without checking it`, async () => {
    const clerk = await createClerk('clerk-locked');
    await failTimes(MAX_FAILURES, clerk.username);
    const verify = jest.spyOn(auth.app.get(PasswordHasher), 'verify');
    try {
      expectLocked(await login(auth.url, clerk.username, clerk.password), 1);
      expectLocked(await login(auth.url, clerk.username, 'another guess'), 1);
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
    // Another name is not affected.
    expect((await login(auth.url, ADMIN.username, ADMIN.password)).status).toBe(200);
  });

  it('doubles the lock with each further failure up to STAFF_LOGIN_LOCK_MAX_SECONDS, then lets the right password in', async () => {
    const clerk = await createClerk('clerk-doubling');
    await failTimes(MAX_FAILURES, clerk.username);
    expectLocked(await login(auth.url, clerk.username, 'a wrong guess'), 1);
    await sleep(1100);
    await failTimes(1, clerk.username);
    expectLocked(await login(auth.url, clerk.username, clerk.password), 2);
    await sleep(2100);
    await failTimes(1, clerk.username);
    expectLocked(await login(auth.url, clerk.username, clerk.password), 2); // capped: not 4
    await sleep(2100);
    expect((await login(auth.url, clerk.username, clerk.password)).status).toBe(200);
  });

  it('shares the count and the lock between two replicas', async () => {
    const clerk = await createClerk('clerk-shared');
    await failTimes(MAX_FAILURES, clerk.username, [auth.url, replica.url]);
    expectLocked(await login(replica.url, clerk.username, clerk.password), 1);
    expectLocked(await login(auth.url, clerk.username, clerk.password), 1);
  });

  it('counts every spelling MySQL matches to the name (case, accents, spaces, ß for ss) as that name', async () => {
    const clerk = await createClerk('clerk-strasse');
    for (const spelling of ['Clerk-Strasse', 'clerk-straße ', 'clérk-strasse']) {
      const reply = await login(auth.url, spelling, 'a wrong guess');
      expect([reply.status, reply.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    }
    expectLocked(await login(auth.url, clerk.username, clerk.password), 1);
  });

  it('forgets the failures after a successful login', async () => {
    const clerk = await createClerk('clerk-reset');
    await failTimes(MAX_FAILURES - 1, clerk.username);
    expect((await login(replica.url, clerk.username, clerk.password)).status).toBe(200);
    await failTimes(MAX_FAILURES - 1, clerk.username);
    expect((await login(auth.url, clerk.username, clerk.password)).status).toBe(200);
    await failTimes(MAX_FAILURES, clerk.username);
    expectLocked(await login(auth.url, clerk.username, clerk.password), 1);
  });

  it('treats an unknown name exactly like a known one: same replies, same lock, no hash check while locked', async () => {
    const clerk = await createClerk('clerk-known');
    const known: JsonReply[] = [];
    const unknown: JsonReply[] = [];
    // Spelled differently each time: an unknown name folds case, accents and spaces like a known one does.
    const spell = (name: string, i: number) => [name, name.toUpperCase(), name.replace('o', 'ó'), `${name} `][i % 4];
    for (let i = 0; i <= MAX_FAILURES; i++) {
      known.push(await login(i % 2 ? replica.url : auth.url, spell(clerk.username, i), 'a wrong guess'));
      unknown.push(await login(i % 2 ? replica.url : auth.url, spell('nobody-by-this-name', i), 'a wrong guess'));
    }
    const shape = (reply: JsonReply) => [reply.status, reply.body.code, reply.body.message, reply.headers.get('retry-after')];
    expect(unknown.map(shape)).toEqual(known.map(shape));
    expect(unknown.map((reply) => reply.status)).toEqual([...Array(MAX_FAILURES).fill(401), 429]);
    expectLocked(unknown[MAX_FAILURES], 1);
    const verify = jest.spyOn(auth.app.get(PasswordHasher), 'verify');
    try {
      expectLocked(await login(auth.url, 'nobody-by-this-name', 'a wrong guess'), 1);
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  it('keeps nothing for good: the count and the lock expire in Redis', async () => {
    const clerk = await createClerk('clerk-expiry');
    await failTimes(MAX_FAILURES, clerk.username);
    const redis = new Redis(auth.env.REDIS_URL, { keyPrefix: auth.redisPrefixes.service });
    try {
      const attemptsTtl = await redis.pttl(`staff-login:${clerk.username}:attempts`);
      const lockTtl = await redis.pttl(`staff-login:${clerk.username}:locked`);
      expect(lockTtl).toBeGreaterThan(0);
      expect(lockTtl).toBeLessThanOrEqual(1000);
      expect(attemptsTtl).toBeGreaterThan(59_000);
      expect(attemptsTtl).toBeLessThanOrEqual(61_000);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses staff logins with 503 DEPENDENCY_UNAVAILABLE when Redis cannot be asked, rather than let guesses through', async () => {
    const cutOff = await auth.startReplica();
    // This replica's own Redis connection gone for good: every command on it fails at once.
    cutOff.app.get<Redis>(REDIS).disconnect();
    const reply = await login(cutOff.url, ADMIN.username, ADMIN.password);
    expect([reply.status, reply.body.code]).toEqual([503, 'DEPENDENCY_UNAVAILABLE']);
  });
});
