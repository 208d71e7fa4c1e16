import type { LoginResult, TokenPair, UserProfile } from './contract';
import { ApiError, errorFromReply } from './errors';
import type { HttpReply } from './transport';
import type { WxApi } from './wx';

/** The tokens the SDK keeps in `wx.setStorageSync` under its storage key. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires by the phone's clock (ms since the epoch). */
  accessExpiresAt: number;
  user: UserProfile | null;
}

/** Why the session ended. */
export type LoggedOutReason = 'refresh_refused' | 'session_revoked' | 'logout';

/** What `onLoggedOut` listeners get. */
export interface LoggedOutEvent {
  reason: LoggedOutReason;
  /** The server's refusal, for `refresh_refused` and `session_revoked`. */
  error?: ApiError;
}

const isSession = (value: unknown): value is StoredSession =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StoredSession).accessToken === 'string' &&
  typeof (value as StoredSession).refreshToken === 'string' &&
  typeof (value as StoredSession).accessExpiresAt === 'number';

/** Codes of a refresh the server refused for good (any other failure keeps the session for a later try). */
const REFUSALS = new Set(['REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED', 'SESSION_REVOKED', 'UNAUTHENTICATED', 'VALIDATION_FAILED']);

/**
 * The session's tokens, in memory and in the mini-program's storage, and their renewal: one refresh at a time for
 * every call waiting on it (refresh tokens rotate, and re-using a rotated one revokes the session).
 */
export class SessionKeeper {
  private session: StoredSession | null;
  private refreshing: Promise<StoredSession> | null = null;
  private readonly listeners: ((event: LoggedOutEvent) => void)[] = [];

  constructor(
    private readonly wx: WxApi,
    private readonly storageKey: string,
    /** Refresh this long before the access token's expiry by the phone's clock (ms). */
    private readonly leewayMs: number,
    /** POST /api/auth/refresh without the session's token. */
    private readonly postRefresh: (refreshToken: string) => Promise<HttpReply>,
  ) {
    let stored: unknown;
    try {
      stored = wx.getStorageSync(storageKey);
    } catch {
      stored = undefined;
    }
    this.session = isSession(stored) ? stored : null;
  }

  /** The stored session, or null. */
  get current(): StoredSession | null {
    return this.session;
  }

  /** Keeps a login's or refresh's tokens (and the user, when given). */
  save(tokens: TokenPair | LoginResult, user?: UserProfile | null): StoredSession {
    const session: StoredSession = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessExpiresAt: Date.now() + tokens.expiresIn * 1000,
      user: 'user' in tokens ? tokens.user : (user ?? this.session?.user ?? null),
    };
    this.session = session;
    this.wx.setStorageSync(this.storageKey, session);
    return session;
  }

  /** Keeps the profile the server just answered as the session's user (only when it is that session's user). */
  saveUser(user: UserProfile): void {
    const session = this.session;
    if (!session || (session.user !== null && session.user.id !== user.id)) return;
    this.session = { ...session, user };
    this.wx.setStorageSync(this.storageKey, this.session);
  }

  /** Forgets the tokens; tells the listeners why. */
  end(event: LoggedOutEvent): void {
    const had = this.session !== null;
    this.session = null;
    try {
      this.wx.removeStorageSync(this.storageKey);
    } catch {
      // Storage unavailable: the in-memory session is gone anyway.
    }
    if (!had) return;
    for (const listener of this.listeners.slice()) {
      try {
        listener(event);
      } catch {
        // A listener's own error must not break the call that ended the session.
      }
    }
  }

  /** Calls `listener` each time the session ends; returns the function that stops it. */
  onLoggedOut(listener: (event: LoggedOutEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /** The access token to send now (refreshed first when it has expired by the clock or a refresh is under way), or undefined without a session. */
  async accessToken(): Promise<string | undefined> {
    if (this.refreshing) return (await this.refreshing).accessToken;
    const session = this.session;
    if (!session) return undefined;
    if (Date.now() >= session.accessExpiresAt - this.leewayMs) return (await this.renew(session.accessToken)).accessToken;
    return session.accessToken;
  }

  /**
   * A session whose access token is newer than `rejected`: the current one if a refresh already replaced it, the
   * refresh under way if there is one, else a new refresh. Rejects with LOGGED_OUT when the server refuses it.
   */
  renew(rejected: string): Promise<StoredSession> {
    if (this.refreshing) return this.refreshing;
    const session = this.session;
    if (!session) return Promise.reject(loggedOut('There is no session to refresh: call login()'));
    if (session.accessToken !== rejected) return Promise.resolve(session);
    const refreshing = this.refresh(session);
    this.refreshing = refreshing;
    const done = () => {
      if (this.refreshing === refreshing) this.refreshing = null;
    };
    refreshing.then(done, done);
    return refreshing;
  }

  private async refresh(session: StoredSession): Promise<StoredSession> {
    const reply = await this.postRefresh(session.refreshToken);
    // A login() while the refresh was under way made a newer session: keep that one.
    if (reply.statusCode === 200) return this.session === session ? this.save(reply.data as TokenPair, session.user) : (this.session ?? session);
    const error = errorFromReply(reply.statusCode, reply.data, reply.requestId);
    if (reply.statusCode === 401 || REFUSALS.has(error.code)) {
      // Only the session that was refreshed ends: a login() meanwhile has its own.
      if (this.session === session) this.end({ reason: 'refresh_refused', error });
      throw loggedOut(`The session has ended (${error.code}): log in again`, error);
    }
    throw error;
  }
}

/** The LOGGED_OUT error every waiting call rejects with. */
export function loggedOut(message: string, cause?: ApiError): ApiError {
  return new ApiError({ statusCode: 401, code: 'LOGGED_OUT', message, requestId: cause?.requestId ?? '' });
}
