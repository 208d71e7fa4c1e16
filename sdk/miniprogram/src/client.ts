import type { LoginResult, Upload, UserProfile } from './contract';
import { ApiError, errorFromReply } from './errors';
import type { ApiPath, BodyOf, MethodOf, PathParamsOf, QueryOf, ReplyOf, TakesIdempotencyKey } from './operations';
import { LoggedOutEvent, SessionKeeper, StoredSession, loggedOut } from './session';
import { HttpMethod, HttpReply, delay, newId, queryString, send, upload } from './transport';
import { WxApi, WxUploadProgress, globalWx } from './wx';

/** How a client is set up. Only `baseUrl` is required. */
export interface ClientOptions {
  /** The API's origin, e.g. `https://api.example.com` (a "request legal domain" of the mini-program); no trailing `/api`. */
  baseUrl: string;
  /** Per request (ms); default 10000. */
  timeoutMs?: number;
  /** Per upload (ms); default 60000. */
  uploadTimeoutMs?: number;
  /** Extra attempts of a keyed write or a read after a network failure, timeout or 502/503/504; default 2. */
  retries?: number;
  /** Wait before the first retry (ms), doubled for each next one; default 400. */
  retryDelayMs?: number;
  /** Where the tokens are kept with `wx.setStorageSync`; default `miniprogram-backend:session`. */
  storageKey?: string;
  /** Refresh this long before the access token expires by the phone's clock (ms); default 30000. */
  refreshLeewayMs?: number;
  /** Called once each time the session ends (refresh refused, session revoked, logout). */
  onLoggedOut?: (event: LoggedOutEvent) => void;
  /** The `wx` object; default the mini-program's global `wx` (tests pass a stand-in). */
  wx?: WxApi;
}

/** One API call. */
export interface CallOptions {
  /** Default GET, or POST with a body. PATCH is sent as POST with `X-HTTP-Method-Override: PATCH` (`wx.request` has no PATCH). */
  method?: HttpMethod;
  query?: object;
  body?: object;
  /** Send the session's token (default true; the call still goes without one when logged out). */
  auth?: boolean;
  /** For writes that take one: retried on network failure with this same key. */
  idempotencyKey?: string;
  /** Retry on network failure/timeout/502-504: default for GET and keyed writes. */
  retry?: boolean;
}

/** Options of `uploadFile`. */
export interface UploadOptions {
  /** Progress of the bytes sent (`UploadTask.onProgressUpdate`). */
  onProgress?: (event: WxUploadProgress) => void;
  /** Staff only: a file anyone may read (product images, banners). */
  public?: boolean;
  /** Extra multipart fields. */
  formData?: Record<string, string>;
}

/** What `request()` takes for one route of the API; `idempotencyKey` is required where the route takes one. */
export type RouteInit<P extends ApiPath, M extends MethodOf<P>> = {
  /** The `{placeholders}` of the path. */
  params?: PathParamsOf<P, M>;
  query?: QueryOf<P, M>;
  body?: BodyOf<P, M>;
  auth?: boolean;
} & (TakesIdempotencyKey<P, M> extends true ? { idempotencyKey: string } : { idempotencyKey?: undefined });

type RouteArgs<P extends ApiPath, M extends MethodOf<P>> = TakesIdempotencyKey<P, M> extends true ? [init: RouteInit<P, M>] : [init?: RouteInit<P, M>];

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** The core of the SDK: the session, and every call with its token, request id, refresh and retries. */
export class ApiClient {
  readonly wx: WxApi;
  readonly session: SessionKeeper;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private loggingIn: Promise<LoginResult> | null = null;

