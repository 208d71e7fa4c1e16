import { PresignedUpload } from '../clients/storage-driver';

/** The reply to a presign: where to send the file, then POST /api/uploads/:id/confirm. */
export class PresignedUploadDto {
  id: string;
  /** A multipart POST (as wx.uploadFile sends): `fields` as form data and the file in `fileField`. */
  upload: PresignedUpload;
  expiresAt: string;
  confirmUrl: string;
}
