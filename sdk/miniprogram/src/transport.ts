import { networkError, parseJson } from './errors';
import type { WxApi, WxMethod, WxUploadProgress } from './wx';

/** An HTTP answer of any status. */
export interface HttpReply {
  statusCode: number;
  data: unknown;
  /** X-Request-Id the server answered with, else the one the SDK sent. */
  requestId: string;
}

/** The methods of the API's routes: what `wx.request` sends, and PATCH, which it cannot (see `send`). */
export type HttpMethod = WxMethod | 'PATCH';

/** The header that makes the server route a POST as the PATCH it stands for. */
export const METHOD_OVERRIDE_HEADER = 'x-http-method-override';

/** One HTTP exchange as the SDK sends it. */
export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
  timeoutMs: number;
}

/** One multipart upload as `wx.uploadFile` sends it. */
export interface HttpUpload {
  url: string;
  filePath: string;
  /** The multipart field of the file (`file` for our API). */
  name: string;
  headers: Record<string, string>;
  formData?: Record<string, string>;
  timeoutMs: number;
  onProgress?: (event: WxUploadProgress) => void;
}

const randomChars = (length: number) => {
  let text = '';
  while (text.length < length) text += Math.random().toString(36).slice(2);
  return text.slice(0, length);
};

/** A fresh id: time-ordered, 24 characters of [0-9a-z-] (fits both X-Request-Id and Idempotency-Key). */
export function newId(): string {
  return `${Date.now().toString(36)}-${randomChars(15)}`;
}

const headerValue = (headers: Record<string, string> | undefined, name: string): string | undefined => {
  if (!headers) return undefined;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
};

/**
 * `wx.request` as a promise: resolves with every HTTP answer, rejects with an ApiError (NETWORK_ERROR / TIMEOUT) when
 * none came. `wx.request` has no PATCH: a PATCH goes as `POST` with `X-HTTP-Method-Override: PATCH`, which every
 * service routes as the PATCH.
 */
export function send(wx: WxApi, request: HttpRequest): Promise<HttpReply> {
  const requestId = request.headers['x-request-id'];
  const method = request.method;
  return new Promise((resolve, reject) => {
    wx.request({
      url: request.url,
      method: method === 'PATCH' ? 'POST' : method,
      header: method === 'PATCH' ? { ...request.headers, [METHOD_OVERRIDE_HEADER]: 'PATCH' } : request.headers,
      ...(request.body === undefined ? {} : { data: request.body }),
      timeout: request.timeoutMs,
      dataType: 'json',
      responseType: 'text',
      success: (result) => resolve({ statusCode: result.statusCode, data: result.data, requestId: headerValue(result.header, 'x-request-id') ?? requestId }),
      fail: (failure) => reject(networkError(failure.errMsg, requestId)),
    });
  });
}

/** `wx.uploadFile` as a promise, its progress events passed on; the answer's JSON text is parsed. */
export function upload(wx: WxApi, request: HttpUpload): Promise<HttpReply> {
  const requestId = request.headers['x-request-id'];
  return new Promise((resolve, reject) => {
    const task = wx.uploadFile({
      url: request.url,
      filePath: request.filePath,
      name: request.name,
      header: request.headers,
      ...(request.formData ? { formData: request.formData } : {}),
      timeout: request.timeoutMs,
      success: (result) => resolve({ statusCode: result.statusCode, data: parseJson(result.data) ?? result.data, requestId }),
      fail: (failure) => reject(networkError(failure.errMsg, requestId)),
    });
    const onProgress = request.onProgress;
    if (onProgress && task) task.onProgressUpdate((event) => onProgress(event));
  });
}

/** Resolves after `ms` (the mini-program's own setTimeout). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `?a=1&b=x` of the string, number and boolean values of `query` (others are left out), or ''. */
export function queryString(query: object | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
