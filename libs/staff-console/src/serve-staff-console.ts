import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';

/** Where `npm run console:build` writes the console (web/console/vite.config.mts). */
export const STAFF_CONSOLE_DIR = join(findRepoRoot(__dirname), 'dist', 'web', 'console');

/** The path the console is served under (Vite's `base`). */
export const STAFF_CONSOLE_PREFIX = '/admin';

/**
 * Every asset comes from our build, scripts only from files (no inline script, no eval). Element Plus sets inline
 * `style` attributes and injects style elements (popper placement, z-index, transitions), hence style-src 'unsafe-inline'.
 */
export const STAFF_CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function secureHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', STAFF_CONSOLE_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
}

/**
 * Serves the staff console's single-page app at /admin/: files under assets/ (hashed names) cached for a year,
 * index.html never cached and answered for every other /admin/ path so the client's history routes survive a reload.
 * When the console was not built the routes are left out (with a warning) and /admin answers the usual 404.
 */
export function serveStaffConsole(app: NestFastifyApplication, dir: string = STAFF_CONSOLE_DIR): void {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    new Logger('StaffConsole').warn(`${indexFile} is missing: run npm run console:build to serve the staff console at ${STAFF_CONSOLE_PREFIX}/`);
    return;
  }
  const fastify = app.getHttpAdapter().getInstance();
  void fastify.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: `${STAFF_CONSOLE_PREFIX}/assets/`,
    // Swagger UI's registration decorates the reply already.
    decorateReply: false,
    index: false,
    cacheControl: true,
    maxAge: '365d',
    immutable: true,
    setHeaders: (reply: FastifyReply) => secureHeaders(reply),
  });
  const sendIndex = async (_request: unknown, reply: FastifyReply) => {
    secureHeaders(reply);
    // Read each time: a rebuild (new hashed names) is served without a restart.
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await readFile(indexFile));
  };
  fastify.get(STAFF_CONSOLE_PREFIX, (_request, reply) => reply.redirect(`${STAFF_CONSOLE_PREFIX}/`, 301));
  fastify.get(`${STAFF_CONSOLE_PREFIX}/`, sendIndex);
  fastify.get(`${STAFF_CONSOLE_PREFIX}/*`, sendIndex);
}
