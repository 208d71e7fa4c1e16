import { Upload } from '../entities/upload.entity';
import { UploadLinks } from '../services/upload-link-signer.service';

/** An upload as its owner (or anyone, for public files) sees it. */
export class UploadDto {
  id: string;

  /**
   * Its bytes (GET /api/uploads/:id/content); a private file's link is signed (`exp`, `sig`) when link signing is on, so an <image> can show it.
   * @example "/api/uploads/01JH3Z6Q8V4M2X1N5T7R9B0C2D/content"
   */
  url: string;

  /**
   * Its thumbnail (`variant=thumb`), the original until the thumbnail is made or for files that have none.
   * @example "/api/uploads/01JH3Z6Q8V4M2X1N5T7R9B0C2D/content?variant=thumb"
   */
  thumbUrl: string;

  /**
   * The type read from the bytes, not from the name or the header.
   * @example "image/jpeg"
   */
  mime: string;

  /** Bytes. */
  size: number;

  /** Pixels, for images whose size could be read. */
  width?: number;

  /** Pixels, for images whose size could be read. */
  height?: number;

  /** Readable by anyone (staff uploads: product images, banners). */
  public: boolean;

  /**
   * The name the file was sent with, or null.
   * @example "photo.jpg"
   */
  filename: string | null;

  createdAt: string;

  static from(upload: Upload, links: UploadLinks): UploadDto {
    return {
      id: upload.id,
      url: links.url,
      thumbUrl: links.thumbUrl,
      mime: upload.mime,
      size: upload.size,
      ...(upload.width !== null && upload.height !== null ? { width: upload.width, height: upload.height } : {}),
      public: upload.isPublic,
      filename: upload.filename,
      createdAt: upload.createdAt.toISOString(),
    };
  }
}
