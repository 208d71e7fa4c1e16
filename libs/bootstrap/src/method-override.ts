import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

/** The header a client sends a PATCH in when its HTTP stack cannot send PATCH. */
export const METHOD_OVERRIDE_HEADER = 'x-http-method-override';

/**
 * WeChat's `wx.request` has no PATCH method (OPTIONS, GET, HEAD, POST, PUT, DELETE only): a mini-program sends
 * `POST` with `X-HTTP-Method-Override: PATCH`, and the request is routed as the PATCH it stands for. Only POST may
 * be overridden, and only into PATCH, so the header cannot turn a write into a read or dodge a route's method.
 */
export function applyMethodOverride(request: IncomingMessage): void {
  const override = request.headers[METHOD_OVERRIDE_HEADER];
  if (request.method === 'POST' && typeof override === 'string' && override.trim().toUpperCase() === 'PATCH') request.method = 'PATCH';
}

interface HttpServerOptions {
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
}

/** Fastify's `serverFactory`: the HTTP/1 server Fastify would create (same timeouts), applying the method override before routing. */
export function httpServerWithMethodOverride(handler: (request: IncomingMessage, response: ServerResponse) => void, options: HttpServerOptions): Server {
  const server = createServer((request, response) => {
    applyMethodOverride(request);
    handler(request, response);
  });
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
  if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
  return server;
}
