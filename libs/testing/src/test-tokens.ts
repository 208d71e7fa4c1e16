import { importPKCS8, SignJWT } from 'jose';

/** What a hand-made access token says; every field has a default that the services accept. */
export interface TestTokenOptions {
  /** `sub`: the user's or staff account's id. */
  subject?: string;
  sessionId?: string;
  kind?: unknown;
  roles?: unknown;
  kid?: string;
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch; default five minutes from now. */
  expiresAt?: number;
  issuedAt?: number;
  /** Extra or replacing claims, e.g. `{ sid: undefined }` to leave one out. */
  claims?: Record<string, unknown>;
}

/** Signs an access token with `privateKeyPem` (Ed25519) the way the auth service does, so tests can vary one thing at a time. */
export async function signTestToken(privateKeyPem: string, options: TestTokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    sub: options.subject ?? '01TESTSUBJECT0000000000000',
    sid: options.sessionId ?? '01TESTSESSION0000000000000',
    kind: options.kind ?? 'user',
    roles: options.roles ?? [],
    iss: options.issuer ?? 'miniprogram-auth',
    aud: options.audience ?? 'miniprogram-api',
    iat: options.issuedAt ?? now,
    exp: options.expiresAt ?? now + 300,
    ...options.claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const header = { alg: 'EdDSA', typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) };
  return new SignJWT(payload).setProtectedHeader(header).sign(await importPKCS8(privateKeyPem, 'EdDSA'));
}
