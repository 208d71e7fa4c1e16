import { ApiProperty } from '@nestjs/swagger';

/** A direct-to-storage upload: a multipart POST to `url` of `fields` as form data, then the file in `fileField` (as wx.uploadFile sends it). */
export class PresignedPostDto {
  method: 'POST';

  /** The object storage's URL (not this API's). */
  url: string;

  /** Form fields to send as they are, before the file (the storage checks the signed policy in them). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { key: 'files/ab/01J…', 'Content-Type': 'image/jpeg', Policy: '…' } })
  fields: Record<string, string>;

  fileField: 'file';
}
