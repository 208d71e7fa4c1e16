import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { SandboxRouter } from './sandbox-router';
import { SandboxFaults, SandboxState } from './sandbox-state';
import { RouteFamily, SandboxReply, SandboxRoute, wechatError } from './wechat-api';
import { buildWechatRoutes } from './wechat-sandbox.routes';
import { WechatPaySandboxOptions, buildPayRoutes } from './pay/pay.routes';
import { WechatPushSandboxOptions } from './push/push-config';
import { PushHandler } from './push/push.handler';
import { buildShippingRoutes } from './shipping/shipping.routes';

/** How the sandbox is set up; everything but the app's credentials has a default. */
export interface WechatSandboxOptions {
  appId: string;
  appSecret: string;
  /** Lifetime of access tokens; WeChat's is 7200 s. */
  tokenTtlSeconds?: number;
  /** Words `msg_sec_check` flags as risky. */
  secCheckWords?: readonly string[];
  /** Pages `getwxacodeunlimit` accepts while `check_path` is on. */
  publishedPages?: readonly string[];
  /** Milliseconds since the epoch; tests pass a fake clock to step past expiries. */
  now?: () => number;
  /** Serves WeChat Pay v3 for this merchant; no `/v3/*` routes without it. */
  pay?: WechatPaySandboxOptions;
  /** Server push to the backend (`state.push`, `POST /sandbox/push`); nothing is pushed without its `url`. */
  push?: WechatPushSandboxOptions;
}

/** A sandbox HTTP server, ready to listen. */
export interface WechatSandbox {
  /** Resolves to the port actually bound, useful with port 0. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
  /** `http://host:port`; only once listening. */
  readonly url: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** An outage in `'timeout'` mode: the request is counted and never answered. */
const NO_ANSWER: SandboxReply = { result: 'timeout' };

const OUTAGE: SandboxReply = {
  status: 503,
  headers: { 'content-type': 'text/html' },
  rawBody: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
  result: 'outage',
};

/** Builds the sandbox: WeChat's mini-program server API plus its own `/sandbox/*` controls. */
export function createWechatSandbox(options: WechatSandboxOptions): WechatSandbox {
  const now = options.now ?? Date.now;
  const state = new SandboxState({ tokenTtlSeconds: options.tokenTtlSeconds ?? 7200, now, push: { appId: options.appId, settings: options.push } });
  const routes = buildWechatRoutes({ ...options, now, pushEvent: (event) => state.push.deliver(event) }, state);
  const pay = options.pay && buildPayRoutes(options.appId, options.pay, state, now);
  const push = new PushHandler(state.push);
  routes.push({ family: 'sandbox', method: 'POST', path: '/sandbox/push', handle: (r) => push.push(r) });
  const shipping =
    options.pay && pay ? buildShippingRoutes({ mchId: options.pay.mchId, push: (event) => state.push.deliver(event), now }, state, pay.payments) : [];
  const router = new SandboxRouter(pay ? [...routes, ...pay.routes, ...shipping] : routes);
  for (const route of router.routes) if (route.statsName) state.stats.listEndpoint(route.statsName);

  const server = createServer((request, response) => {
    serve(router, state, request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      const message = error instanceof Error ? error.message : String(error);
      send(response, { status: 500, body: { errcode: -1, errmsg: `sandbox error: ${message}` } });
    });
  });
  let url: string | undefined;

  return {
    async listen(port, host = '127.0.0.1') {
      const bound = await listen(server, port, host);
      url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
      return bound;
    },
    close() {
      pay?.stop();
      state.push.stop();
      return close(server);
    },
    get url() {
      if (!url) throw new Error('the WeChat sandbox is not listening yet');
      return url;
    },
  };
}

async function serve(router: SandboxRouter, state: SandboxState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { route, reply } = await answer(router, state, request);
  if (route?.statsName && reply.result !== undefined) state.stats.count(route.statsName, reply.result);
  if (reply === NO_ANSWER) return;
  send(response, route?.finish && reply !== OUTAGE ? route.finish(reply) : reply);
}

async function answer(router: SandboxRouter, state: SandboxState, request: IncomingMessage): Promise<{ route?: SandboxRoute; reply: SandboxReply }> {
  const target = request.url ?? '/';
  const url = new URL(target, 'http://sandbox');
  const method = request.method ?? 'GET';
  const lookup = router.find(method, url.pathname);
  if (lookup.kind === 'notFound') {
    return { reply: { status: 404, body: { errcode: -1, errmsg: `no such API: ${method} ${url.pathname}` } } };
  }
  const { route } = lookup;
  const fault = route.family === 'sandbox' ? undefined : faultReply(state.faults, route.family);
  if (fault) return { route, reply: fault };
  if (lookup.kind === 'wrongMethod') return { route, reply: wrongMethodReply(route) };

  const body = await readBody(request);
  if (body === undefined) {
    return { route, reply: { status: 413, body: { errcode: -1, errmsg: 'request body too large' } } };
  }
  const { params } = lookup;
  const reply = await route.handle({ method, target, query: url.searchParams, params, headers: request.headers, body });
  return { route, reply };
}

function faultReply(faults: SandboxFaults, family: RouteFamily): SandboxReply | undefined {
  if (faults.outage === 'timeout') return NO_ANSWER;
  if (faults.outage) return OUTAGE;
  if (!faults.systemBusy) return undefined;
  if (family === 'pay') {
    return { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统繁忙，请稍后重试' }, result: 'SYSTEM_ERROR' };
  }
  return wechatError(-1, 'system error');
}

function wrongMethodReply(route: SandboxRoute): SandboxReply {
  const message = `require ${route.method} method`;
  if (route.family === 'wechat') return wechatError(route.method === 'GET' ? 43001 : 43002, message);
  if (route.family === 'pay') return { status: 405, body: { code: 'INVALID_REQUEST', message }, result: '405' };
  return { status: 405, body: { errcode: -1, errmsg: message } };
}

/** The request body as text, or undefined when it is over the limit. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, reply: SandboxReply): void {
  const text = reply.rawBody ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body));
  const headers: Record<string, string> = { ...reply.headers };
  if (text !== undefined) headers['content-type'] ??= 'application/json; charset=utf-8';
  response.writeHead(reply.status ?? 200, headers).end(text);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Also ends connections kept alive by clients and requests held by a 'timeout' outage.
    server.closeAllConnections();
  });
}
