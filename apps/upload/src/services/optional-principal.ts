import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessTokenVerifier, bearerTokenOf, Principal, SessionRevocations } from '#libs/auth';
import { AppError } from '#libs/errors';

/**
 * The caller of a route open to anyone (public files, signed links) when it sent a token: verified and
 * checked against revocations exactly like the global guard does; a bad token is refused, not ignored.
 */
@Injectable()
export class OptionalPrincipal {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: SessionRevocations,
  ) {}

  async of(request: FastifyRequest): Promise<Principal | undefined> {
    const header = request.headers.authorization;
    if (header === undefined) return undefined;
    const token = bearerTokenOf(header);
    if (!token) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"');
    const principal = await this.verifier.verify(token);
    if (await this.revocations.isRevoked(principal.sessionId)) throw new AppError('SESSION_REVOKED', 'This session has been signed out');
    return principal;
  }
}