  constructor(options: ClientOptions) {
    const wx = options.wx ?? globalWx();
    if (!wx) throw new Error('No wx object: run inside a mini-program or pass options.wx');
    if (!/^https?:\/\/[^/]+/.test(options.baseUrl)) throw new Error(`baseUrl must be an http(s) origin, not "${options.baseUrl}"`);
    this.wx = wx;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10000;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 60000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 400;
    this.session = new SessionKeeper(wx, options.storageKey ?? 'miniprogram-backend:session', options.refreshLeewayMs ?? 30000, (refreshToken) =>
      send(this.wx, this.httpRequest('POST', '/api/auth/refresh', { refreshToken }, {})),
    );
    if (options.onLoggedOut) this.session.onLoggedOut(options.onLoggedOut);
  }

  /** A fresh Idempotency-Key: make one per user action (a form's submit), and pass it again to repeat that action. */
  newIdempotencyKey(): string {
    return newId();
  }

  /** `wx.login`, then our login with its code; keeps the tokens. Concurrent calls share one login. */
  login(): Promise<LoginResult> {
    if (!this.loggingIn) {
      const loggingIn = this.wxLoginCode()
        .then((code) => this.call<LoginResult>('/api/auth/wechat/login', { method: 'POST', body: { code }, auth: false }))
        .then((result) => {
          this.session.save(result);
          return result;
        });
      const done = () => {
        if (this.loggingIn === loggingIn) this.loggingIn = null;
      };
      loggingIn.then(done, done);
      this.loggingIn = loggingIn;
    }
    return this.loggingIn;
  }

  /** Resolves at once when a session is stored, else logs in (`login()`): call it before the first call that needs the user. */
  async ensureLoggedIn(): Promise<void> {
    if (!this.session.current) await this.login();
  }

  /** Revokes the session on the server (best effort) and forgets it here. */
  async logout(): Promise<void> {
    const session = this.session.current;
    if (!session) return;
    try {
      await send(this.wx, this.httpRequest('POST', '/api/auth/logout', undefined, { authorization: `Bearer ${session.accessToken}` }));
    } catch {
      // Offline: the tokens are forgotten here anyway and expire on the server.
    }
    this.session.end({ reason: 'logout' });
  }

  /** True while tokens are stored (they may still be refused later). */
  isLoggedIn(): boolean {
    return this.session.current !== null;
  }

  /** The user of the stored session, as login, `auth.me()` or `auth.updateProfile()` last answered it, or null. */
  get user(): UserProfile | null {
    return this.session.current?.user ?? null;
  }

  /** Calls `listener` each time the session ends; returns the function that stops it. */
  onLoggedOut(listener: (event: LoggedOutEvent) => void): () => void {
    return this.session.onLoggedOut(listener);
  }

  /** Any API route: `path` starts with `/api/`; resolves with the reply's JSON (undefined for 204), rejects with ApiError. */
  async call<T>(path: string, options: CallOptions = {}): Promise<T> {
    const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
    const key = options.idempotencyKey;
    const retry = options.retry ?? (method === 'GET' || key !== undefined);
    const headers: Record<string, string> = key === undefined ? {} : { 'idempotency-key': key };
    const url = `${path}${queryString(options.query)}`;
    const reply = await this.withSession(options.auth !== false, (token) =>
      this.attempts(retry, () =>
        send(this.wx, this.httpRequest(method, url, options.body, token ? { ...headers, authorization: `Bearer ${token}` } : headers)),
      ),
    );
    return (reply.statusCode === 204 || reply.data === '' ? undefined : reply.data) as T;
  }

