import { requestJson } from '#libs/testing';
import { AuthHarness, loginAs, startAuthHarness } from './auth-test-harness';

describe('scratch', () => {
  let auth: AuthHarness;
  beforeAll(async () => { auth = await startAuthHarness({ BODY_LIMIT_BYTES: '1024' }); });
  afterAll(() => auth.close());
  it('probes', async () => {
    const show = async (label: string, p: Promise<any>) => { const r = await p; console.log(label, r.status, JSON.stringify(r.body).slice(0, 300), r.headers.get('x-request-id')); };
    const u = `${auth.url}/api/auth/wechat/login`;
    await show('malformed', requestJson(u, { rawBody: '{"code":' }));
    await show('empty json', requestJson(u, { rawBody: '' , headers: {'content-type': 'application/json'}}));
    await show('too large', requestJson(u, { rawBody: JSON.stringify({ code: 'x'.repeat(3000) }) }));
    await show('text/plain', requestJson(u, { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }));
    await show('xml', requestJson(u, { rawBody: '<a/>', headers: { 'content-type': 'application/xml' } }));
    await show('unknown field', requestJson(u, { body: { code: 'invalid', extra: 1 } }));
    await show('array', requestJson(u, { body: [{ code: 'invalid' }] }));
    await show('null', requestJson(u, { rawBody: 'null' }));
    await show('proto', requestJson(u, { rawBody: '{"__proto__":{"code":"x"}}' }));
    await show('constructor', requestJson(u, { rawBody: '{"constructor":{"a":1}, "code":"invalid"}' }));
    const { accessToken } = await loginAs(auth.url, '1:zed');
    const me = `${auth.url}/api/auth/me`;
    for (const body of ['5', 'null', '[]', '"s"', 'true', '{}', '{"nickname":5}', '{"nickname":null}', '[1,2]', '{"toString":1}', '{"avatarUploadId":null}']) {
      await show(`patch ${body}`, requestJson(me, { method: 'PATCH', token: accessToken, rawBody: body }));
    }
    await show('patch no body', requestJson(me, { method: 'PATCH', token: accessToken }));
    await show('refresh 5', requestJson(`${auth.url}/api/auth/refresh`, { rawBody: '5' }));
    await show('404', requestJson(`${auth.url}/api/auth/nope/123`));
    await show('del bad id', requestJson(`${auth.url}/api/auth/admin/staff/123`, { method: 'DELETE', token: accessToken }));
    const m = await requestJson(`${auth.url}/metrics`);
    console.log(String(m.body).split('\n').filter((l: string) => l.startsWith('http_request_duration_seconds_count')).join('\n'));
  });
});
