import { IsBoolean, IsInt, IsString, Length, Matches, Min } from 'class-validator';
import { Optional } from '#libs/contracts';

/** POST /api/uploads/presign */
export class PresignUploadDto {
  /** @example "photo.jpg" */
  @IsString()
  @Length(1, 1024)
  filename: string;

  /**
   * The type the file is; confirm checks it against the bytes.
   * @example "image/jpeg"
   */
  @Matches(/^[a-z]+\/[a-z0-9.+-]+$/, { message: 'mime must be a media type such as image/jpeg' })
  mime: string;

  /**
   * Exact size in bytes: storage refuses a file of another size.
   * @example 204800
   */
  @IsInt()
  @Min(1)
  size: number;

  /** Staff only: a file anyone may read (product images, banners). */
  @Optional()
  @IsBoolean()
  public?: boolean;
}
