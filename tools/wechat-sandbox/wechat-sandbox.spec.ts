import { WechatSandbox, WechatSandboxOptions, createWechatSandbox } from './wechat-sandbox.server';

const APP = { appId: 'wx-test-app', appSecret: 'test-secret' };

interface Answer {
  status: number;
  json: any;
}

/** A sandbox on a free port, closed after the file's tests. */
function startSandbox(options: Partial<WechatSandboxOptions> = {}) {
  const sandbox = createWechatSandbox({ ...APP, ...options });
  const ready = sandbox.listen(0);
  afterAll(() => sandbox.close());
  const client = {
    ready,
    sandbox,
    get: (path: string, query: Record<string, string> = {}) => call(sandbox, 'GET', path, query),
    post: (path: string, body: unknown, query: Record<string, string> = {}) =>
      call(sandbox, 'POST', path, query, typeof body === 'string' ? body : JSON.stringify(body)),
    login: (code: string, overrides: Record<string, string> = {}) =>
      client.get('/sns/jscode2session', {
        appid: APP.appId,
        secret: APP.appSecret,
        js_code: code,
        grant_type: 'authorization_code',
        ...overrides,
      }),
    stableToken: (extra: Record<string, unknown> = {}) =>
      client.post('/cgi-bin/stable_token', { grant_type: 'client_credential', ...APP_CREDENTIALS, ...extra }),
    plainToken: () => client.get('/cgi-bin/token', { grant_type: 'client_credential', ...APP_CREDENTIALS }),
    secCheck: (token: string, content: string, extra: Record<string, unknown> = {}) =>
      client.post(
        '/wxa/msg_sec_check',
        { content, version: 2, scene: 2, openid: 'oalice', ...extra },
        {
          access_token: token,
        },
      ),
    phoneNumber: (token: string, code: unknown) => client.post('/wxa/business/getuserphonenumber', { code }, { access_token: token }),
  };
  return client;
}

const APP_CREDENTIALS = { appid: APP.appId, secret: APP.appSecret };

