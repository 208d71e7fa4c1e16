import { IsBoolean, IsInt, IsString, Length, Matches, Min } from 'class-validator';
import { Optional } from '#libs/contracts';

/** POST /api/uploads/presign */
export class PresignUploadDto {
  @IsString()
  @Length(1, 1024)
  filename: string;

  @Matches(/^[a-z]+\/[a-z0-9.+-]+$/, { message: 'mime must be a media type such as image/jpeg' })
  mime: string;

  @IsInt()
  @Min(1)
  size: number;

  /** Staff only: a file anyone may read (product images, banners). */
  @Optional()
  @IsBoolean()
  public?: boolean;
}
