import { ConflictException, Controller, Get } from '@nestjs/common';
import { Public } from '#libs/auth';
import { createTestSigningKeys, JsonReply, PlatformTestApp, requestJson, startPlatformTestApp } from '#libs/testing';
import { AppError } from './app-error';

const INTERNALS = "ER_DUP_ENTRY: Duplicate entry 'x' for key 'PRIMARY' in INSERT INTO users at /srv/app/dist/users.repository.js:42";

@Public()
@Controller('boom')
class FailingController {
  @Get('crash')
  crash(): never {
    throw new Error(INTERNALS);
  }

  @Get('async-crash')
  async asyncCrash(): Promise<never> {
    await Promise.resolve();
    throw Object.assign(new TypeError(INTERNALS), { sql: 'SELECT * FROM users' });
  }

  @Get('string')
  thrownString(): never {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless dependency does; the filter must cope
    throw INTERNALS;
  }

  @Get('domain')
  domain(): never {
    throw new AppError('USERNAME_TAKEN', 'That username is taken', [{ field: 'username', message: 'taken' }]);
  }

  @Get('domain-no-details')
  domainWithoutDetails(): never {
    throw new AppError('CONFLICT', 'Already done', []);
  }

  @Get('framework')
  framework(): never {
    throw new ConflictException(INTERNALS);
  }
}

function expectEnvelope(reply: JsonReply, statusCode: number, code: string): void {
  expect(reply.status).toBe(statusCode);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.body).toMatchObject({ statusCode, code, message: expect.any(String), requestId: reply.headers.get('x-request-id') });
  expect(JSON.stringify(reply.body)).not.toMatch(/ER_DUP|INSERT|SELECT|\/srv\/|\.js:\d|TypeError|stack/);
}

describe('AllExceptionsFilter over HTTP (real platform wiring)', () => {
  let app: PlatformTestApp;
  const get = (path: string) => requestJson(`${app.url}/boom/${path}`, { headers: { 'x-request-id': `filter-${path}` } });

  beforeAll(async () => {
    app = await startPlatformTestApp({ name: 'errors', env: (await createTestSigningKeys()).publicEnv, controllers: [FailingController] });
  });
  afterAll(() => app?.close());

  it('hides anything unexpected behind a generic 500 INTERNAL_ERROR carrying the request id', async () => {
    for (const path of ['crash', 'async-crash', 'string']) {
      const reply = await get(path);
      expectEnvelope(reply, 500, 'INTERNAL_ERROR');
      expect(reply.body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', requestId: `filter-${path}` });
    }
  });

  it('shows a domain error as it is, with details only when there are some', async () => {
    const domain = await get('domain');
    expectEnvelope(domain, 409, 'USERNAME_TAKEN');
    expect(domain.body).toEqual({
      statusCode: 409,
      code: 'USERNAME_TAKEN',
      message: 'That username is taken',
      requestId: 'filter-domain',
      details: [{ field: 'username', message: 'taken' }],
    });
    const bare = await get('domain-no-details');
    expect(bare.body).toEqual({ statusCode: 409, code: 'CONFLICT', message: 'Already done', requestId: 'filter-domain-no-details' });
  });

  it('maps a framework exception by its status without repeating its text', async () => {
    const reply = await get('framework');
    expectEnvelope(reply, 409, 'CONFLICT');
  });
});
