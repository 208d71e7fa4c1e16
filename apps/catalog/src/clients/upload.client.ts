import { Injectable, Logger } from '@nestjs/common';
import { FileContent, GetUploadRequest, GetUploadsRequest, ID_PATTERN, StoreServiceFileRequest, UPLOAD_MESSAGES, UploadSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';

const BATCH = 100;
const CHECK_TIMEOUT_MS = 500;
const UNCHECKED_AFTER_FAILURE_MS = 10_000;

function uploadIdsOf(references: (string | null | undefined)[]): string[] {
  return [...new Set(references.filter((reference): reference is string => typeof reference === 'string' && ID_PATTERN.test(reference)))];
}

/** Asks the upload service about the uploads that products, articles and banners show. */
@Injectable()
export class UploadClient {
  private readonly logger = new Logger(UploadClient.name);
  private uncheckedUntil = 0;

  constructor(private readonly bus: MessageBus) {}

  /**
   * The upload ids among `references` whose upload is gone (deleted). If upload does not answer (soon: pages
   * wait for this), none is reported gone and it is not asked again for a while: an image shows until a later
   * read finds it deleted, rather than pages failing or slowing down.
   */
  async deletedAmong(references: (string | null | undefined)[]): Promise<Set<string>> {
    const ids = uploadIdsOf(references);
    const deleted = new Set<string>();
    if (!ids.length || Date.now() < this.uncheckedUntil) return deleted;
    try {
      for (let i = 0; i < ids.length; i += BATCH) {
        const batch = ids.slice(i, i + BATCH);
        const summaries = await this.bus.request<UploadSummary[], GetUploadsRequest>(UPLOAD_MESSAGES.getFiles, { ids: batch }, CHECK_TIMEOUT_MS);
        const found = new Set(summaries.map((upload) => upload.id));
        for (const id of batch) if (!found.has(id)) deleted.add(id);
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.uncheckedUntil = Date.now() + UNCHECKED_AFTER_FAILURE_MS;
      this.logger.warn({ msg: 'upload did not answer; images shown unchecked for a while', code: error.code });
      return new Set();
    }
    return deleted;
  }

  /** Every upload id among `references` (the request's field `field`) must be a public image; URLs are taken as they are. */
  async requirePublicImages(field: string, references: (string | null | undefined)[]): Promise<void> {
    const ids = uploadIdsOf(references);
    if (!ids.length) return;
    const found = await this.bus.request<UploadSummary[], GetUploadsRequest>(UPLOAD_MESSAGES.getFiles, { ids });
    const byId = new Map(found.map((upload) => [upload.id, upload]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length)
      throw new AppError(
        'UPLOAD_NOT_FOUND',
        'An image refers to an upload that does not exist',
        missing.map((id) => ({ field, message: `${id} not found` })),
      );
    const unusable = found.filter((upload) => !upload.public || !upload.mime.startsWith('image/'));
    if (unusable.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Catalog images must be public image uploads',
        unusable.map((upload) => ({ field, message: `${upload.id} is ${upload.public ? 'not an image' : 'private'}` })),
      );
    }
  }

  /** Stores bytes the catalog made (a share code) as a public file of the shop. */
  storeServiceFile(filename: string, bytes: Buffer): Promise<UploadSummary> {
    return this.bus.request<UploadSummary, StoreServiceFileRequest>(UPLOAD_MESSAGES.storeServiceFile, { filename, contentBase64: bytes.toString('base64') });
  }

  /** A public file's bytes, or undefined when upload no longer has it. */
  async publicFile(id: string): Promise<FileContent | undefined> {
    try {
      return await this.bus.request<FileContent, GetUploadRequest>(UPLOAD_MESSAGES.readPublicFile, { id });
    } catch (error) {
      if (error instanceof AppError && error.code === 'UPLOAD_NOT_FOUND') return undefined;
      throw error;
    }
  }
}
