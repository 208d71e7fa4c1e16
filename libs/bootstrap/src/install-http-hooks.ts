import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { enterRequestContext, REQUEST_ID_HEADER } from '#libs/logging';
import { MetricsRegistry } from '#libs/metrics';

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);
/** Query parameters of signed links: whoever reads the log must not be able to replay the link. */
const LINK_SIGNATURE = /([?&](?:sig|exp)=)[^&]*/g;

/** Which requests get an access-log line: every one, or only those answered with an error (4xx, 5xx) where the load balancer logs the rest. */
export type AccessLog = 'all' | 'errors';

/** `url` as the access log may show it: signed-link values left out. */
export function loggableUrl(url: string): string {
  return url.includes('?') ? url.replace(LINK_SIGNATURE, '$1-') : url;
}

/**
 * Request context and id echo, access log and latency histogram for every request, matched or not. A matched
 * route's pattern is bound to its own onResponse hook when the route is added (`request.routeOptions` builds an
 * object per read); requests no route matched are finished by the instance's hook.
 */
export function installHttpHooks(fastify: FastifyInstance, metrics: MetricsRegistry, logger: Logger, accessLog: AccessLog = 'all'): void {
  const finish = (request: FastifyRequest, reply: FastifyReply, route: string) => {
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (accessLog === 'errors' && reply.statusCode < 400) return;
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
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    enterRequestContext({ requestId: String(request.id) });
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onRoute', (route) => {
    const pattern = route.url;
    const finished: onResponseHookHandler = (request, reply, done) => (finish(request, reply, pattern), done());
    route.onResponse = [...[route.onResponse ?? []].flat(), finished];
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.is404) finish(request, reply, 'unmatched');
    done();
  });
}
