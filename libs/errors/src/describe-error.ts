import { HttpException } from '@nestjs/common';
import { AppError, ErrorDetail } from './app-error';
import { ERROR_STATUS, ErrorCode } from './error-codes';

/** What a response says about an error: never a stack, SQL text or file path. */
export interface DescribedError {
  status: number;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  /** True when the error was not anticipated and deserves an error-level log line. */
  unexpected: boolean;
}

/** Errors Fastify raises itself (parsing, routing), with what the envelope says of each. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', message: 'Request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', message: 'Request body is empty but its Content-Type is JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'VALIDATION_FAILED', message: 'Content-Length does not match the body' },
  FST_ERR_BAD_URL: { code: 'VALIDATION_FAILED', message: 'The URL is not valid (a bad percent-encoding?)' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'VALIDATION_FAILED', message: 'A path parameter is too long' },
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

const SAFE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported Content-Type',
  RATE_LIMITED: 'Too many requests, slow down',
  NOT_FOUND: 'Not found',
};

function fromStatus(status: number, message: string | undefined): DescribedError {
  const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
  const unexpected = status >= 500;
  return {
    status: unexpected && !(code in STATUS_CODES) ? 500 : status,
    code,
    message: unexpected ? 'Internal server error' : (SAFE_MESSAGES[code] ?? message ?? code),
    unexpected,
  };
}

function fromFastify(error: unknown): DescribedError | undefined {
  const fastifyCode = (error as { code?: unknown } | undefined)?.code;
  if (typeof fastifyCode !== 'string' || !(fastifyCode in FASTIFY_CODES)) return undefined;
  const { code, message } = FASTIFY_CODES[fastifyCode];
  return { status: ERROR_STATUS[code], code, message, unexpected: false };
}

// A database or Redis that cannot be reached: the request is refused quickly and may be retried later.
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);
const CONNECTION_ERROR_MESSAGES = /Connection is closed|Command timed out|Stream isn't writeable|Reached the max retries per request/;

/** Whether `error` means MySQL or Redis could not be reached (as opposed to a refused or failed request). */
export function isDependencyOutage(error: unknown): boolean {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown }; name?: unknown; message?: unknown } | undefined;
  const codes = [candidate?.code, candidate?.driverError?.code].filter((code): code is string => typeof code === 'string');
  if (codes.some((code) => CONNECTION_ERROR_CODES.has(code))) return true;
  return candidate?.name === 'MaxRetriesPerRequestError' || (typeof candidate?.message === 'string' && CONNECTION_ERROR_MESSAGES.test(candidate.message));
}

/** Maps any thrown value onto the contract's error vocabulary. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details, unexpected: false };
  }
  if (error instanceof HttpException) {
    const cause = fromFastify(error.cause);
    if (cause) return cause;
    const status = error.getStatus();
    if (status === 404) return { status, code: 'ROUTE_NOT_FOUND', message: 'No such route', unexpected: false };
    return fromStatus(status, undefined);
  }
  const fastify = fromFastify(error);
  if (fastify) return fastify;
  if (isDependencyOutage(error)) {
    return { status: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'A backing service is unavailable, try again shortly', unexpected: false };
  }
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) return fromStatus(statusCode, undefined);
  return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', unexpected: true };
}
