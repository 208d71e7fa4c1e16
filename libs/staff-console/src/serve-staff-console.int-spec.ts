import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSigningKeys, PlatformTestApp, startPlatformTestApp } from '#libs/testing';
import { serveStaffConsole, STAFF_CONSOLE_CSP } from './serve-staff-console';

describe('serveStaffConsole (real platform wiring, a built console in a scratch directory)', () => {
  let dir: string;
  let app: PlatformTestApp;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers, redirect: 'manual' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><script type="module" src="/admin/assets/index-AbC123.js"></script>');
    await writeFile(join(dir, 'assets', 'index-AbC123.js'), script);
    const keys = await createTestSigningKeys();
    app = await startPlatformTestApp({ name: 'console', env: keys.publicEnv, configureApp: (nest) => serveStaffConsole(nest, dir) });
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers index.html, never cached, with the strict CSP, for /admin/ and every client route', async () => {
    for (const path of ['/admin/', '/admin/login', '/admin/products/01J/edit?tab=skus']) {
      const reply = await get(path);
      expect({ path, status: reply.status, type: reply.headers.get('content-type'), cache: reply.headers.get('cache-control') }).toEqual({
        path,
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-cache',
      });
      expect(reply.headers.get('content-security-policy')).toBe(STAFF_CONSOLE_CSP);
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await reply.text()).toContain('/admin/assets/index-AbC123.js');
    }
    expect(STAFF_CONSOLE_CSP).toContain("script-src 'self';");
    expect(STAFF_CONSOLE_CSP).toContain("frame-ancestors 'none'");
  });

  it('redirects /admin to /admin/', async () => {
    const reply = await get('/admin');
    expect([reply.status, reply.headers.get('location')]).toEqual([301, '/admin/']);
  });

  it('serves hashed assets cached for a year, gzipped for a client that asks', async () => {
    const reply = await get('/admin/assets/index-AbC123.js', { 'accept-encoding': 'gzip' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(reply.headers.get('content-type')).toMatch(/javascript/);
    expect(reply.headers.get('content-encoding')).toBe('gzip');
    // fetch unzips it.
    expect(await reply.text()).toBe(script);
  });

  it('answers a missing asset with the 404 envelope, not index.html', async () => {
    for (const path of ['/admin/assets/missing-X1.js', '/admin/assets/index.html']) {
      const reply = await get(path);
      expect({ path, status: reply.status, type: reply.headers.get('content-type') }).toMatchObject({
        path,
        status: 404,
        type: expect.stringMatching(/^application\/json/),
      });
      expect(((await reply.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
    }
  });
});
