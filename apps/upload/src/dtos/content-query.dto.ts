import { IsIn, Matches } from 'class-validator';
import { Optional } from '#libs/contracts';

/** GET /api/uploads/:id/content and GET /api/uploads/:id */
export class ContentQueryDto {
  @Optional()
  @IsIn(['original', 'thumb'])
  variant?: 'original' | 'thumb';

  /** Expiry (epoch seconds) of a signed private link. */
  @Optional()
  @Matches(/^\d{1,12}$/, { message: 'exp must be a number of seconds' })
  exp?: string;

  /** Signature of a signed private link. */
  @Optional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'sig must be a link signature' })
  sig?: string;
}
