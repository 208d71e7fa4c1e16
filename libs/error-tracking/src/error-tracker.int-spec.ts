import { Body, Controller, Get, Post } from '@nestjs/common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Public } from '#libs/auth';
import { AppError } from '#libs/errors';
import { createTestSigningKeys, PlatformTestApp, signTestToken, startPlatformTestApp, TestSigningKeys } from '#libs/testing';
import { ErrorTracker } from './error-tracker';

const USER_ID = '01HZSENTRYUSER000000000000';
const PASSWORD = 'hunter2-correct-horse';
const WECHAT_SECRET = 'wx-app-secret-4f1d9e';

@Controller('boom')
class BoomController {
  /** An unexpected failure whose message carries secrets, as a careless driver error might. */
  @Post()
  explode(@Body() body: Record<string, unknown>): never {
    throw new Error(`upstream refused password=${String(body.password)} with secret=${WECHAT_SECRET} and "refreshToken":"${String(body.refreshToken)}"`);
  }

  @Public()
  @Get('expected')
  refuse(): never {
    throw new AppError('PRODUCT_NOT_FOUND', 'No such product');
  }
}

/** A stand-in for Sentry's ingest: a real HTTP server that keeps every envelope it is sent. */
class FakeIngest {
  readonly envelopes: { path: string; text: string }[] = [];
  private readonly server: Server = createServer(
    (request, response) => void this.receive(request).then(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}')),
  );

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://publickey@127.0.0.1:${(this.server.address() as AddressInfo).port}/42`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The events (item type `event`) received so far. */
  events(): Record<string, any>[] {
    return this.envelopes.flatMap(({ text }) => {
      const lines = text.split('\n').filter(Boolean);
      const found: Record<string, any>[] = [];
      for (let i = 1; i + 1 < lines.length; i += 2) if (JSON.parse(lines[i]).type === 'event') found.push(JSON.parse(lines[i + 1]));
      return found;
    });
  }

  private async receive(request: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    this.envelopes.push({ path: request.url ?? '', text: (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8') });
  }
}

describe('error tracking (Sentry SDK against a real HTTP ingest)', () => {
  let keys: TestSigningKeys;
  let ingest: FakeIngest;
  let app: PlatformTestApp;
  let token: string;

  beforeAll(async () => {
    keys = await createTestSigningKeys();
    ingest = new FakeIngest();
    const dsn = await ingest.listen();
    app = await startPlatformTestApp({
      name: 'sentry',
      controllers: [BoomController],
      env: { ...keys.publicEnv, SENTRY_DSN: dsn, SENTRY_ENVIRONMENT: 'test-ingest', SENTRY_RELEASE: 'abc123' },
    });
    token = await signTestToken(keys.key.privateKeyPem, { kid: keys.key.keyId, subject: USER_ID });
  });
  afterAll(async () => {
    await app?.close();
    await ingest?.close();
  });

  it('sends an unexpected error with the request id, the user id, the service and route, and no secret', async () => {
    const refreshToken = 'rt_9b1c0f5e8a7d6c5b4a3f2e1d0c9b8a7f';
    const response = await fetch(`${app.url}/boom?access_token=query-token-123&sig=deadbeef`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        cookie: 'session=cookie-secret-77',
        'content-type': 'application/json',
        'x-request-id': 'req-sentry-0001',
        'user-agent': 'wechat-devtools',
      },
      body: JSON.stringify({ password: PASSWORD, refreshToken }),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'req-sentry-0001' });
    await app.app.get(ErrorTracker).flush();

    const events = ingest.events();
    expect(events).toHaveLength(1);
    expect(ingest.envelopes[0].path).toMatch(/^\/api\/42\/envelope\/\?.*sentry_key=publickey/);
    const [event] = events;
    expect(event.tags).toMatchObject({ request_id: 'req-sentry-0001', service: 'sentry', transport: 'http', route: '/boom' });
    expect(event.user).toEqual({ id: USER_ID });
    expect(event).toMatchObject({ environment: 'test-ingest', release: 'abc123', level: 'error' });
    expect(event.exception.values[0]).toMatchObject({ type: 'Error', value: expect.stringContaining('password=[Filtered]') });
    expect(event.exception.values[0].stacktrace.frames.length).toBeGreaterThan(0);
    expect(event.request?.headers ?? {}).not.toHaveProperty('authorization');
    expect(event.request?.headers ?? {}).not.toHaveProperty('cookie');

    const everything = ingest.envelopes.map((envelope) => envelope.text).join('\n');
    for (const secret of [token, PASSWORD, WECHAT_SECRET, refreshToken, 'cookie-secret-77', 'query-token-123', 'deadbeef'])
      expect({ secret, leaked: everything.includes(secret) }).toEqual({ secret, leaked: false });
  });

  it('does not report expected errors (the contract’s 4xx)', async () => {
    const before = ingest.events().length;
    expect((await fetch(`${app.url}/boom/expected`)).status).toBe(404);
    await app.app.get(ErrorTracker).flush();
    expect(ingest.events()).toHaveLength(before);
  });

  it('is a no-op without SENTRY_DSN', async () => {
    const plain = await startPlatformTestApp({ name: 'nosentry', controllers: [BoomController], env: keys.publicEnv });
    try {
      expect(plain.app.get(ErrorTracker).enabled).toBe(false);
      const before = ingest.envelopes.length;
      expect(
        (await fetch(`${plain.url}/boom`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' }))
          .status,
      ).toBe(500);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ingest.envelopes).toHaveLength(before);
    } finally {
      await plain.close();
    }
  });
});
