import type { Principal } from '#libs/auth';
import { AppError } from '#libs/errors';

/** The user behind a mini-program route; staff accounts do not buy or book. */
export function userIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Staff accounts cannot do this; use the admin routes');
  return principal.id;
}
