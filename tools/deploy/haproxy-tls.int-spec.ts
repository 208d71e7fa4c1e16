import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { findRepoRoot } from '#libs/config';
import { serverStates } from '../haproxy/haproxy-runtime';
import { renderHaproxyConfig } from '../haproxy/render-haproxy-config';

const run = promisify(execFile);
const HOST = 'api.mp.test';
const HOOK = join(findRepoRoot(__dirname), 'deploy/haproxy/acme/haproxy-cert-hook.sh');

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A self-signed certificate for HOST, as certbot lays it out: <dir>/fullchain.pem and privkey.pem. */
function makeCertificate(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
      '-keyout',
      join(dir, 'privkey.pem'),
      '-out',
      join(dir, 'fullchain.pem'),
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  return join(dir, 'fullchain.pem');
}

/** The serial number of the certificate HAProxy presents for HOST. */
function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: HOST, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.on('error', reject);
  });
}

function curl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('curl', ['-sS', '--max-time', '5', '--resolve', `${HOST}:${tlsPort}:127.0.0.1`, '--resolve', `${HOST}:${httpPort}:127.0.0.1`, ...args], {
    encoding: 'utf8',
  });
}

let httpPort = 0;
let tlsPort = 0;

describe('HAProxy with TLS: HTTP/2, redirect, ACME passthrough and certificate renewal', () => {
  let dir: string;
  let certDir: string;
  let socket: string;
  let haproxy: ChildProcess;
  let output = '';
  let replica: Server;
  let acme: Server;
  const acmeRequests: string[] = [];
  let firstCa: string;

  beforeAll(async () => {
    if (!/HTTP2/.test(spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout)) throw new Error('this curl has no HTTP/2 support (nghttp2)');
    dir = mkdtempSync(join(tmpdir(), 'haproxy-tls-'));
    certDir = join(dir, 'certs');
    mkdirSync(certDir);
    firstCa = makeCertificate(join(dir, 'live-1', HOST));
    writeFileSync(join(certDir, `${HOST}.pem`), readFileSync(firstCa, 'utf8') + readFileSync(join(dir, 'live-1', HOST, 'privkey.pem'), 'utf8'));

    replica = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, method: req.method, forwardedFor: req.headers['x-forwarded-for'], httpVersion: req.httpVersion }));
    });
    acme = createServer((req, res) => {
      acmeRequests.push(req.url ?? '');
      res.end(`token-answer:${req.url?.split('/').pop()}`);
    });
    const [replicaPort, acmePort] = [await listen(replica), await listen(acme)];
    [httpPort, tlsPort] = [await freePort(), await freePort()];
    const statsPort = await freePort();
    socket = join(dir, 'admin.sock');
    const config = renderHaproxyConfig({
      publicBind: `127.0.0.1:${httpPort}`,
      statsBind: `127.0.0.1:${statsPort}`,
      runtimeSocket: socket,
      backends: { auth: [{ name: 'auth-1', host: '127.0.0.1', port: replicaPort }], catalog: [], orders: [], upload: [] },
      tls: { bind: `127.0.0.1:${tlsPort}`, certificate: `${certDir}/`, acmeChallenge: { host: '127.0.0.1', port: acmePort }, hstsMaxAgeSeconds: 31536000 },
    });
    writeFileSync(join(dir, 'haproxy.cfg'), config);
    const check = spawnSync('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/ALERT|WARNING/);
    expect(check.status).toBe(0);

    haproxy = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
    haproxy.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + 5000;
    for (;;) {
      const states = await serverStates(socket).catch(() => []);
      if (states.some((s) => s.backend === 'auth' && s.raw === 'UP')) break;
      if (Date.now() > deadline || haproxy.exitCode !== null) throw new Error(`HAProxy did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 20_000);

  afterAll(async () => {
    if (haproxy?.pid !== undefined && haproxy.exitCode === null) {
      const exited = new Promise((resolve) => haproxy.once('exit', resolve));
      haproxy.kill('SIGTERM');
      await exited;
    }
    await Promise.all([replica, acme].filter(Boolean).map((server) => new Promise((resolve) => server.close(resolve))));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API over HTTP/2 with the certificate, HSTS and the client in X-Forwarded-For (curl)', async () => {
    const { stdout } = await curl(['--http2', '--cacert', firstCa, '-D', '-', '-w', '\n%{http_version}', `https://${HOST}:${tlsPort}/api/auth/me`]);
    const lines = stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('2');
    expect(stdout).toMatch(/^HTTP\/2 200/);
    expect(stdout).toMatch(/strict-transport-security: max-age=31536000/i);
    expect(stdout).toMatch(/x-request-id: [0-9a-f-]{36}/i);
    const body = JSON.parse(lines[lines.length - 2]);
    // HAProxy speaks HTTP/1.1 to the app; the client's HTTP/2 ends at HAProxy.
    expect(body).toEqual({ url: '/api/auth/me', method: 'GET', forwardedFor: '127.0.0.1', httpVersion: '1.1' });
  });

  it('serves the API over HTTP/2 to a node client that trusts only the certificate', async () => {
    const session = http2Connect(`https://127.0.0.1:${tlsPort}`, { ca: readFileSync(firstCa), servername: HOST });
    try {
      const { status, body, alpn } = await new Promise<{ status: number; body: string; alpn: string | false | undefined }>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/api/auth/phone', 'content-type': 'application/json' });
        let text = '';
        let status = 0;
        stream.on('response', (headers) => (status = Number(headers[':status'])));
        stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        stream.on('end', () => resolve({ status, body: text, alpn: session.alpnProtocol }));
        stream.on('error', reject);
        stream.end('{"code":"phone:1"}');
      });
      expect(alpn).toBe('h2');
      expect(status).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ url: '/api/auth/phone', method: 'POST' });
    } finally {
      session.close();
    }
  });

  it('refuses TLS older than 1.2', async () => {
    await expect(curl(['--cacert', firstCa, '--tlsv1', '--tls-max', '1.1', `https://${HOST}:${tlsPort}/api/auth/me`])).rejects.toThrow();
  });

  it.each(['GET', 'POST'])('redirects plain HTTP %s to HTTPS with 308 (method and body kept)', async (method) => {
    const { stdout } = await curl([
      '-X',
      method,
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{redirect_url}',
      `http://${HOST}:${httpPort}/api/catalog/products?page=2`,
    ]);
    expect(stdout).toBe(`308 https://${HOST}:${httpPort}/api/catalog/products?page=2`);
  });

  it('answers GET /health on plain HTTP (load balancer checks) without redirecting', async () => {
    const { stdout } = await curl(['-w', ' %{http_code}', `http://${HOST}:${httpPort}/health`]);
    expect(stdout).toBe('{"status":"ok"} 200');
  });

  it('passes ACME HTTP-01 challenges on plain HTTP through to the ACME client, and only those', async () => {
    const { stdout } = await curl(['-w', ' %{http_code}', `http://${HOST}:${httpPort}/.well-known/acme-challenge/tok-123`]);
    expect(stdout).toBe('token-answer:tok-123 200');
    expect(acmeRequests).toEqual(['/.well-known/acme-challenge/tok-123']);
    const overTls = await curl(['--cacert', firstCa, '-w', ' %{http_code}', `https://${HOST}:${tlsPort}/.well-known/acme-challenge/tok-123`]);
    expect(overTls.stdout).toMatch(/ROUTE_NOT_FOUND.* 404$/);
    expect(acmeRequests).toHaveLength(1);
  });

  it('installs a renewed certificate through the runtime API, without a restart (deploy hook)', async () => {
    const before = await servedSerial(tlsPort);
    const renewed = makeCertificate(join(dir, 'live-2', HOST));
    const { stdout } = await run('sh', [HOOK], {
      env: {
        ...process.env,
        RENEWED_LINEAGE: join(dir, 'live-2', HOST),
        HAPROXY_CERT_DIR: certDir,
        HAPROXY_RUNTIME_SOCKET: socket,
        HAPROXY_RELOAD_COMMAND: 'false',
      },
      encoding: 'utf8',
    });
    expect(stdout).toContain('updated in place');
    const after = await servedSerial(tlsPort);
    expect(after).not.toBe(before);
    expect(haproxy.exitCode).toBeNull();
    const { stdout: code } = await curl(['--http2', '--cacert', renewed, '-o', '/dev/null', '-w', '%{http_code}', `https://${HOST}:${tlsPort}/api/auth/me`]);
    expect(code).toBe('200');
    // The file on disk is the new one too, so a later reload or restart keeps it.
    expect(readFileSync(join(certDir, `${HOST}.pem`), 'utf8')).toContain(readFileSync(renewed, 'utf8').trim().split('\n')[1]);
  });

  it('falls back to the reload command for a certificate HAProxy has not loaded yet', async () => {
    makeCertificate(join(dir, 'live-3', 'other.mp.test'));
    const marker = join(dir, 'reloaded');
    const { stdout } = await run('sh', [HOOK], {
      env: {
        ...process.env,
        RENEWED_LINEAGE: join(dir, 'live-3', 'other.mp.test'),
        HAPROXY_CERT_DIR: certDir,
        HAPROXY_RUNTIME_SOCKET: socket,
        HAPROXY_RELOAD_COMMAND: `touch ${marker}`,
      },
      encoding: 'utf8',
    });
    expect(stdout).toContain('is new to HAProxy');
    expect(readFileSync(marker, 'utf8')).toBe('');
    expect(readFileSync(join(certDir, 'other.mp.test.pem'), 'utf8')).toMatch(/BEGIN CERTIFICATE[\s\S]+PRIVATE KEY/);
  });
});
