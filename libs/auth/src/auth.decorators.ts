import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal, StaffRole } from './principal';

/** Metadata key marking routes that need no access token. */
export const PUBLIC_ROUTE = 'auth:public';
/** Metadata key listing the staff roles a route accepts. */
export const REQUIRED_ROLES = 'auth:roles';

/** The route is open to anyone (no access token). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The route needs a staff token holding one of `roles`. */
export const Roles = (...roles: StaffRole[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Request augmented with the verified caller. */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** Injects the verified caller of a guarded route. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without the auth guard');
  return principal;
});
