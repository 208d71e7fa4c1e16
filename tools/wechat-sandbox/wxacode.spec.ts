import sharp from 'sharp';
import { createWechatSandbox } from './wechat-sandbox.server';

const APP = { appid: 'wx-test-app', secret: 'test-secret' };

describe('WeChat sandbox: POST /wxa/getwxacodeunlimit', () => {
  const sandbox = createWechatSandbox({ appId: APP.appid, appSecret: APP.secret });
  let token: string;

  beforeAll(async () => {
    await sandbox.listen(0);
    const reply = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', ...APP }),
    });
    token = ((await reply.json()) as { access_token: string }).access_token;
  });
  afterAll(() => sandbox.close());

  const code = (body: unknown, accessToken = token) =>
    fetch(`${sandbox.url}/wxa/getwxacodeunlimit?access_token=${accessToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const errcodeOf = async (body: unknown) => ((await (await code(body)).json()) as { errcode: number }).errcode;

  it('answers a PNG of the requested width for a valid scene and a published page; the same code for the same input', async () => {
    const first = await code({ scene: '01JD3Q8Y5M7T2K9X4C6V8B0N1P', page: 'pages/product/index', width: 280 });
    expect(first.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await first.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 280, height: 280 });
    const again = Buffer.from(await (await code({ scene: '01JD3Q8Y5M7T2K9X4C6V8B0N1P', page: 'pages/product/index', width: 280 })).arrayBuffer());
    expect(again.equals(png)).toBe(true);
    const other = Buffer.from(await (await code({ scene: 'other', page: 'pages/product/index', width: 280 })).arrayBuffer());
    expect(other.equals(png)).toBe(false);
  });

  it('takes an unpublished page only with check_path false', async () => {
    expect(await errcodeOf({ scene: 'a1', page: 'pages/draft/index' })).toBe(41030);
    expect((await code({ scene: 'a1', page: 'pages/draft/index', check_path: false })).headers.get('content-type')).toBe('image/png');
  });

  it('answers the documented errcodes for a bad scene, page or argument', async () => {
    expect(await errcodeOf({ page: 'pages/index/index' })).toBe(40169);
    expect(await errcodeOf({ scene: 'x'.repeat(33) })).toBe(40169);
    expect(await errcodeOf({ scene: 'a b' })).toBe(40129);
    expect(await errcodeOf({ scene: 'a1', page: '/pages/index/index' })).toBe(41030);
    expect(await errcodeOf({ scene: 'a1', env_version: 'beta' })).toBe(40097);
    expect(await errcodeOf({ scene: 'a1', width: 100 })).toBe(40097);
    expect((await (await code({ scene: 'a1' }, 'not-a-token')).json()) as object).toMatchObject({ errcode: 40001 });
  });

  it('counts the calls by result', async () => {
    const stats = (await (await fetch(`${sandbox.url}/sandbox/stats`)).json()) as Record<string, Record<string, number>>;
    expect(stats.getwxacodeunlimit).toMatchObject({ ok: 4, 41030: 2, 40169: 2, 40129: 1, 40097: 2, 40001: 1 });
  });
});
