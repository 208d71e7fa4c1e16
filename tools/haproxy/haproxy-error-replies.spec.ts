import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS } from '#libs/errors';
import { readInventory } from '../deploy/vm/inventory';
import { SshRunner } from '../deploy/vm/host-runner';
import { VmDeployer } from '../deploy/vm/vm-deployer';
import { findRepoRoot } from '#libs/config';
import { envelopeLogFormat, HAPROXY_ERROR_REPLIES } from './haproxy-error-replies';
import { HaproxyConfigInput, renderHaproxyConfig } from './render-haproxy-config';

const root = findRepoRoot(__dirname);
const local: HaproxyConfigInput = {
  publicBind: '127.0.0.1:8080',
  statsBind: '127.0.0.1:8404',
  runtimeSocket: '/tmp/miniprogram/haproxy.sock',
  backends: { auth: [{ name: 'auth-1', host: '127.0.0.1', port: 3001 }], catalog: [], orders: [], upload: [] },
};

/** Every config HAProxy runs with: each must declare the same envelopes. */
const variants: [string, () => string][] = [
  ['local (npm run stack)', () => renderHaproxyConfig(local)],
  [
    'TLS',
    () =>
      renderHaproxyConfig({
        ...local,
        publicBind: ':80',
        tls: { bind: ':443', certificate: '/etc/haproxy/certs/', acmeChallenge: { host: '127.0.0.1', port: 8888 }, hstsMaxAgeSeconds: 31536000 },
      }),
  ],
  [
    'VM (deploy/vm/inventory.example.yml)',
    () => {
      const inventory = readInventory(join(root, 'deploy/vm/inventory.example.yml'));
      return new VmDeployer(inventory, new SshRunner(inventory.ssh), () => undefined).renderBalancerConfig('lb-1');
    },
  ],
  ['docker-compose (deploy/haproxy/haproxy.compose.cfg)', () => readFileSync(join(root, 'deploy/haproxy/haproxy.compose.cfg'), 'utf8')],
];

/** The directives of one section, trimmed, without comments. */
function section(config: string, header: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no "${header}" section`);
  const end = lines.findIndex((line, i) => i > start && /^\S/.test(line) && !line.startsWith('#'));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The body HAProxy sends for an lf-string envelope, with the request id it would substitute. */
function body(logFormat: string, requestId: string): unknown {
  return JSON.parse(logFormat.replace('%[var(txn.request_id)]', requestId));
}

describe('HAProxy error envelopes', () => {
  it('use a code of libs/errors with its status for each of the 9 statuses HAProxy answers itself', () => {
    expect(HAPROXY_ERROR_REPLIES.map((r) => r.status)).toEqual([400, 403, 408, 413, 429, 500, 502, 503, 504]);
    for (const reply of HAPROXY_ERROR_REPLIES) {
      // 502 is a failed upstream: the same code as 503 for a client.
      expect([reply.status, ERROR_STATUS[reply.code]]).toEqual([reply.status, reply.status === 502 ? 503 : reply.status]);
      expect(body(envelopeLogFormat(reply), 'req-1')).toEqual({ statusCode: reply.status, code: reply.code, message: reply.message, requestId: 'req-1' });
    }
  });

  it('refuses a message the config cannot carry', () => {
    expect(() => envelopeLogFormat({ status: 400, code: 'VALIDATION_FAILED', message: "it's 100%" })).toThrow(/cannot carry/);
  });

  describe.each(variants)('%s', (_, render) => {
    let config: string;
    beforeAll(() => {
      config = render();
    });

    it.each(HAPROXY_ERROR_REPLIES.map((r) => [r.status, r] as const))('answers its own %i with the JSON envelope and the request id', (status, reply) => {
      const lines = section(config, 'defaults').filter((l) => l.startsWith(`http-error status ${status} `));
      expect(lines).toHaveLength(1);
      const match = /^http-error status \d+ content-type application\/json lf-string '(.*)'$/.exec(lines[0]);
      expect(match).not.toBeNull();
      expect(body(match![1], 'req-1')).toEqual({ statusCode: status, code: reply.code, message: reply.message, requestId: 'req-1' });
    });

    it('answers an unknown route with the 404 envelope', () => {
      const [line] = section(config, 'backend route_not_found');
      const match = /^http-request return status 404 content-type application\/json lf-string '(.*)'$/.exec(line);
      expect(body(match![1], 'req-1')).toEqual({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'No such route', requestId: 'req-1' });
    });

    it('chooses the request id before any other rule of the public frontend', () => {
      const rules = section(config, 'frontend public').filter((l) => l.startsWith('http-request '));
      expect(rules.slice(0, 3)).toEqual([
        'http-request set-var(txn.request_id) req.hdr(x-request-id) if { req.hdr_cnt(x-request-id) eq 1 } { req.hdr(x-request-id) -m reg ^[A-Za-z0-9._:-]{1,128}$ }',
        'http-request set-var(txn.request_id) unique-id unless { var(txn.request_id) -m found }',
        'http-request set-header X-Request-Id %[var(txn.request_id)]',
      ]);
    });
  });
});