async function call(sandbox: WechatSandbox, method: string, path: string, query: Record<string, string>, body?: string): Promise<Answer> {
  const search = new URLSearchParams(query).toString();
  const response = await fetch(`${sandbox.url}${path}${search ? `?${search}` : ''}`, {
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

describe('WeChat sandbox', () => {
  const wx = startSandbox();
  beforeAll(() => wx.ready);
  beforeEach(() => wx.post('/sandbox/reset', {}));

  async function validToken(): Promise<string> {
    return (await wx.stableToken()).json.access_token;
  }

  describe('GET /sns/jscode2session', () => {
    it('logs in the user named after the last ":" of the code', async () => {
      const first = await wx.login('1:alice');
      expect(first).toEqual({
        status: 200,
        json: { openid: 'oalice', unionid: 'ualice', session_key: expect.any(String) },
      });
      expect(Buffer.from(first.json.session_key, 'base64')).toHaveLength(16);
      const second = await wx.login('test:dev:alice');
      expect(second.json).toEqual(first.json);
    });

    it('accepts each code once, answering 40163 to a second use', async () => {
      expect((await wx.login('1:bob')).json.openid).toBe('obob');
      const reused = await wx.login('1:bob');
      expect(reused.status).toBe(200);
      expect(reused.json).toEqual({ errcode: 40163, errmsg: expect.stringMatching(/^code been used/) });
      expect((await wx.login('2:bob')).json.openid).toBe('obob');
    });

    it('logs in a new random user for a code without ":"', async () => {
      const one = (await wx.login('some-code')).json;
      const other = (await wx.login('other-code')).json;
      expect(one.openid).toMatch(/^o[\w-]{27}$/);
      expect(other.openid).not.toBe(one.openid);
      expect(one.unionid).toBe(`u${one.openid.slice(1)}`);
    });

    it.each([
      ['a code starting with "invalid"', 'invalid-1:alice', {}, 40029],
      ['a wrong appid', '1:alice', { appid: 'wx-other' }, 40013],
      ['a wrong secret', '1:alice', { secret: 'wrong' }, 40125],
      ['no appid', '1:alice', { appid: '' }, 41002],
      ['no secret', '1:alice', { secret: '' }, 41004],
      ['no code', '', {}, 41008],
      ['a wrong grant_type', '1:alice', { grant_type: 'client_credential' }, 40002],
    ])('answers %s with its errcode', async (_case, code, overrides, errcode) => {
      const answer = await wx.login(code, overrides);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ errcode, errmsg: expect.any(String) });
    });

    it('does not use up a code rejected for bad credentials', async () => {
      await wx.login('1:carol', { secret: 'wrong' });
      expect((await wx.login('1:carol')).json.openid).toBe('ocarol');
    });

    it('answers 43001 to a POST', async () => {
      expect((await wx.post('/sns/jscode2session', {})).json.errcode).toBe(43001);
    });
  });

  describe('POST /cgi-bin/stable_token', () => {
    it('hands ten callers the same token, issuing it once', async () => {
      const answers = await Promise.all(Array.from({ length: 10 }, () => wx.stableToken()));
      const tokens = new Set(answers.map((answer) => answer.json.access_token));
      expect(tokens.size).toBe(1);
      expect(answers[0].json).toEqual({ access_token: expect.stringMatching(/^[\w-]{100,}$/), expires_in: 7200 });
      expect((await wx.get('/sandbox/stats')).json.stable_token).toEqual({ issued: 1, cached: 9 });
    });

    it('issues a new token on force_refresh; the old one keeps working', async () => {
      const old = await validToken();
      const fresh = (await wx.stableToken({ force_refresh: true })).json.access_token;
      expect(fresh).not.toBe(old);
      expect((await wx.secCheck(old, 'hello')).json.errcode).toBe(0);
      expect((await wx.stableToken()).json.access_token).toBe(fresh);
      expect((await wx.get('/sandbox/stats')).json.stable_token).toEqual({ issued: 1, refreshed: 1, cached: 1 });
    });

    it.each([
      ['a wrong grant_type', { grant_type: 'authorization_code' }, 40002],
      ['a wrong appid', { appid: 'wx-other' }, 40013],
      ['a wrong secret', { secret: 'wrong' }, 40125],
      ['no appid', { appid: undefined }, 41002],
      ['no secret', { secret: undefined }, 41004],
    ])('answers %s with its errcode', async (_case, extra, errcode) => {
      expect((await wx.stableToken(extra)).json).toEqual({ errcode, errmsg: expect.any(String) });
    });

    it('answers 47001 to a body that is not JSON, and 43002 to a GET', async () => {
      expect((await wx.post('/cgi-bin/stable_token', '{not json')).json.errcode).toBe(47001);
      expect((await wx.get('/cgi-bin/stable_token')).json.errcode).toBe(43002);
    });
  });

  describe('GET /cgi-bin/token', () => {
    it('issues a new token on every call and invalidates the previous one', async () => {
      const first = (await wx.plainToken()).json;
      const second = (await wx.plainToken()).json;
      expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 });
      expect(second.access_token).not.toBe(first.access_token);
      expect((await wx.secCheck(first.access_token, 'hello')).json).toEqual({
        errcode: 40001,
        errmsg: expect.stringMatching(/^invalid credential/),
      });
      expect((await wx.secCheck(second.access_token, 'hello')).json.errcode).toBe(0);
      expect((await wx.get('/sandbox/stats')).json.token).toEqual({ issued: 2 });
    });

    it('leaves the stable token alone', async () => {
      const stable = await validToken();
      await wx.plainToken();
      await wx.plainToken();
      expect((await wx.secCheck(stable, 'hello')).json.errcode).toBe(0);
    });

    it('checks grant_type and credentials', async () => {
      const answer = await wx.get('/cgi-bin/token', { grant_type: 'client_credential', appid: APP.appId, secret: 'x' });
      expect(answer.json.errcode).toBe(40125);
      expect((await wx.get('/cgi-bin/token', APP_CREDENTIALS)).json.errcode).toBe(40002);
    });
  });

  describe('access tokens on the APIs', () => {
    it('answers 40001 to an unknown token and 41001 to a missing one', async () => {
      expect((await wx.secCheck('no-such-token', 'hello')).json.errcode).toBe(40001);
      expect((await wx.phoneNumber('no-such-token', 'phone:13800138000')).json.errcode).toBe(40001);
      expect((await wx.post('/wxa/msg_sec_check', { content: 'hi' })).json.errcode).toBe(41001);
    });
  });

  describe('POST /wxa/business/getuserphonenumber', () => {
    it('answers phone_info for a "phone:<digits>" code, once', async () => {
      const token = await validToken();
      const before = Math.floor(Date.now() / 1000);
      const answer = await wx.phoneNumber(token, 'phone:13800138000');
      expect(answer).toEqual({
        status: 200,
        json: {
          errcode: 0,
          errmsg: 'ok',
          phone_info: {
            phoneNumber: '13800138000',
            purePhoneNumber: '13800138000',
            countryCode: '86',
            watermark: { timestamp: expect.any(Number), appid: APP.appId },
          },
        },
      });
      expect(answer.json.phone_info.watermark.timestamp).toBeGreaterThanOrEqual(before);
      expect((await wx.phoneNumber(token, 'phone:13800138000')).json.errcode).toBe(40029);
    });

    it.each([['1:alice'], ['phone:'], ['phone:12ab'], [''], [42]])('answers 40029 to code %p', async (code) => {
      expect((await wx.phoneNumber(await validToken(), code)).json.errcode).toBe(40029);
    });

    it('answers 47001 to a body that is not JSON', async () => {
      const answer = await wx.post('/wxa/business/getuserphonenumber', 'code=1', { access_token: await validToken() });
      expect(answer.json.errcode).toBe(47001);
    });
  });

  describe('POST /wxa/msg_sec_check', () => {
    it('passes clean text', async () => {
      expect((await wx.secCheck(await validToken(), 'a nice day')).json).toEqual({
        errcode: 0,
        errmsg: 'ok',
        result: { suggest: 'pass', label: 100 },
        detail: [expect.objectContaining({ strategy: 'content_model', suggest: 'pass', label: 100 })],
        trace_id: expect.any(String),
      });
    });

    it('flags text containing a listed word, whatever its case', async () => {
      const answer = await wx.secCheck(await validToken(), 'this has a Forbidden-Word in it');
      expect(answer.json).toEqual({
        errcode: 0,
        errmsg: 'ok',
        result: { suggest: 'risky', label: 20001 },
        detail: expect.arrayContaining([expect.objectContaining({ strategy: 'keyword', suggest: 'risky', keyword: 'forbidden-word' })]),
        trace_id: expect.any(String),
      });
    });

    it('checks openid and scene, and answers version 1 through errcode 87014', async () => {
      const token = await validToken();
      expect((await wx.secCheck(token, 'hi', { openid: undefined })).json.errcode).toBe(40003);
      expect((await wx.secCheck(token, 'hi', { scene: 9 })).json.errcode).toBe(40097);
      expect((await wx.secCheck(token, 'forbidden-word', { version: 1 })).json.errcode).toBe(87014);
      expect((await wx.secCheck(token, 'fine', { version: 1 })).json).toEqual({ errcode: 0, errmsg: 'ok' });
      expect((await wx.post('/wxa/msg_sec_check', { version: 2 }, { access_token: token })).json.errcode).toBe(47001);
    });
  });

  describe('/sandbox controls', () => {
    it('answers health', async () => {
      expect(await wx.get('/sandbox/health')).toEqual({ status: 200, json: { status: 'ok' } });
    });

    it('counts each endpoint by result', async () => {
      const token = await validToken();
      await wx.stableToken();
      await wx.login('1:alice');
      await wx.login('1:alice');
      await wx.login('invalid');
      await wx.plainToken();
      await wx.phoneNumber(token, 'phone:13900000000');
      await wx.phoneNumber('bad-token', 'phone:13900000000');
      await wx.secCheck(token, 'fine');
      await wx.secCheck(token, 'forbidden-word');
      expect((await wx.get('/sandbox/stats')).json).toEqual({
        jscode2session: { ok: 1, '40163': 1, '40029': 1 },
        stable_token: { issued: 1, cached: 1 },
        token: { issued: 1 },
        getuserphonenumber: { ok: 1, '40001': 1 },
        msg_sec_check: { pass: 1, risky: 1 },
        push: {},
        push_events: {},
        media_check_async: {},
        getwxacodeunlimit: {},
        subscribe_accept: {},
        subscribe_send: {},
        subscribe_sent: {},
      });
    });

    it('forgets codes, tokens and stats on reset', async () => {
      const token = await validToken();
      await wx.login('1:dave');
      await wx.post('/sandbox/reset', {});
      expect((await wx.login('1:dave')).json.openid).toBe('odave');
      expect((await wx.secCheck(token, 'hi')).json.errcode).toBe(40001);
      expect((await wx.get('/sandbox/stats')).json.jscode2session).toEqual({ ok: 1 });
    });

    it('answers 404 with errcode -1 to an unknown path', async () => {
      const answer = await wx.get('/cgi-bin/nothing');
      expect(answer).toEqual({ status: 404, json: { errcode: -1, errmsg: expect.any(String) } });
    });
  });

  describe('faults', () => {
    it('answers HTTP 503 on every WeChat API during an outage, but not on /sandbox', async () => {
      expect((await wx.post('/sandbox/faults', { outage: true })).json).toEqual({ outage: true, systemBusy: false });
      expect((await wx.login('1:alice')).status).toBe(503);
      expect((await wx.stableToken()).status).toBe(503);
      expect((await wx.get('/sandbox/health')).status).toBe(200);
      expect((await wx.get('/sandbox/stats')).json.jscode2session).toEqual({ outage: 1 });

      await wx.post('/sandbox/faults', { outage: false });
      expect((await wx.login('1:alice')).json.openid).toBe('oalice');
    });

    it('answers errcode -1 while the system is busy', async () => {
      await wx.post('/sandbox/faults', { systemBusy: true });
      expect((await wx.login('1:alice')).json).toEqual({ errcode: -1, errmsg: expect.stringMatching(/^system error/) });
      expect((await wx.stableToken()).json.errcode).toBe(-1);
      await wx.post('/sandbox/faults', { systemBusy: false });
      expect((await wx.login('1:alice')).json.openid).toBe('oalice');
    });

    it('never answers during a "timeout" outage', async () => {
      await wx.post('/sandbox/faults', { outage: 'timeout' });
      const url = `${wx.sandbox.url}/cgi-bin/token?grant_type=client_credential`;
      await expect(fetch(url, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
      await wx.post('/sandbox/faults', { outage: false });
      expect((await wx.plainToken()).json.access_token).toEqual(expect.any(String));
    });

    it('rejects a malformed fault request', async () => {
      expect((await wx.post('/sandbox/faults', { outage: 'sometimes' })).status).toBe(400);
      expect((await wx.post('/sandbox/faults', 'x')).status).toBe(400);
    });

    it('clears faults on reset', async () => {
      await wx.post('/sandbox/faults', { outage: true, systemBusy: true });
      await wx.post('/sandbox/reset', {});
      expect((await wx.get('/sandbox/faults')).json).toEqual({ outage: false, systemBusy: false });
    });
  });
});

describe('WeChat sandbox with a 1 s token lifetime', () => {
  const wx = startSandbox({ tokenTtlSeconds: 1 });
  beforeAll(() => wx.ready);

  it('answers 42001 once a token has expired, and issues a new stable token', async () => {
    const stable = (await wx.stableToken()).json;
    const plain = (await wx.plainToken()).json;
    expect(stable.expires_in).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await wx.secCheck(stable.access_token, 'hi')).json).toEqual({
      errcode: 42001,
      errmsg: expect.stringMatching(/^access_token expired/),
    });
    expect((await wx.phoneNumber(plain.access_token, 'phone:1')).json.errcode).toBe(42001);
    const renewed = (await wx.stableToken()).json.access_token;
    expect(renewed).not.toBe(stable.access_token);
    expect((await wx.secCheck(renewed, 'hi')).json.errcode).toBe(0);
    expect((await wx.get('/sandbox/stats')).json.stable_token).toEqual({ issued: 2 });
  });
});

