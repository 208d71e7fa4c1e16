import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, errors, JSONWebKeySet, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { AppError } from '#libs/errors';
import { AccessTokenClaims, Principal } from './principal';

/** Algorithms accepted for access tokens; anything else (including `none`) is refused. */
export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA'];

/** Tokens a replica remembers as verified: a user's requests come with the same token for its whole life. */
const VERIFIED_TOKENS = 2000;

/**
 * Verifies access tokens locally against the auth service's public keys (selected by `kid`). A token once verified is
 * remembered (the whole token, signature included, is the key) until it expires: checking its signature again was the
 * largest single cost of an authenticated request (docs/performance.md, "Orders"). Revocation is not remembered here;
 * the guard asks for it on every request.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;
  private readonly verified = new LRUCache<string, Principal>({ max: VERIFIED_TOKENS });

  constructor(@Inject(APP_CONFIG) private readonly config: ServiceEnv) {
    this.keys = createLocalJWKSet(JSON.parse(config.JWT_PUBLIC_KEYS) as JSONWebKeySet);
  }

  /** The principal a valid token names; AppError TOKEN_EXPIRED or TOKEN_INVALID otherwise. */
  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, this.keys, {
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (typeof payload.sid !== 'string' || (payload.kind !== 'user' && payload.kind !== 'staff') || !Array.isArray(payload.roles)) {
        throw new AppError('TOKEN_INVALID', 'Access token is invalid');
      }
      // Frozen: the one object is handed to every request that comes with this token.
      const principal: Principal = Object.freeze({
        kind: payload.kind,
        id: payload.sub!,
        sessionId: payload.sid,
        roles: Object.freeze([...payload.roles]) as Principal['roles'],
      });
      this.verified.set(token, principal, { ttl: payload.exp! * 1000 - Date.now() });
      return principal;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'Access token has expired');
      throw new AppError('TOKEN_INVALID', 'Access token is invalid');
    }
  }
}
