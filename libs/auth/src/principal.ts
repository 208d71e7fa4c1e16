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
