import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { MediaCheckHandler } from './media-check.handler';
import { AccessTokenStore } from './access-token.store';
import { SandboxStats } from './sandbox-stats';

describe('WeChat sandbox: POST /wxa/media_check_async', () => {
  const state = { tokens: new AccessTokenStore(7200_000, Date.now), stats: new SandboxStats() };
  const pushed: Record<string, unknown>[] = [];
  const handler = new MediaCheckHandler('wx-test-app', state, async (event) => void pushed.push(event));
  const images: Record<string, Buffer> = {
    '/clean.png': Buffer.from('\x89PNG\r\n\x1a\n a clean image', 'latin1'),
    '/risky.png': Buffer.from('\x89PNG\r\n\x1a\n tEXt Comment RISKY', 'latin1'),
  };
  const media = createServer((request, response) => {
    const bytes = images[request.url ?? ''];
    if (!bytes) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'image/png' }).end(bytes);
  });
  let base: string;
  let token: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    token = state.tokens.issueStable().access_token;
  });
  afterAll(() => new Promise<void>((resolve) => media.close(() => resolve())));

  const check = (body: Record<string, unknown>, accessToken = token) =>
    handler.mediaCheckAsync({
      method: 'POST',
      target: '/wxa/media_check_async',
      query: new URLSearchParams({ access_token: accessToken }),
      params: {},
      headers: {},
      body: JSON.stringify({ media_type: 2, version: 2, scene: 1, openid: 'oalice', ...body }),
    });

  it('answers a trace_id, fetches the image and pushes pass or risky under that trace_id', async () => {
    const clean = check({ media_url: `${base}/clean.png` }).body as { errcode: number; trace_id: string };
    const risky = check({ media_url: `${base}/risky.png` }).body as { errcode: number; trace_id: string };
    expect(clean.errcode).toBe(0);
    expect(clean.trace_id).not.toBe(risky.trace_id);
    await handler.settled();
    const byTrace = new Map(pushed.map((event) => [event.trace_id, event]));
    expect(byTrace.get(clean.trace_id)).toMatchObject({ Event: 'wxa_media_check', FromUserName: 'oalice', appid: 'wx-test-app', result: { suggest: 'pass' } });
    expect(byTrace.get(risky.trace_id)).toMatchObject({ Event: 'wxa_media_check', result: { suggest: 'risky', label: 20002 } });
    expect(state.stats.snapshot()).toMatchObject({ media_check_fetch: { ok: 2 }, media_check_push: { pass: 1, risky: 1 } });
  });

  it('pushes no verdict for an image it could not fetch', async () => {
    const { trace_id: traceId } = check({ media_url: `${base}/missing.png` }).body as { trace_id: string };
    await handler.settled();
    expect(pushed.find((event) => event.trace_id === traceId)).toMatchObject({ result: { suggest: 'review' } });
  });

  it('refuses bad arguments and a bad token', () => {
    expect(check({ media_url: 'file:///etc/passwd' }).body).toMatchObject({ errcode: 40097 });
    expect(check({ media_url: `${base}/clean.png`, scene: 9 }).body).toMatchObject({ errcode: 40097 });
    expect(check({ media_url: `${base}/clean.png`, openid: '' }).body).toMatchObject({ errcode: 40003 });
    expect(check({ media_url: `${base}/clean.png` }, 'bad').body).toMatchObject({ errcode: 40001 });
  });
});
