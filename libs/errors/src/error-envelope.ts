import { ErrorDetail } from './app-error';
import { DescribedError } from './describe-error';

/** The API contract's error body. */
export interface ErrorEnvelope {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  details?: ErrorDetail[];
}

/** The envelope that answers `described` for the request `requestId`. */
export function errorEnvelope(described: DescribedError, requestId: string): ErrorEnvelope {
  const body: ErrorEnvelope = { statusCode: described.status, code: described.code, message: described.message, requestId };
  if (described.details?.length) body.details = described.details;
  return body;
}
