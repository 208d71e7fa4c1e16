import type { components } from '../../../../sdk/miniprogram/src/api-types';
import { ApiError } from './api-error';
import { request } from './http-client';
import { clearSession, loadSession, saveSession, tokenKind } from './session-store';
import type { StaffSession } from './session-store';

type StaffLoginResult = components['schemas']['StaffLoginResultDto'];

/** Logs a staff member in (`POST /api/auth/admin/login`) and keeps the session; only a staff token is kept. */
export async function logIn(username: string, password: string): Promise<StaffSession> {
  const result = await request<StaffLoginResult>('POST', '/api/auth/admin/login', { body: { username, password }, anonymous: true });
  if (tokenKind(result.accessToken) !== 'staff') throw new ApiError(403, 'NOT_STAFF', 'not a staff token');
  const session = { accessToken: result.accessToken, refreshToken: result.refreshToken, staff: result.staff };
  saveSession(session);
  return session;
}

/** Ends the session on the server (`POST /api/auth/logout`) and here; leaving works even when the server cannot be reached. */
export async function logOut(): Promise<void> {
  try {
    if (loadSession()) await request<void>('POST', '/api/auth/logout');
  } catch {
    // The local session goes anyway: a staff member who clicked "log out" must end up logged out.
  } finally {
    clearSession();
  }
}

/** The stored session when it is a staff member's; any other token (a WeChat user's) is dropped. */
export function currentStaffSession(): StaffSession | null {
  const session = loadSession();
  if (!session) return null;
  if (tokenKind(session.accessToken) !== 'staff' || !session.staff) {
    clearSession();
    return null;
  }
  return session;
}
