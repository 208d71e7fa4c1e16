import { Upload } from '../entities/upload.entity';
import { UploadLinks } from '../services/upload-link-signer.service';

/** An upload as its owner (or anyone, for public files) sees it. */
export class UploadDto {
  id: string;
  url: string;
  thumbUrl: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  public: boolean;
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
