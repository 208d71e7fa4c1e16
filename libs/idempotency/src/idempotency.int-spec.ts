import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CurrentPrincipal } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { AppError } from '#libs/errors';
import { createTestSigningKeys, PlatformTestApp, requestJson, signTestToken, startPlatformTestApp } from '#libs/testing';
import { Idempotent } from './idempotent.decorator';
import { idempotencyProviders } from './idempotency.module';

const calls: { route: string; user: string; amount?: number }[] = [];
let failures: 'none' | 'conflict' | 'crash' | 'outage' = 'none';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ChargeDto {
  @IsInt()
  @Min(1)
  @Max(1000)
  amount: number;

  @IsOptional()
  @IsInt()
  delayMs?: number;
}

@Controller('things')
class ThingsController {
  @Idempotent()
  @Post()
  async create(@CurrentPrincipal() principal: Principal, @Body() body: ChargeDto) {
    calls.push({ route: 'create', user: principal.id, amount: body.amount });
    await sleep(body.delayMs ?? 0);
    if (failures === 'conflict') throw new AppError('INSUFFICIENT_STOCK', 'Sold out', [{ field: 'amount', message: 'too many' }]);
    if (failures === 'outage') throw new AppError('DEPENDENCY_UNAVAILABLE', 'try later');
    if (failures === 'crash') throw new Error('boom');
    return { id: `${principal.id}-${calls.length}`, amount: body.amount, at: Date.now() };
  }

  @Idempotent()
  @Post(':name/pay')
  @HttpCode(200)
  pay(@Param('name') name: string) {
    calls.push({ route: 'pay', user: name });
    return { paid: name, nonce: Math.random() };
  }
}

describe('@Idempotent() over Redis (real platform wiring, two replicas)', () => {
  let first: PlatformTestApp;
  let second: PlatformTestApp;
  let alice: string;
  let bob: string;
  let keyCounter = 0;
  const newKey = () => `key-${Date.now()}-${++keyCounter}`;
  const post = (app: PlatformTestApp, path: string, token: string, key: string | undefined, body: unknown = { amount: 5 }) =>
    requestJson(`${app.url}${path}`, { method: 'POST', token, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

  beforeAll(async () => {
    const keys = await createTestSigningKeys();
    const providers = idempotencyProviders({ waitMs: 3000 });
    first = await startPlatformTestApp({ name: 'idem', env: keys.publicEnv, controllers: [ThingsController], providers });
    second = await startPlatformTestApp({
      name: 'idem',
      env: { ...keys.publicEnv, REDIS_KEY_PREFIX: first.env.REDIS_KEY_PREFIX },
      controllers: [ThingsController],
      providers,
    });
    alice = await signTestToken(keys.key.privateKeyPem, { subject: '01ALICE0000000000000000000', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    bob = await signTestToken(keys.key.privateKeyPem, { subject: '01B0B00000000000000000000A', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  });
  afterAll(async () => {
    await Promise.allSettled([second?.close(), first?.close()]);
  });
  beforeEach(() => {
    calls.length = 0;
    failures = 'none';
  });

  it('does the work once for a repeated key and repeats the first status and body', async () => {
    const key = newKey();
    const one = await post(first, '/things', alice, key);
    const two = await post(second, '/things', alice, key);
    expect(one.status).toBe(201);
    expect(two.status).toBe(201);
    expect(two.body).toEqual(one.body);
    expect(one.headers.get('idempotent-replayed')).toBeNull();
    expect(two.headers.get('idempotent-replayed')).toBe('true');
    expect(calls).toHaveLength(1);
  });

  it('runs 20 simultaneous requests with one key, spread over two replicas, once; all get the first result', async () => {
    const key = newKey();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? first : second, '/things', alice, key, { amount: 7, delayMs: 300 })));
    expect(calls).toHaveLength(1);
    expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([201]));
    expect(new Set(replies.map((reply) => JSON.stringify(reply.body))).size).toBe(1);
  });

  it('keeps keys per user: the same key from another user is another request', async () => {
    const key = newKey();
    const mine = await post(first, '/things', alice, key);
    const theirs = await post(first, '/things', bob, key);
    expect(calls).toHaveLength(2);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('refuses the same key with a different body or route: 422 IDEMPOTENCY_KEY_REUSED, nothing done', async () => {
    const key = newKey();
    await post(first, '/things', alice, key, { amount: 5 });
    const otherBody = await post(second, '/things', alice, key, { amount: 6 });
    const otherRoute = await post(second, '/things/x/pay', alice, key, {});
    for (const reply of [otherBody, otherRoute]) {
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(calls).toHaveLength(1);
  });

  it('repeats a declared status (200) and keys path parameters', async () => {
    const key = newKey();
    const one = await post(first, '/things/a/pay', alice, key, {});
    const two = await post(second, '/things/a/pay', alice, key, {});
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(two.body).toEqual(one.body);
    expect((await post(first, '/things/b/pay', alice, key, {})).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('repeats a domain error (409) as the first result, without doing the work again', async () => {
    const key = newKey();
    failures = 'conflict';
    const one = await post(first, '/things', alice, key);
    failures = 'none';
    const two = await post(second, '/things', alice, key);
    expect([one.status, two.status]).toEqual([409, 409]);
    expect({ ...two.body, requestId: undefined }).toEqual({ ...one.body, requestId: undefined });
    expect(two.body.details).toEqual([{ field: 'amount', message: 'too many' }]);
    expect(calls).toHaveLength(1);
  });

  it('does not keep outages, crashes or invalid input: a retry with the same key does the work', async () => {
    for (const failure of ['outage', 'crash'] as const) {
      const key = newKey();
      failures = failure;
      expect((await post(first, '/things', alice, key)).status).toBeGreaterThanOrEqual(500);
      failures = 'none';
      expect((await post(second, '/things', alice, key)).status).toBe(201);
    }
    const key = newKey();
    expect((await post(first, '/things', alice, key, { amount: 0 })).status).toBe(400);
    expect((await post(first, '/things', alice, key, { amount: 3 })).status).toBe(201);
    expect(calls).toHaveLength(5);
  });

  it('runs every request that has no key', async () => {
    await post(first, '/things', alice, undefined);
    await post(first, '/things', alice, undefined);
    expect(calls).toHaveLength(2);
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256), 'tab\there', 'caf\u00e9']) {
      const reply = await requestJson(`${first.url}/things`, { method: 'POST', token: alice, body: { amount: 1 }, headers: { 'idempotency-key': key } });
      expect(reply.status).toBe(400);
      expect(reply.body.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
    expect(calls).toHaveLength(0);
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS to a duplicate that outwaits the wait limit', async () => {
    const key = newKey();
    const slow = post(first, '/things', alice, key, { amount: 9, delayMs: 4000 });
    await sleep(200);
    const duplicate = await post(second, '/things', alice, key, { amount: 9, delayMs: 4000 });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect((await slow).status).toBe(201);
    expect(calls).toHaveLength(1);
  });
});
