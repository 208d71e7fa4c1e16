/** @miniprogram-backend/sdk: a typed client of the miniprogram-backend API for WeChat mini-programs. */
export { ApiClient } from './client';
export type { CallOptions, ClientOptions, UploadOptions } from './client';
export { MiniProgramClient, createClient } from './miniprogram-client';
export type { KeyedWriteOptions } from './miniprogram-client';
export { ApiError, isApiError } from './errors';
export type { ApiErrorShape, ClientErrorCode, ErrorCode } from './errors';
export type { LoggedOutEvent, LoggedOutReason, StoredSession } from './session';
export type { PaymentOptions, PaymentResult, SubscribeResult } from './wechat';
export type { HttpMethod } from './transport';
export type * from './contract';
export type * from './wx';
