import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, errors, JSONWebKeySet, jwtVerify } from 'jose';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { AppError } from '#libs/errors';
import { AccessTokenClaims, Principal } from './principal';

/** Algorithms accepted for access tokens; anything else (including `none`) is refused. */
export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA'];

/** Verifies access tokens locally against the auth service's public keys (selected by `kid`). */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(@Inject(APP_CONFIG) private readonly config: ServiceEnv) {
    this.keys = createLocalJWKSet(JSON.parse(config.JWT_PUBLIC_KEYS) as JSONWebKeySet);
  }

  /** The principal a valid token names; AppError TOKEN_EXPIRED or TOKEN_INVALID otherwise. */
  async verify(token: string): Promise<Principal> {
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
      return { kind: payload.kind, id: payload.sub!, sessionId: payload.sid, roles: payload.roles };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'Access token has expired');
      throw new AppError('TOKEN_INVALID', 'Access token is invalid');
    }
  }
}
