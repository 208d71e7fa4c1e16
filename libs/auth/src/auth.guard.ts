import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { AppError } from '#libs/errors';
import { currentRequestContext } from '#libs/logging';
import { AccessTokenVerifier } from './access-token-verifier';
import { AuthenticatedRequest, ROUTE_ACCESS, RouteAccess } from './auth.decorators';
import { bearerTokenOf } from './bearer-token';
import { Principal, staffRefused } from './principal';
import { SessionRevocations } from './session-revocations';
import { SIGNED_LINKS, SignedLinkRequest, SignedLinkVerifier } from './signed-links';

const DEFAULT_ACCESS: RouteAccess = { mode: 'caller' };

/**
 * Global guard: every HTTP route needs a valid, unrevoked access token unless its {@link RouteAccess}
 * (`@Authenticated()`, `@Public()`, `@Roles()`) says otherwise. The one place tokens are read.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private signedLinks?: SignedLinkVerifier;

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: SessionRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]) ?? DEFAULT_ACCESS;
    if (access.mode === 'anyone') return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const optional = access.mode === 'optional' || access.mode === 'signed-link';
    const principal = optional && request.headers.authorization === undefined ? undefined : await this.callerOf(request.headers.authorization);
    if (access.mode === 'users' && principal?.kind !== 'user') throw staffRefused();
    if (access.mode === 'staff' && (principal?.kind !== 'staff' || !principal.roles.some((role) => access.roles.includes(role)))) {
      throw new AppError('FORBIDDEN', 'This route is for staff with another role');
    }
    if (access.mode === 'signed-link') request.signedLink = this.signedLinkVerifier().verify(signedLinkRequestOf(request));
    if (principal) {
      request.principal = principal;
      const requestContext = currentRequestContext();
      if (requestContext) requestContext.userId = principal.id;
    }
    return true;
  }

  /** The principal a sent Authorization header names: 401 unless it is a valid token of a session still open. */
  private async callerOf(header: string | undefined): Promise<Principal> {
    const token = bearerTokenOf(header);
    if (!token) {
      throw new AppError(
        'UNAUTHENTICATED',
        header === undefined ? 'An access token is required (Authorization: Bearer <token>)' : 'The Authorization header must be "Bearer <token>"',
      );
    }
    const principal = await this.verifier.verify(token);
    if (await this.revocations.isRevoked(principal.sessionId)) throw new AppError('SESSION_REVOKED', 'This session has been signed out');
    return principal;
  }

  private signedLinkVerifier(): SignedLinkVerifier {
    this.signedLinks ??= this.moduleRef.get<SignedLinkVerifier>(SIGNED_LINKS, { strict: false });
    return this.signedLinks;
  }
}

function stringsOf(values: unknown): Record<string, string | undefined> {
  const strings: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values ?? {})) if (typeof value === 'string') strings[name] = value;
  return strings;
}

function signedLinkRequestOf(request: AuthenticatedRequest): SignedLinkRequest {
  return { params: stringsOf(request.params), query: stringsOf(request.query) };
}
