import { Controller, Get, Inject } from '@nestjs/common';
import { ClientProxyFactory, MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { randomBytes } from 'node:crypto';
import { Matches } from 'class-validator';
import { ServiceEnv } from '#libs/config';
import { AppError } from '#libs/errors';
import { currentRequestContext, runWithRequestContext } from '#libs/logging';
import { Public } from '#libs/auth';
import { createTestSigningKeys, PlatformTestApp, requestJson, startPlatformTestApp } from '#libs/testing';
import { MessageBus } from './message-bus';
import { BusHandler } from './bus-handler.decorator';

/** Subjects and the queue group are unique to this run, so parallel runs and a live stack on the same NATS never meet. */
const RUN = `bus${randomBytes(4).toString('hex')}`;
const SUBJECT = {
  echo: `${RUN}.echo`,
  slow: `${RUN}.slow`,
  soloSlow: `${RUN}.solo-slow`,
  refuse: `${RUN}.refuse`,
  crash: `${RUN}.crash`,
  lookup: `${RUN}.lookup`,
  nobody: `${RUN}.nobody`,
};
const INSTANCE = Symbol('INSTANCE');
const handled: { instance: string; n: number }[] = [];
/** The slow handler answers only when the test lets it, so a reply can only come from the caller's timeout. */
const slowAnswers: (() => void)[] = [];

class LookupRequest {
  @Matches(/^[0-9A-HJKMNP-TV-Z]{26}$/)
  userId: string;
}

@BusHandler()
class TestHandlers {
  constructor(@Inject(INSTANCE) private readonly instance: string) {}

  @MessagePattern(SUBJECT.echo)
  echo(@Payload() payload: { n: number }) {
    handled.push({ instance: this.instance, n: payload.n });
    return { n: payload.n, instance: this.instance, requestId: currentRequestContext()?.requestId };
  }

  @MessagePattern(SUBJECT.slow)
  async slow(): Promise<string> {
    await new Promise<void>((resolve) => slowAnswers.push(resolve));
    return 'late';
  }

  @MessagePattern(SUBJECT.refuse)
  refuse(): never {
    throw new AppError('USER_NOT_FOUND', 'User not found', [{ field: 'userId', message: 'no such user' }]);
  }

  @MessagePattern(SUBJECT.crash)
  crash(): never {
    throw new Error("ER_PARSE_ERROR near 'SELECT * FROM users' at /srv/app/dist/users.repository.js:42");
  }

  @MessagePattern(SUBJECT.lookup)
  lookup(@Payload() request: LookupRequest) {
    return { userId: request.userId };
  }
}

/** A replica of another service, alone in its queue group, for watching it shut down. */
@BusHandler()
class SoloHandlers {
  @MessagePattern(SUBJECT.soloSlow)
  async slow(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return 'finished';
  }
}

/** An HTTP route of the calling service that asks the bus, as a real service would while serving a request. */
@Public()
@Controller('relay')
class RelayController {
  constructor(private readonly bus: MessageBus) {}

  @Get()
  relay(): Promise<{ requestId: string }> {
    return this.bus.request(SUBJECT.echo, { n: -10 });
  }
}

async function expectAppError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('MessageBus over NATS between replicas (real NATS)', () => {
  let replicas: PlatformTestApp[];
  let caller: PlatformTestApp;
  let bus: MessageBus;
  let env: Record<string, string>;

  beforeAll(async () => {
    const { publicEnv } = await createTestSigningKeys();
    env = { ...publicEnv, MESSAGE_TIMEOUT_MS: '1000' };
    replicas = await Promise.all(
      ['a', 'b'].map((instance) =>
        startPlatformTestApp({ name: RUN, env, answersMessages: true, controllers: [TestHandlers], providers: [{ provide: INSTANCE, useValue: instance }] }),
      ),
    );
    caller = await startPlatformTestApp({ name: `${RUN}-caller`, env, controllers: [RelayController] });
    bus = caller.app.get(MessageBus);
  });
  afterAll(async () => {
    await Promise.allSettled([...(replicas ?? []), caller].filter(Boolean).map((app) => app.close()));
  });

  it('delivers each request to exactly one replica of the queue group, and to both replicas over many', async () => {
    handled.length = 0;
    const count = 40;
    const replies = await Promise.all(Array.from({ length: count }, (_, n) => bus.request<{ n: number; instance: string }>(SUBJECT.echo, { n })));
    expect(replies.map((reply) => reply.n)).toEqual(Array.from({ length: count }, (_, n) => n));
    expect(handled).toHaveLength(count);
    expect(new Set(handled.map((h) => h.n)).size).toBe(count);
    const byInstance = new Set(replies.map((reply) => reply.instance));
    expect([...byInstance].sort()).toEqual(['a', 'b']);
  });

  it('carries the caller’s request id (from its context or its HTTP request) to the handler, and "none" outside a request', async () => {
    const reply = await runWithRequestContext({ requestId: 'req-bus-7' }, () => bus.request<{ requestId: string }>(SUBJECT.echo, { n: -1 }));
    expect(reply.requestId).toBe('req-bus-7');
    expect((await bus.request<{ requestId: string }>(SUBJECT.echo, { n: -2 })).requestId).toBe('none');
    const relayed = await requestJson(`${caller.url}/relay`, { headers: { 'x-request-id': 'http-req-5' } });
    expect(relayed.body.requestId).toBe('http-req-5');
  });

  it('brings a domain error back typed, with its code, status, message and details', async () => {
    const error = await expectAppError(bus.request(SUBJECT.refuse, { userId: 'x' }));
    expect(error).toMatchObject({ code: 'USER_NOT_FOUND', status: 404, message: 'User not found', details: [{ field: 'userId', message: 'no such user' }] });
  });

  it('hides an unexpected error behind INTERNAL_ERROR, leaking nothing of it', async () => {
    const error = await expectAppError(bus.request(SUBJECT.crash, {}));
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/SELECT|ER_PARSE|\/srv\//);
  });

  it('validates message payloads like HTTP bodies: VALIDATION_FAILED, unknown fields refused', async () => {
    await expect(bus.request(SUBJECT.lookup, { userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).resolves.toEqual({ userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(await expectAppError(bus.request(SUBJECT.lookup, { userId: 'nope' }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await expectAppError(bus.request(SUBJECT.lookup, { userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', admin: true }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('gives up on a subject nobody answers within the timeout, as a typed error', async () => {
    const error = await expectAppError(bus.request(SUBJECT.nobody, {}, 500));
    expect(['DEPENDENCY_UNAVAILABLE', 'UPSTREAM_TIMEOUT']).toContain(error.code);
  });

  it('answers UPSTREAM_TIMEOUT when the handler is slower than the timeout', async () => {
    try {
      expect(await expectAppError(bus.request(SUBJECT.slow, {}, 100))).toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 504 });
      expect(slowAnswers).toHaveLength(1);
    } finally {
      slowAnswers.splice(0).forEach((answer) => answer());
    }
  });

  it('answers DEPENDENCY_UNAVAILABLE when NATS cannot be reached', async () => {
    const config = { MESSAGE_TIMEOUT_MS: 2000 } as ServiceEnv;
    const client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: ['nats://127.0.0.1:1'], reconnect: false } });
    try {
      const started = Date.now();
      const error = await expectAppError(new MessageBus(client, config).request(SUBJECT.echo, { n: 0 }));
      expect(error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await client.close();
    }
  });

  it('lets an in-flight message finish on close, and closes within MESSAGE_TIMEOUT_MS', async () => {
    const solo = await startPlatformTestApp({ name: `${RUN}-solo`, env, answersMessages: true, controllers: [SoloHandlers] });
    const reply = bus.request<string>(SUBJECT.soloSlow, {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await solo.close();
    expect(Date.now() - started).toBeLessThan(Number(env.MESSAGE_TIMEOUT_MS) + 1000);
    await expect(reply).resolves.toBe('finished');
  });
});
