import type { components } from '../../../../sdk/miniprogram/src/api-types';
import { ApiError } from './api-error';
import { clearSession, loadSession, saveSession } from './session-store';

type TokenPair = components['schemas']['TokenPairDto'];

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sent without the bearer token (the login itself). */
  anonymous?: boolean;
}

/** Called once a session can no longer be renewed: the router sends the staff member back to the login page. */
let onSessionLost: (reason: ApiError) => void = () => undefined;

export function whenSessionLost(handler: (reason: ApiError) => void): void {
  onSessionLost = handler;
}

export function withQuery(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function send(method: string, url: string, body: unknown, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'network error');
  }
}

/** One refresh at a time: calls that meet an expired token together wait for the same new pair. */
let refreshing: Promise<string> | null = null;

/** Trades the refresh token for a new pair (`POST /api/auth/refresh`); the session is dropped when that fails. */
export function refreshAccessToken(): Promise<string> {
  refreshing ??= (async () => {
    const session = loadSession();
    if (!session) throw new ApiError(401, 'UNAUTHENTICATED', 'no session');
    const response = await send('POST', '/api/auth/refresh', { refreshToken: session.refreshToken }, undefined);
    const body = await readBody(response);
    if (!response.ok) throw ApiError.fromBody(response.status, body);
    const pair = body as TokenPair;
    saveSession({ ...session, accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    return pair.accessToken;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

const SESSION_ENDED = new Set(['TOKEN_INVALID', 'SESSION_REVOKED', 'UNAUTHENTICATED', 'REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED']);

function loseSession(error: ApiError): never {
  clearSession();
  onSessionLost(error);
  throw error;
}

/**
 * Calls the API with the staff member's bearer token. A 401 TOKEN_EXPIRED is renewed once through the refresh token and
 * the call sent again; when the session cannot be renewed it is dropped and the login page shown. Any other failure is
 * an {@link ApiError} carrying the envelope's code.
 */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const url = withQuery(path, options.query);
  const token = options.anonymous ? undefined : loadSession()?.accessToken;
  let response = await send(method, url, options.body, token);
  let body = await readBody(response);
  if (response.status === 401 && !options.anonymous) {
    const error = ApiError.fromBody(response.status, body);
    if (error.code !== 'TOKEN_EXPIRED') return loseSession(error);
    let renewed: string;
    try {
      renewed = await refreshAccessToken();
    } catch (refreshError) {
      if (refreshError instanceof ApiError && (refreshError.status === 401 || SESSION_ENDED.has(refreshError.code))) return loseSession(refreshError);
      throw refreshError;
    }
    response = await send(method, url, options.body, renewed);
    body = await readBody(response);
    if (response.status === 401) return loseSession(ApiError.fromBody(response.status, body));
  }
  if (!response.ok) throw ApiError.fromBody(response.status, body);
  return body as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};
