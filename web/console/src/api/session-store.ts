import type { components } from '../../../../sdk/miniprogram/src/api-types';

export type StaffAccount = components['schemas']['StaffAccountDto'];

/** A staff member's login: the token pair and who they are. Kept in localStorage so a reload keeps the session. */
export interface StaffSession {
  accessToken: string;
  refreshToken: string;
  staff: StaffAccount;
}

const KEY = 'console.session';

export function loadSession(): StaffSession | null {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as StaffSession | null;
    return stored && typeof stored.accessToken === 'string' && typeof stored.refreshToken === 'string' ? stored : null;
  } catch {
    return null;
  }
}

export function saveSession(session: StaffSession): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

/** The `kind` claim of an access token ('staff' or 'user'), read without checking the signature: the API checks it. */
export function tokenKind(accessToken: string): string | undefined {
  try {
    const payload = accessToken.split('.')[1].replaceAll('-', '+').replaceAll('_', '/');
    const claims = JSON.parse(atob(payload)) as { kind?: unknown };
    return typeof claims.kind === 'string' ? claims.kind : undefined;
  } catch {
    return undefined;
  }
}
