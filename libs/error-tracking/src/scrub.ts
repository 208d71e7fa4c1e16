/** Keys whose values never leave the process: credentials, tokens, WeChat codes and session keys, signatures. */
const SECRET_KEY = /pass(word)?|secret|token|authori[sz]ation|cookie|session_?key|api[_-]?key|private|signature|^sig$|^code$|js_code|credential|phone/i;
const FILTERED = '[Filtered]';

/** Secrets that show up inside text: bearer tokens, JWTs, and secret-named query parameters. */
const TEXT_PATTERNS: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, `Bearer ${FILTERED}`],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, FILTERED],
  [/\b(access_token|refresh_?token|token|secret|js_code|code|password|sig|signature|session_key)=[^&\s"']+/gi, `$1=${FILTERED}`],
  [/("?(?:password|secret|refreshToken|accessToken|token|session_key)"?\s*[:=]\s*)"[^"]*"/gi, `$1"${FILTERED}"`],
];

/** `text` with bearer tokens, JWTs and secret query parameters or JSON fields replaced by [Filtered]. */
export function scrubText(text: string): string {
  return TEXT_PATTERNS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** A deep copy of `value` with secret-named keys filtered and secrets inside strings removed (cycles cut). */
export function scrubValue<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (!value || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]' as T;
  seen.add(value);
  if (Array.isArray(value)) return (value as unknown[]).map((item) => scrubValue(item, seen)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    copy[key] = SECRET_KEY.test(key) && item !== null && item !== undefined && typeof item !== 'object' ? FILTERED : scrubValue(item, seen);
  return copy as T;
}
