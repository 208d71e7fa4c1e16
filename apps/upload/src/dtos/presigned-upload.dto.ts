import { PresignedPostDto } from './presigned-post.dto';

/** The reply to a presign: where to send the file, then POST /api/uploads/:id/confirm. */
export class PresignedUploadDto {
  /** The id the upload will have once confirmed. */
  id: string;

  upload: PresignedPostDto;

  /** When the presigned POST stops working. */
  expiresAt: string;

  /** @example "/api/uploads/01JH3Z6Q8V4M2X1N5T7R9B0C2D/confirm" */
  confirmUrl: string;
}
