import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Header that carries the request id, over HTTP and over the message bus. */
export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a sane caller-supplied request id, otherwise makes a new one. */
export function requestIdFor(request: IncomingMessage): string {
  const supplied = request.headers[REQUEST_ID_HEADER];
  return typeof supplied === 'string' && ACCEPTABLE_ID.test(supplied) ? supplied : randomUUID();
}
