import { ERROR_STATUS, ErrorCode } from './error-codes';

/** One field-level problem, as listed in an error envelope's `details`. */
export interface ErrorDetail {
  field?: string;
  message: string;
}

/** A domain error: a stable code, its HTTP status and a message safe to show to a client. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

/** Serialised form of an AppError as it crosses the message bus. */
export interface RemoteErrorPayload {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

/** Whether a value received over the bus is a serialised AppError. */
export function isRemoteErrorPayload(value: unknown): value is RemoteErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && code in ERROR_STATUS;
}
