import fc from 'fast-check';
import { JsonReply, requestJson } from '#libs/testing';
import { AuthHarness, loginAs, startAuthHarness, UserLogin } from './auth-test-harness';

const BODY_LIMIT_BYTES = 1024;
/** Names a DTO never declares but every object has: class-transformer skips them, so they must be refused by name. */
const PROTOTYPE_KEYS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];
/** What no error body may show: stack frames, file paths, SQL or driver errors. */
const LEAKS = /\bat \S+ \(|\.(ts|js):\d+|\/work\/|\/srv\/|node_modules|\bSELECT\b|\bINSERT\b|\bUPDATE\b|\bER_[A-Z_]+|sqlMessage|errno|stack/i;

/** A 4xx reply in the contract's envelope that leaks nothing. */
function expectClientError(reply: JsonReply, input?: unknown): void {
  const context = `for ${JSON.stringify(input)} got ${reply.status} ${JSON.stringify(reply.body)}`;
  expect({ context, clientError: reply.status >= 400 && reply.status < 500 }).toEqual({ context, clientError: true });
  const { details, ...envelope } = reply.body ?? {};
  expect(envelope).toEqual({
    statusCode: reply.status,
    code: expect.stringMatching(/^[A-Z][A-Z_]+$/),
    message: expect.any(String),
    requestId: reply.headers.get('x-request-id'),
  });
  const detailTexts = ((details ?? []) as { field?: string; message: string }[]).map((d) => (d.field ? d.message.split(d.field).join('<field>') : d.message));
  expect([envelope.message, ...detailTexts].join('\n')).not.toMatch(LEAKS);
}

function expectValidationFailed(reply: JsonReply, field: string): void {
  expectClientError(reply);
  expect(reply.body.code).toBe('VALIDATION_FAILED');
  expect(reply.status).toBe(400);
  expect(reply.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const onlyKeys = (value: Record<string, unknown>, keys: string[]) => Object.keys(value).every((key) => keys.includes(key));

/** Random JSON, plus objects that look nearly right: the DTO's own fields with random values among random or prototype-named keys. */
function bodies(fields: string[]) {
  const json = fc.jsonValue({ maxDepth: 3 });
  const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...fields, ...PROTOTYPE_KEYS));
  const nearMiss = fc
    .tuple(fc.dictionary(key, json, { maxKeys: 3 }), fc.record(Object.fromEntries(fields.map((field) => [field, json])), { requiredKeys: [] }))
    .map(([extra, known]) => ({ ...extra, ...known }));
  return fc.oneof(json, nearMiss);
}

describe('bad input is refused with a 4xx envelope and changes nothing (real auth, MariaDB)', () => {
  let auth: AuthHarness;
  let user: UserLogin;
  const url = (path: string) => `${auth.url}${path}`;
  const snapshot = async () => ({
    users: await auth.query('SELECT * FROM users ORDER BY id'),
    sessions: await auth.query('SELECT * FROM sessions ORDER BY id'),
    refreshTokens: await auth.query('SELECT * FROM refresh_tokens ORDER BY token_hash'),
    staff: await auth.query('SELECT * FROM staff_accounts ORDER BY id'),
  });

  beforeAll(async () => {
    auth = await startAuthHarness({ BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES), THROTTLE_LIMIT: '100000', THROTTLE_SENSITIVE_LIMIT: '100000' });
    user = await loginAs(auth.url, '1:bad-input');
    await requestJson(url('/api/auth/me'), { method: 'PATCH', token: user.accessToken, body: { nickname: 'Original' } });
  });
  afterAll(() => auth.close());

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    for (const rawBody of ['{"code":', '{"code": "a",}', "{'code': 'a'}", '{"code": NaN}', '']) {
      const reply = await requestJson(url('/api/auth/wechat/login'), { rawBody, headers: { 'content-type': 'application/json' } });
      expectClientError(reply, rawBody);
      expect(reply.body.code).toBe('MALFORMED_JSON');
    }
    const patch = await requestJson(url('/api/auth/me'), { method: 'PATCH', token: user.accessToken, rawBody: '{"nickname": "x"' });
    expect(patch.body.code).toBe('MALFORMED_JSON');
  });

  it('refuses bodies nested thousands deep before validating them, with no login needed', async () => {
    const before = await snapshot();
    const deep = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
    const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    // Within this harness's 1 KB body limit; the default limit (1 MB) lets 3,000 levels through to the parser.
    for (const [path, rawBody] of [
      ['/api/auth/wechat/login', `{"code":${deep(400)}}`],
      ['/api/auth/refresh', `{"refreshToken":${deepObject(150)}}`],
      ['/api/auth/admin/login', deep(500)],
    ]) {
      const reply = await requestJson(url(path), { rawBody, headers: { 'content-type': 'application/json' } });
      expectClientError(reply, path);
      expect([path, reply.status, reply.body.code]).toEqual([path, 400, 'VALIDATION_FAILED']);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a nickname with control characters, direction overrides or broken Unicode, and keeps the old one', async () => {
    for (const nickname of ['a\u0000b', 'a\u202eb', 'a\ud800', 'a\nb', '\u001b[31mred']) {
      expectValidationFailed(await requestJson(url('/api/auth/me'), { method: 'PATCH', token: user.accessToken, body: { nickname } }), 'nickname');
    }
    expect((await requestJson(url('/api/auth/me'), { token: user.accessToken })).body.nickname).toBe('Original');
  });

  it('answers a __proto__ key, which is valid JSON, as an unknown field', async () => {
    const reply = await requestJson(url('/api/auth/wechat/login'), {
      rawBody: '{"__proto__": {"code": "a"}}',
      headers: { 'content-type': 'application/json' },
    });
    expectValidationFailed(reply, '__proto__');
  });

  it('refuses unknown fields by name, including names every object inherits', async () => {
    expectValidationFailed(await requestJson(url('/api/auth/wechat/login'), { body: { code: 'invalid-code', extra: 1 } }), 'extra');
    expectValidationFailed(await requestJson(url('/api/auth/refresh'), { body: { refreshToken: 'x'.repeat(40), isAdmin: true } }), 'isAdmin');
    expectValidationFailed(await requestJson(url('/api/auth/me'), { method: 'PATCH', token: user.accessToken, body: { phone: '13800138000' } }), 'phone');
    for (const name of PROTOTYPE_KEYS) {
      expectValidationFailed(await requestJson(url('/api/auth/me'), { method: 'PATCH', token: user.accessToken, body: { [name]: 1 } }), name);
      expectValidationFailed(await requestJson(url('/api/auth/wechat/login'), { body: { code: 'invalid-code', [name]: {} } }), name);
    }
  });

  it('refuses wrongly typed fields, naming each', async () => {
    for (const code of [123, ['invalid'], { a: 1 }, true, null, '', 'x'.repeat(129)]) {
      expectValidationFailed(await requestJson(url('/api/auth/wechat/login'), { body: { code } }), 'code');
    }
    for (const refreshToken of [5, 'short', null, ['x'.repeat(40)]]) {
      expectValidationFailed(await requestJson(url('/api/auth/refresh'), { body: { refreshToken } }), 'refreshToken');
    }
    for (const body of [{ nickname: 5 }, { nickname: null }, { nickname: '' }, { nickname: 'n'.repeat(33) }, { nickname: ['Bob'] }]) {
      expectValidationFailed(await requestJson(url('/api/auth/me'), { method: 'PATCH', token: user.accessToken, body }), 'nickname');
    }
    for (const avatarUploadId of ['not-an-id', 12, {}, '01ARZ3NDEKTSV4RRFFQ69G5FA']) {
      expectValidationFailed(await requestJson(url('/api/auth/me'), { method: 'PATCH', token: user.accessToken, body: { avatarUploadId } }), 'avatarUploadId');
    }
    expectValidationFailed(await requestJson(url('/api/auth/phone'), { token: user.accessToken, body: { code: 7 } }), 'code');
  });

  it('refuses a JSON body that is not an object', async () => {
    for (const rawBody of ['null', '[]', '[{"code":"1:x"}]', '5', '"1:x"', 'true']) {
      expectClientError(await requestJson(url('/api/auth/wechat/login'), { rawBody }), rawBody);
      const patch = await requestJson(url('/api/auth/me'), { method: 'PATCH', token: user.accessToken, rawBody });
      expectClientError(patch, rawBody);
      expect(patch.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers a body over BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
    const reply = await requestJson(url('/api/auth/wechat/login'), { body: { code: 'x'.repeat(BODY_LIMIT_BYTES) } });
    expectClientError(reply);
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const [type, rawBody] of [
      ['text/plain', '1:alice'],
      ['application/x-www-form-urlencoded', 'code=1%3Aalice'],
      ['application/xml', '<code>1:alice</code>'],
    ]) {
      const reply = await requestJson(url('/api/auth/wechat/login'), { rawBody, headers: { 'content-type': type } });
      expectClientError(reply, type);
      expect(reply.status).toBe(415);
      expect(reply.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const reply = await requestJson(url('/api/auth/does-not-exist'));
    expectClientError(reply);
    expect(reply.body.code).toBe('ROUTE_NOT_FOUND');
  });

  describe('random JSON (fast-check)', () => {
    const cases: { name: string; method: string; path: string; fields: string[]; mightBeValid: (value: unknown) => boolean; auth: boolean }[] = [
      {
        name: 'POST /api/auth/wechat/login',
        method: 'POST',
        path: '/api/auth/wechat/login',
        fields: ['code'],
        auth: false,
        mightBeValid: (v) => isObject(v) && onlyKeys(v, ['code']) && typeof v.code === 'string',
      },
      { name: 'POST /api/auth/refresh', method: 'POST', path: '/api/auth/refresh', fields: ['refreshToken'], auth: false, mightBeValid: () => false },
      {
        name: 'PATCH /api/auth/me',
        method: 'PATCH',
        path: '/api/auth/me',
        fields: ['nickname', 'avatarUploadId'],
        auth: true,
        mightBeValid: (v) =>
          isObject(v) &&
          onlyKeys(v, ['nickname', 'avatarUploadId']) &&
          ['undefined', 'string'].includes(typeof v.nickname) &&
          (v.avatarUploadId === undefined || v.avatarUploadId === null || typeof v.avatarUploadId === 'string'),
      },
    ];

    it.each(cases)('$name: every reply is a 4xx envelope and nothing is stored', async ({ method, path, fields, mightBeValid, auth: withToken }) => {
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(
          bodies(fields).filter((value) => !mightBeValid(value)),
          async (value) => {
            const reply = await requestJson(url(path), {
              method,
              rawBody: JSON.stringify(value),
              token: withToken ? user.accessToken : undefined,
              headers: { 'content-type': 'application/json' },
            });
            expectClientError(reply, value);
          },
        ),
        { numRuns: 80 },
      );
      expect(await snapshot()).toEqual(before);
      const me = await requestJson(url('/api/auth/me'), { token: user.accessToken });
      expect(me.body).toMatchObject({ id: user.user.id, nickname: 'Original', avatarUploadId: null, phone: null });
    });
  });
});
