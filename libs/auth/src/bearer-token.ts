/** `Authorization: Bearer <jwt>`; the scheme is case-insensitive (RFC 7235), the token is three base64url parts. */
const BEARER = /^bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/** The access token an Authorization header carries, or undefined when it carries none in the Bearer form. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}
