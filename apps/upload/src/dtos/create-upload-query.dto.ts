import { IsIn } from 'class-validator';
import { Optional } from '#libs/contracts';

/** POST /api/uploads?public=true (the `public` form field before the file works too). */
export class CreateUploadQueryDto {
  /** Staff only: a file anyone may read. */
  @Optional()
  @IsIn(['true', 'false'])
  public?: 'true' | 'false';
}
