import type { components } from '../../../../sdk/miniprogram/src/api-types';

/** The API's error envelope (api-contract.md): switch on `code`, quote `requestId`. */
export type ErrorEnvelope = components['schemas']['ErrorEnvelope'];

/** Every code the API can answer. */
export type ErrorCode = ErrorEnvelope['code'];

/** Codes the console itself gives when no envelope came back (network down, a proxy page instead of JSON). */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE' | 'NOT_STAFF';
