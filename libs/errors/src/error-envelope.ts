import { ErrorDetail } from './app-error';

/** The API contract's error body. */
export interface ErrorEnvelope {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  details?: ErrorDetail[];
}
