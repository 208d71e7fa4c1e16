import type { ServerErrorCode } from './contract';

/** Codes the SDK itself reports, beside the server's: `statusCode` is 0 for those that never got an HTTP answer. */
export type ClientErrorCode =
  /** No answer: offline, DNS, connection reset, TLS (statusCode 0). Keyed writes were retried first. */
  | 'NETWORK_ERROR'
  /** No answer within `timeoutMs` (statusCode 0). Keyed writes were retried first. */
  | 'TIMEOUT'
  /** The session ended: the refresh token was refused or the session revoked; the stored tokens are cleared (401). */
  | 'LOGGED_OUT'
  /** `wx.login` failed (statusCode 0). */
  | 'WX_LOGIN_FAILED'
  /** The user closed the payment sheet (statusCode 0): the order is still `pending_payment`. */
  | 'PAYMENT_CANCELLED'
  /** `wx.requestPayment` failed otherwise (statusCode 0). */
  | 'PAYMENT_FAILED'
  /** `wx.requestSubscribeMessage` failed (statusCode 0). */
  | 'SUBSCRIBE_FAILED'
  /** An HTTP answer that is not the API's error envelope (a proxy's page, say). */
  | 'UNEXPECTED_RESPONSE';

/** Every code an ApiError can carry: the server's stable codes (see the API's OpenAPI document), the SDK's, or a newer server code. */
export type ErrorCode = ServerErrorCode | ClientErrorCode | (string & Record<never, never>);

/** The typed error every SDK call rejects with: the API's error envelope, or the SDK's own code for what never reached it. */
export interface ApiErrorShape {
  /** HTTP status; 0 when there was no HTTP answer (network, timeout, a `wx` call). */
  statusCode: number;
  /** Stable UPPER_SNAKE code to switch on. */
  code: ErrorCode;
  message: string;
  /** The request id the server logged (the SDK sends its own, so it is known even when no answer came back). */
  requestId: string;
  /** Per-field problems of a VALIDATION_FAILED. */
  details?: unknown[];
  /** The `errMsg` of the `wx` call that failed, when one did. */
  errMsg?: string;
}

/** What every SDK call rejects with. `instanceof ApiError` and `isApiError(e)` both work. */
export class ApiError extends Error implements ApiErrorShape {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly requestId: string;
  readonly details?: unknown[];
  readonly errMsg?: string;

  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.statusCode = shape.statusCode;
    this.code = shape.code;
    this.requestId = shape.requestId;
    if (shape.details !== undefined) this.details = shape.details;
    if (shape.errMsg !== undefined) this.errMsg = shape.errMsg;
  }

  /** The plain envelope, for logs and `setData`. */
  toJSON(): ApiErrorShape {
    const shape: ApiErrorShape = { statusCode: this.statusCode, code: this.code, message: this.message, requestId: this.requestId };
    if (this.details !== undefined) shape.details = this.details;
    if (this.errMsg !== undefined) shape.errMsg = this.errMsg;
    return shape;
  }
}

/** True for the errors the SDK rejects with. */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The ApiError of an HTTP answer of status >= 300: the API's envelope when it is one, else UNEXPECTED_RESPONSE. */
export function errorFromReply(statusCode: number, data: unknown, requestId: string): ApiError {
  const body = isRecord(data) ? data : typeof data === 'string' ? parseJson(data) : undefined;
  if (body && typeof body.code === 'string' && typeof body.message === 'string') {
    return new ApiError({
      statusCode: typeof body.statusCode === 'number' ? body.statusCode : statusCode,
      code: body.code,
      message: body.message,
      requestId: typeof body.requestId === 'string' ? body.requestId : requestId,
      ...(Array.isArray(body.details) ? { details: body.details as unknown[] } : {}),
    });
  }
  return new ApiError({ statusCode, code: 'UNEXPECTED_RESPONSE', message: `HTTP ${statusCode} without the API's error envelope`, requestId });
}

/** The ApiError of a failed `wx.request` / `wx.uploadFile`: TIMEOUT or NETWORK_ERROR. */
export function networkError(errMsg: string, requestId: string): ApiError {
  const timeout = /timeout/i.test(errMsg);
  return new ApiError({
    statusCode: 0,
    code: timeout ? 'TIMEOUT' : 'NETWORK_ERROR',
    message: timeout ? 'The server did not answer in time' : 'The request did not reach the server or its answer was lost',
    requestId,
    errMsg,
  });
}

/** `text` as a JSON object, or undefined. */
export function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
