/**
 * The parts of the mini-program's `wx` object that the SDK calls, with the names and shapes of WeChat's own
 * typings: `wx-conformance.d.ts` proves that `miniprogram-api-typings`' `WechatMiniprogram.Wx` satisfies them, so the
 * real `wx` can be passed (or is picked up) as is and a test can stand in for it with a small object.
 */

/** What every failing `wx` call reports. */
export interface WxFailure {
  errMsg: string;
  errno?: number;
}

/** The HTTP methods of `wx.request` the SDK sends (it has no PATCH: the SDK sends POST + X-HTTP-Method-Override). */
export type WxMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** `wx.request`'s success result. */
export interface WxRequestResult {
  data: string | Record<string, unknown> | ArrayBuffer;
  statusCode: number;
  header: Record<string, string>;
}

/** `wx.request`'s options that the SDK sets. */
export interface WxRequestOption {
  url: string;
  method?: WxMethod;
  data?: string | Record<string, unknown>;
  header?: Record<string, string>;
  timeout?: number;
  dataType?: 'json';
  responseType?: 'text';
  success?: (result: WxRequestResult) => void;
  fail?: (failure: WxFailure) => void;
}

/** `wx.uploadFile`'s success result: the body is the server's text. */
export interface WxUploadResult {
  data: string;
  statusCode: number;
}

/** `UploadTask.onProgressUpdate`'s event. */
export interface WxUploadProgress {
  /** Percent, 0-100. */
  progress: number;
  totalBytesSent: number;
  totalBytesExpectedToSend: number;
}

/** `wx.uploadFile`'s options that the SDK sets. */
export interface WxUploadOption {
  url: string;
  filePath: string;
  name: string;
  header?: Record<string, string>;
  formData?: Record<string, string>;
  timeout?: number;
  success?: (result: WxUploadResult) => void;
  fail?: (failure: WxFailure) => void;
}

/** The task `wx.uploadFile` returns. */
export interface WxUploadTask {
  onProgressUpdate(listener: (event: WxUploadProgress) => void): void;
}

/** `wx.requestPayment`'s options: the five parameters our `POST /api/orders/:id/pay` answers. */
export interface WxPaymentOption {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
  success?: (result: WxFailure) => void;
  fail?: (failure: WxFailure) => void;
}

/** What the user chose for one template: `ban` (switched off in settings) and `filter` (bad template) show no popup. */
export type WxSubscribeChoice = 'accept' | 'reject' | 'ban' | 'filter';

/** `wx.requestSubscribeMessage`'s options. */
export interface WxSubscribeOption {
  tmplIds: string[];
  success?: (result: Record<string, string>) => void;
  fail?: (failure: WxFailure) => void;
}

/** `wx.login`'s options. */
export interface WxLoginOption {
  timeout?: number;
  success?: (result: { code: string; errMsg: string }) => void;
  fail?: (failure: WxFailure) => void;
}

/** The `wx` calls the SDK makes. */
export interface WxApi {
  request: (option: WxRequestOption) => unknown;
  uploadFile: (option: WxUploadOption) => WxUploadTask;
  login: (option: WxLoginOption) => unknown;
  requestPayment: (option: WxPaymentOption) => unknown;
  requestSubscribeMessage: (option: WxSubscribeOption) => unknown;
  getStorageSync: (key: string) => unknown;
  setStorageSync: (key: string, data: unknown) => void;
  removeStorageSync: (key: string) => void;
}

// The mini-program's global `wx`, declared here only (no global declaration leaks to the SDK's users or tests).
declare const wx: WxApi | undefined;

/** The global `wx` of the mini-program, or undefined outside one. */
export function globalWx(): WxApi | undefined {
  return typeof wx === 'undefined' ? undefined : wx;
}
