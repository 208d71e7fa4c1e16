import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { basename } from 'node:path';
import type {
  WxApi,
  WxLoginOption,
  WxPaymentOption,
  WxRequestOption,
  WxSubscribeOption,
  WxUploadOption,
  WxUploadProgress,
  WxUploadTask,
} from '../../sdk/miniprogram/src';

/** One HTTP exchange the shim made (or refused to make). */
export interface ShimCall {
  api: 'request' | 'uploadFile';
  method: string;
  /** Path and query, without the origin. */
  path: string;
  headers: Record<string, string>;
  /** The JSON body sent, parsed. */
  body?: unknown;
  /** The answer's status; 0 when the shim reported a network failure instead. */
  status: number;
  /** The answer's code when it was an error envelope. */
  code?: string;
}

/** A network failure the shim plays on the next request that matches. */
export interface ShimFault {
  match: (method: string, path: string) => boolean;
  /** `lost-answer`: the request reaches the server, its answer is dropped; `refused`: it never leaves the phone. */
  kind: 'lost-answer' | 'refused';
}

// wx.uploadFile labels the file by its extension; the server types it by its bytes.
const mimeOf = (path: string) => ({ jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' })[path.split('.').pop() ?? ''] ?? 'application/octet-stream';

// The methods wx.request takes; anything else (PATCH) fails without leaving the phone.
const WX_REQUEST_METHODS = new Set(['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT']);

const lowerCase = (headers: Record<string, string> = {}) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/**
 * The `wx` calls the SDK makes, over real HTTP from Node: `wx.request` with fetch, `wx.uploadFile` as a multipart
 * body written in chunks (with WeChat's progress events), storage in a Map (JSON copies, as WeChat stores them),
 * `wx.login` codes the WeChat sandbox maps to one openid, and `wx.requestPayment` playing the user paying in the
 * WeChat Pay sandbox. Like WeChat's, `wx.request` refuses a method it does not have (PATCH). Every exchange is logged
 * (a refused one with status 0); faults drop answers or refuse connections on demand.
 */
export class WxShim implements WxApi {
  readonly storage = new Map<string, string>();
  readonly calls: ShimCall[] = [];
  readonly faults: ShimFault[] = [];
  /** The openid's name the sandbox makes from each `wx.login` code. */
  user = 'alice';
  /** What the user does in the payment sheet. */
  payment: 'pay' | 'cancel' = 'pay';
  /** What the user chooses in the subscribe popup, per template id. */
  subscribeAnswers: Record<string, string> = {};
  private codes = 0;

  constructor(private readonly sandboxUrl: string) {}

  /** The calls to `path` (without query) made with `method`. */
  callsTo(method: string, path: string): ShimCall[] {
    return this.calls.filter((call) => call.method === method && call.path.split('?')[0] === path);
  }

  login(option: WxLoginOption): void {
    // Each code works once in the sandbox; `<n>:<name>` always maps to openid `o<name>`.
    const code = `${Date.now()}${++this.codes}:${this.user}`;
    setImmediate(() => option.success?.({ code, errMsg: 'login:ok' }));
  }

  request(option: WxRequestOption): void {
    const url = new URL(option.url);
    const method = option.method ?? 'GET';
    const headers = lowerCase(option.header);
    const body = option.data === undefined ? undefined : typeof option.data === 'string' ? option.data : JSON.stringify(option.data);
    const call: ShimCall = { api: 'request', method, path: `${url.pathname}${url.search}`, headers, status: 0 };
    if (body !== undefined) call.body = JSON.parse(body);
    this.calls.push(call);
    if (!WX_REQUEST_METHODS.has(method)) {
      setImmediate(() => option.fail?.({ errMsg: `request:fail parameter error: parameter.method should be one of ${[...WX_REQUEST_METHODS].join(', ')}` }));
      return;
    }
    const fault = this.takeFault(method, call.path);
    if (fault?.kind === 'refused') {
      setImmediate(() => option.fail?.({ errMsg: 'request:fail net::ERR_CONNECTION_REFUSED' }));
      return;
    }
    fetch(option.url, { method, headers, body, signal: AbortSignal.timeout(option.timeout ?? 60000) }).then(
      async (response) => {
        const text = await response.text();
        let data: string | Record<string, unknown> = text;
        try {
          if (option.dataType === 'json' && text) data = JSON.parse(text);
        } catch {
          // wx.request hands over the text when the answer is not JSON.
        }
        if (fault?.kind === 'lost-answer') return option.fail?.({ errMsg: 'request:fail timeout' });
        call.status = response.status;
        if (typeof data === 'object' && typeof data.code === 'string') call.code = data.code;
        option.success?.({ data, statusCode: response.status, header: Object.fromEntries(response.headers) });
      },
      (error: Error) => option.fail?.({ errMsg: `request:fail ${error.name === 'TimeoutError' ? 'timeout' : error.message}` }),
    );
  }

  uploadFile(option: WxUploadOption): WxUploadTask {
    const listeners: ((event: WxUploadProgress) => void)[] = [];
    const url = new URL(option.url);
    const headers = lowerCase(option.header);
    const call: ShimCall = { api: 'uploadFile', method: 'POST', path: `${url.pathname}${url.search}`, headers, status: 0 };
    this.calls.push(call);
    const boundary = `----WxShimBoundary${Date.now()}`;
    const parts = Object.entries(option.formData ?? {}).map(
      ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    );
    const file = readFileSync(option.filePath);
    const body = Buffer.concat([
      Buffer.from(
        `${parts.join('')}--${boundary}\r\nContent-Disposition: form-data; name="${option.name}"; filename="${basename(option.filePath)}"\r\nContent-Type: ${mimeOf(option.filePath)}\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: call.path,
        method: 'POST',
        headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
        timeout: option.timeout ?? 60000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          call.status = res.statusCode ?? 0;
          option.success?.({ data: text, statusCode: res.statusCode ?? 0 });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => option.fail?.({ errMsg: `uploadFile:fail ${error.message}` }));
    const chunk = 32 * 1024;
    let sent = 0;
    const next = () => {
      if (sent >= body.length) return void req.end();
      const piece = body.subarray(sent, sent + chunk);
      req.write(piece, () => {
        sent += piece.length;
        const event = { progress: Math.floor((sent / body.length) * 100), totalBytesSent: sent, totalBytesExpectedToSend: body.length };
        for (const listener of listeners) listener(event);
        setImmediate(next);
      });
    };
    // wx.uploadFile starts after the caller had the chance to subscribe to the task's events.
    setImmediate(next);
    return { onProgressUpdate: (listener) => void listeners.push(listener) };
  }

  requestPayment(option: WxPaymentOption): void {
    if (this.payment === 'cancel') {
      setImmediate(() => option.fail?.({ errMsg: 'requestPayment:fail cancel' }));
      return;
    }
    const prepayId = option.package.replace(/^prepay_id=/, '');
    fetch(`${this.sandboxUrl}/sandbox/pay/${prepayId}`, { method: 'POST' })
      .then((response) => response.json() as Promise<{ notified?: boolean }>)
      .then(
        (paid) => (paid.notified ? option.success?.({ errMsg: 'requestPayment:ok' }) : option.fail?.({ errMsg: 'requestPayment:fail notify' })),
        (error: Error) => option.fail?.({ errMsg: `requestPayment:fail ${error.message}` }),
      );
  }

  requestSubscribeMessage(option: WxSubscribeOption): void {
    const answers = Object.fromEntries(option.tmplIds.map((id) => [id, this.subscribeAnswers[id] ?? 'reject']));
    setImmediate(() => option.success?.({ errMsg: 'requestSubscribeMessage:ok', ...answers }));
  }

  getStorageSync(key: string): unknown {
    const text = this.storage.get(key);
    return text === undefined ? '' : JSON.parse(text);
  }

  setStorageSync(key: string, data: unknown): void {
    this.storage.set(key, JSON.stringify(data));
  }

  removeStorageSync(key: string): void {
    this.storage.delete(key);
  }

  private takeFault(method: string, path: string): ShimFault | undefined {
    const index = this.faults.findIndex((fault) => fault.match(method, path));
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }
}
