/** Injection token of the app's {@link SignedLinkVerifier}, needed by apps with `@Authenticated({ signedLink: true })` routes. */
export const SIGNED_LINKS = Symbol('SIGNED_LINKS');

/** The parts of a request a signed link is read from (string values only; a repeated query parameter is left out). */
export interface SignedLinkRequest {
  params: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
}

/** Checks the signed link a request carries; the signature scheme is the app's. */
export interface SignedLinkVerifier<Link = unknown> {
  /** The link, when the request carries a valid, unexpired one; undefined otherwise (the route then treats it as not sent). */
  verify(request: SignedLinkRequest): Link | undefined;
}
