import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';

/** The route WeChat Pay posts notifications to. */
export const WECHATPAY_NOTIFY_PATH = '/api/orders/payments/wechat/notify';
/** Notifications are a few hundred bytes; anything much larger is not one. */
const NOTIFY_BODY_LIMIT_BYTES = 64 * 1024;

/** A request whose raw body was kept (only the notify route's). */
export type RawBodyRequest = FastifyRequest & { rawBody?: string };

/**
 * Keeps the exact bytes of the notify route's body (the signature is over them, not over re-serialised JSON) and hands
 * the same bytes on to Fastify's JSON parser. Other routes are untouched.
 */
export function captureNotifyRawBody(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    if (request.routeOptions.url !== WECHATPAY_NOTIFY_PATH) return payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > NOTIFY_BODY_LIMIT_BYTES) throw Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    (request as RawBodyRequest).rawBody = raw.toString('utf8');
    return Object.assign(Readable.from([raw]), { receivedEncodedLength: raw.length });
  });
}
