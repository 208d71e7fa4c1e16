import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '#libs/errors';
import { currentRequestContext } from '#libs/logging';
import { AccessTokenVerifier } from './access-token-verifier';
import { AuthenticatedRequest, PUBLIC_ROUTE, REQUIRED_ROLES } from './auth.decorators';
import { bearerTokenOf } from './bearer-token';
import { StaffRole } from './principal';
import { SessionRevocations } from './session-revocations';

/** Global guard: every HTTP route needs a valid, unrevoked access token unless marked @Public(); @Roles() narrows to staff roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: SessionRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerTokenOf(request.headers.authorization);
    if (!token) throw new AppError('UNAUTHENTICATED', 'An access token is required (Authorization: Bearer <token>)');
    const principal = await this.verifier.verify(token);
    if (await this.revocations.isRevoked(principal.sessionId)) throw new AppError('SESSION_REVOKED', 'This session has been signed out');

    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && (principal.kind !== 'staff' || !principal.roles.some((role) => roles.includes(role)))) {
      throw new AppError('FORBIDDEN', 'This route is for staff with another role');
    }
    request.principal = principal;
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.userId = principal.id;
    return true;
  }
}