describe('WeChat sandbox on a fake clock', () => {
  let now = Date.parse('2025-01-01T00:00:00Z');
  const wx = startSandbox({ now: () => now, secCheckWords: ['blue', ' '] });
  beforeAll(() => wx.ready);

  it('stops a force-refreshed stable token five minutes after its replacement', async () => {
    const old = (await wx.stableToken()).json.access_token;
    const fresh = (await wx.stableToken({ force_refresh: true })).json.access_token;
    now += 5 * 60 * 1000 - 1000;
    expect((await wx.secCheck(old, 'hi')).json.errcode).toBe(0);
    now += 1000;
    expect((await wx.secCheck(old, 'hi')).json.errcode).toBe(40001);
    expect((await wx.secCheck(fresh, 'hi')).json.errcode).toBe(0);
  });

  it('counts down expires_in on a cached stable token, and expires it at 7200 s', async () => {
    await wx.post('/sandbox/reset', {});
    const token = (await wx.stableToken()).json.access_token;
    now += 7000 * 1000;
    expect((await wx.stableToken()).json).toEqual({ access_token: token, expires_in: 200 });
    now += 200 * 1000;
    expect((await wx.secCheck(token, 'hi')).json.errcode).toBe(42001);
  });

  it('flags the configured words only', async () => {
    const token = (await wx.stableToken()).json.access_token;
    expect((await wx.secCheck(token, 'a BLUE sky')).json.result.suggest).toBe('risky');
    expect((await wx.secCheck(token, 'forbidden-word')).json.result.suggest).toBe('pass');
  });
});
