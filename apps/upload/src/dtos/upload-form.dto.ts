import { ApiProperty } from '@nestjs/swagger';

/** POST /api/uploads: the multipart/form-data body wx.uploadFile sends (described for the API document; the service reads the stream itself). */
export class UploadFormDto {
  /** Staff only: a file anyone may read (as the `public` query parameter); it must come before the file to count. */
  public?: 'true' | 'false';

  /** The file, one per request; its type is read from its bytes. */
  @ApiProperty({ type: 'string', format: 'binary' })
  file: Blob;
}
