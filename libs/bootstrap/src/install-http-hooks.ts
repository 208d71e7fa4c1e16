import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { enterRequestContext, REQUEST_ID_HEADER } from '#libs/logging';
import { MetricsRegistry } from '#libs/metrics';

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);
/** Query parameters of signed links: whoever reads the log must not be able to replay the link. */
const LINK_SIGNATURE = /([?&](?:sig|exp)=)[^&]*/g;

/** `url` as the access log may show it: signed-link values left out. */
export function loggableUrl(url: string): string {
  return url.includes('?') ? url.replace(LINK_SIGNATURE, '$1-') : url;
}

/** Request context and id echo, access log and latency histogram for every request, matched or not. */
export function installHttpHooks(fastify: FastifyInstance, metrics: MetricsRegistry, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    enterRequestContext({ requestId: String(request.id) });
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (!QUIET_ROUTES.has(route) && logger.isLevelEnabled('info')) {
      logger.info(
        {
          requestId: request.id,
          method: request.method,
          route,
          url: loggableUrl(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          ip: request.ip,
        },
        'request',
      );
    }
    done();
  });
}