  /**
   * Any route of the OpenAPI document, typed by it: `request('post', '/api/orders/{id}/cancel', { params: { id } })`.
   * Routes that take an Idempotency-Key need `idempotencyKey` (one per user action: `newIdempotencyKey()`).
   * `patch` routes are sent as POST with `X-HTTP-Method-Override: PATCH`.
   */
  request<P extends ApiPath, M extends MethodOf<P>>(method: M, path: P, ...args: RouteArgs<P, M>): Promise<ReplyOf<P, M>> {
    const init: RouteInit<P, M> | undefined = args[0];
    const params = (init?.params ?? {}) as Record<string, string | number>;
    const url = (path as string).replace(/\{([^}]+)\}/g, (_, name: string) => {
      if (params[name] === undefined) throw new Error(`request(${method}, ${path}): params.${name} is missing`);
      return encodeURIComponent(String(params[name]));
    });
    return this.call<ReplyOf<P, M>>(url, {
      method: method.toUpperCase() as HttpMethod,
      ...(init?.query === undefined ? {} : { query: init.query }),
      ...(init?.body === undefined ? {} : { body: init.body }),
      ...(init?.auth === undefined ? {} : { auth: init.auth }),
      ...(init?.idempotencyKey === undefined ? {} : { idempotencyKey: init.idempotencyKey }),
    });
  }

  /** POST /api/uploads with `wx.uploadFile` (field `file`), progress events passed on. */
  uploadFile(filePath: string, options: UploadOptions = {}): Promise<Upload> {
    const url = `${this.baseUrl}/api/uploads${options.public === undefined ? '' : `?public=${String(options.public)}`}`;
    return this.withSession(true, (token) =>
      upload(this.wx, {
        url,
        filePath,
        name: 'file',
        headers: { 'x-request-id': newId(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(options.formData ? { formData: options.formData } : {}),
        timeoutMs: this.uploadTimeoutMs,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    ).then((reply) => reply.data as Upload);
  }

  /**
   * Runs `exchange` with the current token; on an expired or unknown access token, once more after the one refresh
   * every waiting call shares. A revoked session ends here (LOGGED_OUT). Resolves with a 2xx reply, else rejects.
   */
  private async withSession(auth: boolean, exchange: (token: string | undefined) => Promise<HttpReply>): Promise<HttpReply> {
    let token = auth ? await this.session.accessToken() : undefined;
    for (let renewed = false; ; renewed = true) {
      const reply = await exchange(token);
      if (reply.statusCode < 300) return reply;
      const error = errorFromReply(reply.statusCode, reply.data, reply.requestId);
      if (token !== undefined && reply.statusCode === 401) {
        if (error.code === 'SESSION_REVOKED') {
          if (this.session.current?.accessToken === token) this.session.end({ reason: 'session_revoked', error });
          throw loggedOut('The session was revoked: log in again', error);
        }
        if (!renewed && (error.code === 'TOKEN_EXPIRED' || error.code === 'TOKEN_INVALID')) {
          token = (await this.session.renew(token)).accessToken;
          continue;
        }
      }
      throw error;
    }
  }

  /** `exchange`, tried again (same request, same key) after a network failure, a timeout or a 502/503/504 or IDEMPOTENCY_IN_PROGRESS. */
  private async attempts(retry: boolean, exchange: () => Promise<HttpReply>): Promise<HttpReply> {
    for (let attempt = 0; ; attempt++) {
      const last = !retry || attempt >= this.retries;
      let reply: HttpReply;
      try {
        reply = await exchange();
      } catch (error) {
        if (last || !(error instanceof ApiError)) throw error;
        await delay(this.retryDelayMs * 2 ** attempt);
        continue;
      }
      const inProgress = reply.statusCode === 409 && (reply.data as { code?: unknown } | null)?.code === 'IDEMPOTENCY_IN_PROGRESS';
      if (last || !(RETRYABLE_STATUS.has(reply.statusCode) || inProgress)) return reply;
      await delay(this.retryDelayMs * 2 ** attempt);
    }
  }

  private httpRequest(method: HttpMethod, path: string, body: object | undefined, headers: Record<string, string>) {
    return {
      method,
      url: `${this.baseUrl}${path}`,
      headers: { ...headers, 'x-request-id': newId(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
      timeoutMs: this.timeoutMs,
    };
  }

  private wxLoginCode(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.wx.login({
        timeout: this.timeoutMs,
        success: (result) => resolve(result.code),
        fail: (failure) => reject(new ApiError({ statusCode: 0, code: 'WX_LOGIN_FAILED', message: 'wx.login failed', requestId: '', errMsg: failure.errMsg })),
      });
    });
  }
}

export type { LoggedOutEvent, StoredSession };
