import type { ExampleObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';
import { ERROR_STATUS } from '#libs/errors';
import type { ErrorCode } from '#libs/errors';
import type { RegisteredRoute } from './route-inventory';

/** Name of the error envelope's schema in `components.schemas`. */
export const ERROR_ENVELOPE = 'ErrorEnvelope';

/** The API contract's error body as a JSON schema. */
export const errorEnvelopeSchema = {
  type: 'object',
  description: 'Every error: the HTTP status again, a stable code to switch on, a message for people and the request id to quote.',
  required: ['statusCode', 'code', 'message', 'requestId'],
  additionalProperties: false,
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599 },
    code: { type: 'string', enum: [...new Set(Object.keys(ERROR_STATUS))].sort() },
    message: { type: 'string' },
    requestId: { type: 'string', description: 'The X-Request-Id of the exchange.' },
    details: {
      type: 'array',
      description: 'Per-field problems of a VALIDATION_FAILED.',
      items: {
        type: 'object',
        required: ['message'],
        additionalProperties: false,
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** Status and code pairs HAProxy answers itself, beyond each code's own status. */
const LOAD_BALANCER_ANSWERS: readonly (readonly [number, ErrorCode])[] = [[502, 'SERVICE_UNAVAILABLE']];

const ANY_ROUTE: readonly ErrorCode[] = [
  'VALIDATION_FAILED',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  'DEPENDENCY_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
];
const WITH_BODY: readonly ErrorCode[] = ['MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE'];
const TOKEN_SENT: readonly ErrorCode[] = ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_REVOKED'];
const IDEMPOTENT: readonly ErrorCode[] = ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'];

/** Every code a route can answer: its declared domain codes and the ones its kind implies. */
export function errorCodesOf(route: RegisteredRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>([...ANY_ROUTE, ...route.declaredErrors]);
  if (['post', 'put', 'patch'].includes(route.method)) WITH_BODY.forEach((code) => codes.add(code));
  const { mode } = route.access;
  if (mode !== 'anyone') TOKEN_SENT.forEach((code) => codes.add(code));
  if (mode === 'caller' || mode === 'users' || mode === 'staff') codes.add('UNAUTHENTICATED');
  if (mode === 'users' || mode === 'staff') codes.add('FORBIDDEN');
  if (route.idempotent) IDEMPOTENT.forEach((code) => codes.add(code));
  return [...codes];
}

const sentence = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replaceAll('_', ' ');
/** Example messages where the real one reads differently from the code. */
const EXAMPLE_MESSAGES: Partial<Record<ErrorCode, string>> = { ROUTE_NOT_FOUND: 'No such route', VALIDATION_FAILED: 'Request validation failed' };

/** `components.examples`: one error envelope per code, which the error responses refer to. */
export function errorExamples(): Record<string, ExampleObject> {
  return Object.fromEntries(
    (Object.keys(ERROR_STATUS) as ErrorCode[]).sort().map((code) => [
      code,
      {
        value: { statusCode: ERROR_STATUS[code], code, message: EXAMPLE_MESSAGES[code] ?? sentence(code), requestId: '0d3c5f7e-8a1b-4c2d-9e6f-1a2b3c4d5e6f' },
      },
    ]),
  );
}

/** Headers that come with an error status whatever the route. */
const STATUS_HEADERS: Record<number, ResponseObject['headers']> = {
  429: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } } },
};

/** One error response: the envelope narrowed to `codes` (all of one status), one example each. */
function errorResponse(status: number, codes: readonly ErrorCode[]): ResponseObject {
  return {
    description: codes.join(', '),
    ...(STATUS_HEADERS[status] && { headers: STATUS_HEADERS[status] }),
    content: {
      'application/json': {
        schema: { allOf: [{ $ref: `#/components/schemas/${ERROR_ENVELOPE}` }, { type: 'object', properties: { code: { type: 'string', enum: [...codes] } } }] },
        examples: Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
      },
    },
  };
}

/**
 * The error responses of an operation answering `codes`, one per status, each a reference into `shared` (the document's
 * `components.responses`, filled here): operations answering the same codes of a status share one response.
 */
export function errorResponses(codes: readonly ErrorCode[], shared: Record<string, ResponseObject>): Record<string, ReferenceObject> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  const add = (status: number, code: ErrorCode) => byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  for (const code of codes) add(ERROR_STATUS[code], code);
  for (const [status, code] of LOAD_BALANCER_ANSWERS) if (codes.includes(code)) add(status, code);

  const responses: Record<string, ReferenceObject> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const sorted = [...statusCodes].sort();
    const name = `${status}.${sorted.join('.')}`;
    shared[name] ??= errorResponse(status, sorted);
    responses[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  return responses;
}
