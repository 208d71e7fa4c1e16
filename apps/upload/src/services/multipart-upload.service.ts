import { Injectable } from '@nestjs/common';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '#libs/auth';
import { AppError } from '#libs/errors';
import { Upload } from '../entities/upload.entity';
import { UploadMetrics } from '../metrics/upload.metrics';
import { checkFilename } from '../helpers/filename';
import { UploadPolicyService } from './upload-policy.service';
import { UploadStoreService } from './upload-store.service';

/** Room for the multipart framing and the small form fields around the file. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const MULTIPART_ERRORS: Record<string, () => AppError> = {
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data in the field "file"'),
  FST_PARTS_LIMIT: () => new AppError('VALIDATION_FAILED', 'Too many parts in the multipart body'),
  FST_FIELDS_LIMIT: () => new AppError('VALIDATION_FAILED', 'Too many form fields in the multipart body'),
  FST_FILES_LIMIT: () => new AppError('VALIDATION_FAILED', 'Send one file per request', [{ field: 'file', message: 'exactly one file part is allowed' }]),
  FST_PROTO_VIOLATION: () => new AppError('VALIDATION_FAILED', 'A form field name is not allowed'),
};

function multipartError(error: unknown): AppError {
  const code = (error as { code?: string })?.code;
  if (code && MULTIPART_ERRORS[code]) return MULTIPART_ERRORS[code]();
  return new AppError('VALIDATION_FAILED', 'The multipart body is malformed');
}

function fieldFlag(field: MultipartFile['fields'][string]): boolean | undefined {
  const value = (Array.isArray(field) ? field[0] : field) as MultipartValue<unknown> | undefined;
  if (value?.type !== 'field') return undefined;
  if (value.value === 'true') return true;
  if (value.value === 'false') return false;
  throw new AppError('VALIDATION_FAILED', 'The form field "public" must be true or false', [{ field: 'public', message: 'must be true or false' }]);
}

/** POST /api/uploads: the multipart body that wx.uploadFile sends, the file in field `file`, streamed straight to storage. */
@Injectable()
export class MultipartUploadService {
  constructor(
    private readonly policy: UploadPolicyService,
    private readonly store: UploadStoreService,
    private readonly metrics: UploadMetrics,
  ) {}

  async upload(principal: Principal, request: FastifyRequest, publicQuery: boolean | undefined): Promise<Upload> {
    try {
      const upload = await this.receive(principal, request, publicQuery);
      this.metrics.stored('multipart', upload.size);
      return upload;
    } catch (error) {
      this.metrics.refused('multipart', error);
      throw error;
    }
  }

  private async receive(principal: Principal, request: FastifyRequest, publicQuery: boolean | undefined): Promise<Upload> {
    if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data in the field "file"');
    const length = Number(request.headers['content-length']);
    if (Number.isFinite(length) && length > this.policy.maxBytes + MULTIPART_OVERHEAD_BYTES) {
      throw new AppError('UPLOAD_TOO_LARGE', `The file is larger than the limit of ${this.policy.maxBytes} bytes`);
    }
    await this.policy.assertRoomFor(principal, Number.isFinite(length) ? length - MULTIPART_OVERHEAD_BYTES : 1);

    let files: AsyncIterableIterator<MultipartFile>;
    let part: MultipartFile | undefined;
    try {
      files = request.files({
        // One byte over the limit reaches the inspector, which refuses the file at that byte.
        limits: { fileSize: this.policy.maxBytes + 1, files: 1, fields: 20, fieldSize: 1024, parts: 25, headerPairs: 50 },
        // Keep the name as sent, so a path in it is refused rather than silently cut to its last segment.
        preservePath: true,
        throwFileSizeLimit: false,
      });
      part = (await files.next()).value as MultipartFile | undefined;
    } catch (error) {
      throw multipartError(error);
    }
    if (!part) throw new AppError('UPLOAD_FILE_MISSING', 'No file in the request: send it in the multipart field "file"');
    try {
      if (part.fieldname !== 'file')
        throw new AppError('UPLOAD_FILE_MISSING', 'The file must be sent in the multipart field "file"', [{ field: 'file', message: 'missing' }]);
      const filename = checkFilename(part.filename);
      const isPublic = publicQuery ?? fieldFlag(part.fields.public) ?? false;
      this.policy.assertMayPublish(principal, isPublic);
      // A second file part is refused, not dropped: the rest of the body is read before the upload is committed.
      return await this.store.storeStream(part.file, { principal, isPublic, filename, beforeCommit: () => this.assertNoMoreFiles(files) });
    } finally {
      if (!part.file.destroyed && !part.file.readableEnded) part.file.destroy();
    }
  }

  private async assertNoMoreFiles(files: AsyncIterableIterator<MultipartFile>): Promise<void> {
    let next: IteratorResult<MultipartFile>;
    try {
      next = await files.next();
    } catch (error) {
      throw multipartError(error);
    }
    if (next.done) return;
    next.value.file.destroy();
    throw MULTIPART_ERRORS.FST_FILES_LIMIT();
  }
}
