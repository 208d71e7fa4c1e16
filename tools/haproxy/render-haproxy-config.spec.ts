import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HaproxyConfigInput, HaproxyServer, renderHaproxyConfig } from './render-haproxy-config';

function replicas(service: string, count: number): HaproxyServer[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${service}-${i + 1}`, host: '127.0.0.1', port: 3000 + i }));
}

function input(count: number, overrides: Partial<HaproxyConfigInput> = {}): HaproxyConfigInput {
  return {
    publicBind: '127.0.0.1:8080',
    statsBind: '127.0.0.1:8404',
    runtimeSocket: '/tmp/haproxy-spec/admin.sock',
    backends: { auth: replicas('auth', count), catalog: replicas('catalog', count), orders: replicas('orders', count), upload: replicas('upload', count) },
    ...overrides,
  };
}

describe('renderHaproxyConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'haproxy-spec-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function haproxyCheck(config: string): { status: number | null; output: string } {
    const file = join(dir, `check-${Math.random().toString(36).slice(2)}.cfg`);
    writeFileSync(file, config);
    const result = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: 10_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it.each([0, 1, 3])('renders a config HAProxy accepts with %i server(s) per backend', (count) => {
    const config = renderHaproxyConfig(input(count));
    expect(config).not.toMatch(/\{\{|\}\}/);
    // Each replica is listed twice: in its service's ready pool and in the alive-only fallback pool.
    expect(config.match(/^\s+server /gm) ?? []).toHaveLength(2 * 4 * count);
    const check = haproxyCheck(config);
    expect(check.output).not.toMatch(/ALERT|WARNING/);
    expect(check.status).toBe(0);
  });

  it('accepts mixed shapes, hostnames and bracketed IPv6', () => {
    const config = renderHaproxyConfig(
      input(0, {
        publicBind: ':8080',
        backends: {
          auth: [{ name: 'auth-1', host: 'localhost', port: 3000 }],
          catalog: [],
          orders: replicas('orders', 3),
          upload: [{ name: 'upload-1', host: '[::1]', port: 3003 }],
        },
      }),
    );
    expect(config).toContain('    server auth-1 localhost:3000');
    expect(config).toContain('    server upload-1 [::1]:3003');
    expect(config).toContain('bind :8080');
    expect(config).toContain('stats socket /tmp/haproxy-spec/admin.sock ');
    expect(haproxyCheck(config)).toEqual({ status: 0, output: expect.not.stringMatching(/ALERT|WARNING/) });
  });

  it.each<[string, Partial<HaproxyConfigInput>, RegExp]>([
    ['an upper-case server name', { backends: { ...input(0).backends, auth: [{ name: 'Auth-1', host: '127.0.0.1', port: 3000 }] } }, /name must match/],
    [
      'a duplicate server name',
      {
        backends: {
          ...input(0).backends,
          orders: [
            { name: 'o', host: 'a', port: 1 },
            { name: 'o', host: 'b', port: 2 },
          ],
        },
      },
      /duplicate name/,
    ],
    ['port 0', { backends: { ...input(0).backends, catalog: [{ name: 'c', host: '127.0.0.1', port: 0 }] } }, /port 0 must be/],
    ['port 65536', { backends: { ...input(0).backends, catalog: [{ name: 'c', host: '127.0.0.1', port: 65536 }] } }, /port 65536 must be/],
    ['a fractional port', { backends: { ...input(0).backends, catalog: [{ name: 'c', host: '127.0.0.1', port: 80.5 }] } }, /port 80.5 must be/],
    ['a host with a space', { backends: { ...input(0).backends, upload: [{ name: 'u', host: '127.0.0.1 backup', port: 80 }] } }, /host "127.0.0.1 backup"/],
    ['a host smuggling a directive', { backends: { ...input(0).backends, upload: [{ name: 'u', host: 'a\n    server x', port: 80 }] } }, /host/],
    ['an unbracketed IPv6 host', { backends: { ...input(0).backends, upload: [{ name: 'u', host: '::1', port: 80 }] } }, /bracketed IPv6/],
    ['a public bind without port', { publicBind: '127.0.0.1' }, /publicBind must be/],
    ['a stats bind on port 70000', { statsBind: '127.0.0.1:70000' }, /statsBind must be/],
    ['the same bind twice', { statsBind: '127.0.0.1:8080' }, /must differ/],
    ['a relative socket path', { runtimeSocket: 'admin.sock' }, /runtimeSocket must be/],
    ['a socket path with a space', { runtimeSocket: '/tmp/my dir/admin.sock' }, /runtimeSocket must be/],
    ['a socket path HAProxy finds too long', { runtimeSocket: `/tmp/${'a'.repeat(93)}` }, /at most 97/],
  ])('rejects %s', (_, overrides, message) => {
    expect(() => renderHaproxyConfig(input(1, overrides))).toThrow(message);
  });

  it('rejects a missing backend list', () => {
    const { upload: _upload, ...partial } = input(1).backends;
    expect(() => renderHaproxyConfig({ ...input(1), backends: partial as HaproxyConfigInput['backends'] })).toThrow(/backends.upload must be an array/);
  });
});
