import { RouteConfig } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';

/** Notifications are a few hundred bytes; anything much larger is not one. */
const NOTIFY_BODY_LIMIT_BYTES = 64 * 1024;

/** The Fastify route config of a route whose raw body is kept. */
interface RawBodyRouteConfig {
  rawBody?: boolean;
}

/** A request whose raw body was kept (only a @KeepRawBody() route's). */
export type RawBodyRequest = FastifyRequest & { rawBody?: string };

/** Keeps the exact bytes of this route's body in `request.rawBody` (WeChat Pay signs them, not re-serialised JSON). */
export const KeepRawBody = (): MethodDecorator => RouteConfig({ rawBody: true } satisfies RawBodyRouteConfig);

/**
 * Keeps the exact bytes of the body of @KeepRawBody() routes (at most 64 KiB) and hands the same bytes on to Fastify's
 * JSON parser. Other routes are untouched.
 */
export function captureRawBodies(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    if ((request.routeOptions.config as RawBodyRouteConfig | undefined)?.rawBody !== true) return payload;
    if (Number(request.headers['content-length']) > NOTIFY_BODY_LIMIT_BYTES) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    const chunks: Buffer[] = [];
    let size = 0;
    // Leaving the loop must not destroy the request: that would reset the connection before the 413 is read.
    for await (const chunk of (payload as Readable).iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > NOTIFY_BODY_LIMIT_BYTES) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    (request as RawBodyRequest).rawBody = raw.toString('utf8');
    return Object.assign(Readable.from([raw]), { receivedEncodedLength: raw.length });
  });
}
