import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal, StaffRole, userIdOf } from './principal';

/** Metadata key holding a route's {@link RouteAccess}; the handler's overrides its controller's. */
export const ROUTE_ACCESS = 'auth:access';

/**
 * Who may call a route, as the auth guard enforces it:
 * - `anyone`: no token needed, and one sent is not looked at;
 * - `optional`: a token is optional, but one sent is verified and checked for revocation (a bad one is 401);
 * - `signed-link`: like `optional`, and the app's {@link SignedLinkVerifier} reads the signed link the request carries;
 * - `caller`: any valid token (the default of every route);
 * - `users`: a mini-program user's token (staff: 403);
 * - `staff`: a staff token holding one of `roles` (others: 403).
 */
export type RouteAccess = { mode: 'anyone' | 'optional' | 'signed-link' | 'caller' | 'users' } | { mode: 'staff'; roles: readonly StaffRole[] };

type Flags = { roles: readonly [StaffRole, ...StaffRole[]]; users: true; optional: true; signedLink: true };
type Only<K extends keyof Flags> = Pick<Flags, K> & { [P in Exclude<keyof Flags, K>]?: never };

/** Options of {@link Authenticated}: none (any valid token) or exactly one of them. */
export type AuthenticatedOptions = Only<'roles'> | Only<'users'> | Only<'optional'> | Only<'signedLink'> | { [P in keyof Flags]?: never };

/** The route-access mode that options name. */
export function routeAccessOf(options: AuthenticatedOptions): RouteAccess {
  if (options.roles) return { mode: 'staff', roles: options.roles };
  if (options.users) return { mode: 'users' };
  if (options.optional) return { mode: 'optional' };
  if (options.signedLink) return { mode: 'signed-link' };
  return { mode: 'caller' };
}

/** Who may call the route (on a controller or a handler; the handler's wins). Every route needs a valid token unless it says otherwise. */
export const Authenticated = (options: AuthenticatedOptions = {}) => SetMetadata(ROUTE_ACCESS, routeAccessOf(options));

/** The route is open to anyone; a token sent is not looked at. */
export const Public = () => SetMetadata(ROUTE_ACCESS, { mode: 'anyone' } satisfies RouteAccess);

/** Shorthand for `@Authenticated({ roles })`: staff holding one of `roles`. */
export const Roles = (...roles: [StaffRole, ...StaffRole[]]) => Authenticated({ roles });

/** The verified caller (when a token was sent) and the valid signed link (on signed-link routes) of a request. */
export interface CallerAccess<Link = unknown> {
  principal?: Principal;
  signedLink?: Link;
}

/** Request augmented by the auth guard. */
export type AuthenticatedRequest = FastifyRequest & CallerAccess;

const requestOf = (context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>();

function principalOf(context: ExecutionContext): Principal {
  const principal = requestOf(context).principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without a required token');
  return principal;
}

/** Injects the verified caller of a route that requires a token. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => principalOf(context));

/** Injects the id of the mini-program user calling (403 FORBIDDEN for staff), see {@link userIdOf}. */
export const CurrentUserId = createParamDecorator((_data: unknown, context: ExecutionContext): string => userIdOf(principalOf(context)));

/** Injects the caller and signed link of an `optional` or `signed-link` route; either may be missing. */
export const CurrentAccess = createParamDecorator((_data: unknown, context: ExecutionContext): CallerAccess => {
  const { principal, signedLink } = requestOf(context);
  return { principal, signedLink };
});
