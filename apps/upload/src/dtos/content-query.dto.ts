import { IsIn, Matches } from 'class-validator';
import { Optional } from '#libs/contracts';

/** GET /api/uploads/:id/content and GET /api/uploads/:id */
export class ContentQueryDto {
  /** `thumb`: the thumbnail (the original until it is made, or for files that have none). Ignored by GET /api/uploads/:id. */
  @Optional()
  @IsIn(['original', 'thumb'])
  variant?: 'original' | 'thumb';

  /**
   * Expiry (epoch seconds) of a signed private link, as the upload's `url` carries it.
   * @example "1767225600"
   */
  @Optional()
  @Matches(/^\d{1,12}$/, { message: 'exp must be a number of seconds' })
  exp?: string;

  /**
   * Signature of a signed private link, as the upload's `url` carries it.
   * @example "Vx2bq3H0yQ7aP1m4Ck9sZr5eN8tW6uJdLfGhIo0pA1B"
   */
  @Optional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'sig must be a link signature' })
  sig?: string;
}
