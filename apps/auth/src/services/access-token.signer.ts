import { Inject, Injectable } from '@nestjs/common';
import { importPKCS8, SignJWT } from 'jose';
import { AccessTokenClaims, Principal } from '#libs/auth';
import { APP_CONFIG } from '#libs/config';
import { AuthEnv } from '../config/auth-env';

/** Signs access tokens with the auth service's private Ed25519 key, naming the key by `kid` so keys can rotate. */
@Injectable()
export class AccessTokenSigner {
  private readonly key: ReturnType<typeof importPKCS8>;

  constructor(@Inject(APP_CONFIG) private readonly config: AuthEnv) {
    this.key = importPKCS8(config.JWT_PRIVATE_KEY, 'EdDSA');
  }

  get ttlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  async sign(principal: Principal): Promise<string> {
    const claims: AccessTokenClaims = { sid: principal.sessionId, kind: principal.kind, roles: principal.roles };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.config.JWT_KEY_ID, typ: 'JWT' })
      .setSubject(principal.id)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.config.ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(await this.key);
  }
}
