import type { ErrorCode } from '#libs/errors';

/** An answer HAProxy gives itself, in the API contract's envelope. */
export interface HaproxyErrorReply {
  status: number;
  code: ErrorCode;
  message: string;
}

/**
 * Every status HAProxy can answer on its own (`http-error` accepts these), one envelope each.
 * 403, 413 and 429 are what `http-request deny`, a body limit or a rate limit would answer.
 */
export const HAPROXY_ERROR_REPLIES: readonly HaproxyErrorReply[] = [
  { status: 400, code: 'VALIDATION_FAILED', message: 'Malformed request' },
  { status: 403, code: 'FORBIDDEN', message: 'Forbidden' },
  { status: 408, code: 'REQUEST_TIMEOUT', message: 'Request not received in time' },
  { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request too large' },
  { status: 429, code: 'RATE_LIMITED', message: 'Too many requests' },
  { status: 500, code: 'INTERNAL_ERROR', message: 'Internal error' },
  { status: 502, code: 'SERVICE_UNAVAILABLE', message: 'Upstream failed before answering' },
  { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable' },
  { status: 504, code: 'UPSTREAM_TIMEOUT', message: 'Upstream timed out' },
];

/** The 404 answered for paths no backend serves (`backend route_not_found`). */
export const ROUTE_NOT_FOUND_REPLY: HaproxyErrorReply = { status: 404, code: 'ROUTE_NOT_FOUND', message: 'No such route' };

/**
 * The envelope as an HAProxy log-format string. The request id is the `txn.request_id` variable the
 * public frontend sets first thing (the caller's safe X-Request-Id or a UUID), so it is always a JSON-safe token.
 */
export function envelopeLogFormat({ status, code, message }: HaproxyErrorReply): string {
  // Inside '...' in the config, and a log-format: no quote, backslash or % in the message.
  if (!/^[A-Za-z0-9 ,.()-]+$/.test(message))
    throw new Error(`HAProxy error reply ${status}: message ${JSON.stringify(message)} has characters the config cannot carry`);
  return `{"statusCode":${status},"code":"${code}","message":"${message}","requestId":"%[var(txn.request_id)]"}`;
}

/** The `http-error` lines of the `defaults` section, one per status in HAPROXY_ERROR_REPLIES. */
export function httpErrorLines(indent = '    '): string {
  return HAPROXY_ERROR_REPLIES.map(
    (reply) => `${indent}http-error status ${reply.status} content-type application/json lf-string '${envelopeLogFormat(reply)}'`,
  ).join('\n');
}

/** The `http-request return` line of `backend route_not_found`. */
export function routeNotFoundLine(indent = '    '): string {
  return `${indent}http-request return status 404 content-type application/json lf-string '${envelopeLogFormat(ROUTE_NOT_FOUND_REPLY)}'`;
}
