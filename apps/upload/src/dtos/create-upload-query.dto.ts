import { IsIn, IsOptional } from 'class-validator';

/** POST /api/uploads?public=true (the `public` form field before the file works too). */
export class CreateUploadQueryDto {
  /** Staff only: a file anyone may read. */
  @IsOptional() @IsIn(['true', 'false'])
  public?: 'true' | 'false';
}
