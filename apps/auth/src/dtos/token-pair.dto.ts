/** The tokens a client holds for one session. */
export class TokenPairDto {
  /** A JWT for `Authorization: Bearer <accessToken>`. */
  accessToken: string;

  /** Opaque; trade it at POST /api/auth/refresh for a new pair. Each one works once. */
  refreshToken: string;

  /**
   * Seconds until the access token expires.
   * @example 900
   */
  expiresIn: number;
}
