import type { ClientErrorCode, ErrorCode, ErrorEnvelope } from './error-codes';

/** A failed API call: the envelope's code (or the console's own when none came back), shown by its code, never raw. */
export class ApiError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  readonly status: number;
  readonly requestId?: string;
  readonly details: NonNullable<ErrorEnvelope['details']>;

  constructor(status: number, code: ErrorCode | ClientErrorCode, message: string, requestId?: string, details: ErrorEnvelope['details'] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
  }

  /** The error a response carries: its envelope when it is one, else UNEXPECTED_RESPONSE (an HTML page from a proxy, say). */
  static fromBody(status: number, body: unknown): ApiError {
    if (isEnvelope(body)) return new ApiError(status, body.code, body.message, body.requestId, body.details);
    return new ApiError(status, 'UNEXPECTED_RESPONSE', `HTTP ${status}`);
  }
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  if (body === null || typeof body !== 'object') return false;
  const { code, message } = body as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string';
}
