import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSelfSignedPem } from './self-signed-pem';
import { HaproxyConfigInput, HaproxyTlsInput, renderHaproxyConfig } from '../haproxy/render-haproxy-config';

function input(tls?: HaproxyTlsInput): HaproxyConfigInput {
  return {
    publicBind: ':80',
    statsBind: '127.0.0.1:8404',
    runtimeSocket: '/run/haproxy/admin.sock',
    backends: { auth: [{ name: 'vm-1-3001', host: '10.0.0.11', port: 3001 }], catalog: [], orders: [], upload: [] },
    tls,
  };
}

describe('renderHaproxyConfig with TLS', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'haproxy-tls-spec-'));
    // "crt" must name a loadable certificate for `haproxy -c` to pass.
    writeSelfSignedPem(join(dir, 'spec.pem'), 'spec');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function haproxyCheck(config: string): { status: number | null; output: string } {
    const file = join(dir, `check-${Math.random().toString(36).slice(2)}.cfg`);
    writeFileSync(file, config.replace('/run/haproxy/admin.sock', join(dir, 'admin.sock')));
    const result = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: 10_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('renders no HTTPS listener, redirect or ACME backend without a certificate', () => {
    const config = renderHaproxyConfig(input());
    expect(config).not.toMatch(/^\s*bind .* ssl /m);
    expect(config).not.toMatch(/^\s*http-request redirect/m);
    expect(config).not.toMatch(/^backend acme_challenge/m);
    expect(haproxyCheck(config)).toEqual({ status: 0, output: expect.not.stringMatching(/ALERT|WARNING/) });
  });

  it.each<[string, Partial<HaproxyTlsInput>]>([
    ['redirect, HSTS and ACME passthrough', { acmeChallenge: { host: '127.0.0.1', port: 8888 }, hstsMaxAgeSeconds: 31536000 }],
    ['redirect only', {}],
    ['neither redirect nor ACME (TLS and plain HTTP side by side)', { redirectHttp: false }],
  ])('renders a config HAProxy accepts with %s', (_, tls) => {
    const config = renderHaproxyConfig(input({ bind: ':443', certificate: join(dir, 'spec.pem'), ...tls }));
    expect(config).toContain(`    bind :443 ssl crt ${join(dir, 'spec.pem')} alpn h2,http/1.1`);
    expect(config.includes('http-request redirect scheme https code 308')).toBe(tls.redirectHttp !== false);
    expect(config.includes('backend acme_challenge')).toBe(tls.acmeChallenge !== undefined);
    if (tls.acmeChallenge) {
      expect(config).toContain('http-request redirect scheme https code 308 if !{ ssl_fc } !acme_challenge');
      expect(config).toContain('    server acme 127.0.0.1:8888 no-check');
      expect(config).toContain('http-after-response set-header Strict-Transport-Security "max-age=31536000" if { ssl_fc }');
    }
    expect(haproxyCheck(config)).toEqual({ status: 0, output: expect.not.stringMatching(/ALERT|WARNING/) });
  });

  it.each<[string, Partial<HaproxyTlsInput>, RegExp]>([
    ['a bind without port', { bind: '0.0.0.0' }, /tls.bind must be/],
    ['the public bind again', { bind: ':80' }, /tls.bind must differ/],
    ['a relative certificate path', { certificate: 'certs/api.pem' }, /tls.certificate must be an absolute path/],
    ['a certificate path with a space', { certificate: '/etc/haproxy/my certs/' }, /tls.certificate/],
    ['an ACME port out of range', { acmeChallenge: { host: '127.0.0.1', port: 0 } }, /acmeChallenge.port/],
    ['an ACME host with a space', { acmeChallenge: { host: '127.0.0.1 backup', port: 8888 } }, /acmeChallenge.host/],
    ['a negative HSTS age', { hstsMaxAgeSeconds: -1 }, /hstsMaxAgeSeconds/],
  ])('rejects %s', (_, tls, message) => {
    expect(() => renderHaproxyConfig(input({ bind: ':443', certificate: '/etc/haproxy/certs/', ...tls }))).toThrow(message);
  });
});
