import { AppError } from '#libs/errors';

/** Roles a staff account can hold. */
export type StaffRole = 'admin' | 'staff';

/** Who is calling: a mini-program user or a staff account, and the session the token belongs to. */
export interface Principal {
  kind: 'user' | 'staff';
  /** The user's or staff account's id. */
  id: string;
  sessionId: string;
  roles: StaffRole[];
}

/** Claims of an access token beyond the registered ones (`sub` is the principal's id). */
export interface AccessTokenClaims {
  sid: string;
  kind: Principal['kind'];
  roles: StaffRole[];
}

/** The 403 refusing staff on what only mini-program users do (buy, book, have a profile). */
export function staffRefused(): AppError {
  return new AppError('FORBIDDEN', 'This is for mini-program users; staff accounts use the admin routes');
}

/** The mini-program user behind `principal`; FORBIDDEN for a staff account. */
export function userIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw staffRefused();
  return principal.id;
}
