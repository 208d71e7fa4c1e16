import { randomBytes } from 'node:crypto';

/** What a route handler sees of one HTTP request. */
export interface SandboxRequest {
  method: string;
  /** The request path and query as sent, e.g. `/sns/jscode2session?appid=...`; part of what WeChat Pay signs. */
  target: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What a route handler answers; `result` is the label counted in `/sandbox/stats`. */
export interface SandboxReply {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; no body at all when both this and `rawBody` are undefined. */
  body?: unknown;
  /** Sent as is, instead of `body`; for replies whose exact bytes are signed, or are not JSON (a PNG). */
  rawBody?: string | Buffer;
  result?: string;
}

/** Which rules apply to a route: WeChat's mini-program API, WeChat Pay v3, or the sandbox's own controls. */
export type RouteFamily = 'wechat' | 'pay' | 'sandbox';

/** One entry of the server's route table. */
export interface SandboxRoute {
  family: RouteFamily;
  method: 'GET' | 'POST';
  /** Segments starting with `:` are captured into `request.params`. */
  path: string;
  /** Key under which `/sandbox/stats` counts this route's results; uncounted when absent. */
  statsName?: string;
  handle(request: SandboxRequest): SandboxReply | Promise<SandboxReply>;
  /** Applied to every reply of this route that is an answer, errors included (WeChat Pay signs them all). */
  finish?(reply: SandboxReply): SandboxReply;
}

/** A WeChat `{errcode, errmsg}` answer; HTTP 200, as WeChat sends it. */
export function wechatError(errcode: number, message: string): SandboxReply {
  return { body: { errcode, errmsg: `${message}, rid: ${requestId()}` }, result: String(errcode) };
}

/** The JSON object in a request body, or undefined when it is not one (WeChat's 47001). */
export function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The 47001 answer WeChat gives to a body that is not the expected JSON. */
export function dataFormatError(): SandboxReply {
  return wechatError(47001, 'data format error hint: [sandbox] body is not a JSON object');
}

/** A non-empty string field of a JSON body, or undefined. */
export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function requestId(): string {
  return [4, 4, 4].map((size) => randomBytes(size).toString('hex')).join('-');
}

/** A non-empty query parameter, or undefined. */
export function queryParam(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) || undefined;
}
