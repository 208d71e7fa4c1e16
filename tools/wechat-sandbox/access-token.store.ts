import { randomBytes } from 'node:crypto';
import { SandboxReply, wechatError } from './wechat-api';

/** How long a stable token replaced by `force_refresh` keeps working. */
const STABLE_TOKEN_OVERLAP_MS = 5 * 60 * 1000;

interface IssuedToken {
  value: string;
  expiresAt: number;
  /** Set once a newer token replaced this one; from then on it answers 40001. */
  supersededAt?: number;
}

/** A token as WeChat hands it out. */
export interface AccessTokenGrant {
  access_token: string;
  expires_in: number;
}

/**
 * The access tokens of the sandbox's one app. Stable tokens (`/cgi-bin/stable_token`) and plain
 * tokens (`/cgi-bin/token`) are separate lines, as on WeChat: issuing one never touches the other.
 */
export class AccessTokenStore {
  private readonly issued = new Map<string, IssuedToken>();
  private currentStable?: IssuedToken;
  private currentPlain?: IssuedToken;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The current stable token while it is valid, or undefined. */
  validStable(): AccessTokenGrant | undefined {
    const current = this.currentStable;
    return current && current.expiresAt > this.now() ? this.grant(current) : undefined;
  }

  /** A new stable token; the one it replaces keeps working for five minutes. */
  issueStable(): AccessTokenGrant {
    const previous = this.currentStable;
    this.currentStable = this.issue();
    if (previous) previous.supersededAt = Math.min(previous.expiresAt, this.now() + STABLE_TOKEN_OVERLAP_MS);
    return this.grant(this.currentStable);
  }

  /** A new plain token; the previous plain token stops working at once. */
  issuePlain(): AccessTokenGrant {
    const previous = this.currentPlain;
    this.currentPlain = this.issue();
    if (previous) previous.supersededAt = this.now();
    return this.grant(this.currentPlain);
  }

  /** Undefined when `value` may call an API, else the errcode reply WeChat would give. */
  reject(value: string | undefined): SandboxReply | undefined {
    if (!value) return wechatError(41001, 'access_token missing');
    const token = this.issued.get(value);
    const now = this.now();
    if (!token || (token.supersededAt !== undefined && token.supersededAt <= now)) {
      return wechatError(40001, 'invalid credential, access_token is invalid or not latest');
    }
    if (token.expiresAt <= now) return wechatError(42001, 'access_token expired');
    return undefined;
  }

  clear(): void {
    this.issued.clear();
    this.currentStable = undefined;
    this.currentPlain = undefined;
  }

  private issue(): IssuedToken {
    const token = { value: randomBytes(96).toString('base64url'), expiresAt: this.now() + this.ttlMs };
    this.issued.set(token.value, token);
    return token;
  }

  private grant(token: IssuedToken): AccessTokenGrant {
    return { access_token: token.value, expires_in: Math.ceil((token.expiresAt - this.now()) / 1000) };
  }
}
