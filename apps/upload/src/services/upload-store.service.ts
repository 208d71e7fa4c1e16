import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '#libs/auth';
import { APP_CONFIG } from '#libs/config';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { UploadEnv } from '../config/upload-env';
import { Upload } from '../entities/upload.entity';
import { ThumbnailJobs } from '../jobs/thumbnail.jobs';
import { UploadIntentRepository } from '../repositories/upload-intent.repository';
import { NewUpload, UploadRepository } from '../repositories/upload.repository';
import { STORAGE_DRIVER } from '../clients/storage-driver';
import type { StorageDriver } from '../clients/storage-driver';
import { FileInspector, InspectionResult } from '../helpers/file-inspector';
import { THUMBNAILED_TYPES } from '../helpers/file-type-sniffer';
import { allKeys, originalKey } from '../helpers/upload-keys';
import { UploadPolicyService } from './upload-policy.service';

/** Raised into a source stream that went on for longer than UPLOAD_STREAM_TIMEOUT_MS. */
class UploadTimedOut extends Error {}

/** Who stores a file, and how it is to be kept. */
export interface StoreRequest {
  principal: Principal;
  isPublic: boolean;
  filename: string | null;
  /** Runs once the bytes are stored and before the upload is committed; a throw abandons the upload. */
  beforeCommit?: () => Promise<void>;
}

/**
 * Turns checked bytes into an upload: records an intent, streams the bytes through the inspector into
 * storage, and only then inserts the row (within the owner's quota). Anything that fails on the way is
 * removed again, or left to the sweeper through the intent if this replica dies.
 */
@Injectable()
export class UploadStoreService {
  private readonly logger = new Logger(UploadStoreService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: UploadEnv,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly uploads: UploadRepository,
    private readonly intents: UploadIntentRepository,
    private readonly policy: UploadPolicyService,
    private readonly thumbnails: ThumbnailJobs,
  ) {}

  /** Streams `source` into storage as a new upload; `source` is consumed or destroyed either way. */
  async storeStream(source: Readable, request: StoreRequest): Promise<Upload> {
    const id = newId();
    const key = originalKey(id);
    const timeoutMs = this.config.UPLOAD_STREAM_TIMEOUT_MS;
    try {
      await this.intents.create({
        id,
        kind: 'stream',
        ownerKind: request.principal.kind,
        ownerId: request.principal.id,
        isPublic: request.isPublic,
        storageKeys: allKeys(id).join(','),
        declaredMime: null,
        declaredSize: null,
        filename: request.filename,
        expiresAt: new Date(Date.now() + timeoutMs + this.config.UPLOAD_INTENT_GRACE_MS),
      });
    } catch (error) {
      source.destroy();
      throw error;
    }
    const inspector = new FileInspector(this.policy.rules(request.filename));
    let sourceError: Error | undefined;
    source.once('error', (error) => (sourceError ??= error));
    const timer = setTimeout(() => source.destroy(new UploadTimedOut()), timeoutMs);
    const feeding = pipeline(source, inspector).catch(() => undefined);
    try {
      await this.storage.put(key, inspector, () => inspector.result.mime);
      await feeding;
    } catch (error) {
      await feeding;
      await this.abandon(id);
      throw this.explain(error, inspector.failure, sourceError ?? source.errored ?? undefined);
    } finally {
      clearTimeout(timer);
    }
    try {
      await request.beforeCommit?.();
    } catch (error) {
      await this.abandon(id);
      throw error;
    }
    return this.complete(id, inspector.result, request);
  }

  /** Makes the stored, inspected object `id` an upload (the intent is taken in the same transaction). */
  async complete(id: string, result: InspectionResult, request: StoreRequest): Promise<Upload> {
    const row: NewUpload = {
      id,
      ownerKind: request.principal.kind,
      ownerId: request.principal.id,
      isPublic: request.isPublic,
      storageKey: originalKey(id),
      mime: result.mime,
      size: result.size,
      sha256: result.sha256,
      width: result.image?.width ?? null,
      height: result.image?.height ?? null,
      filename: request.filename,
      thumbStatus: THUMBNAILED_TYPES.has(result.mime) ? 'pending' : 'none',
    };
    let upload: Upload;
    try {
      upload = await this.uploads.addFromIntent(row, this.policy.quotaFor(request.principal));
    } catch (error) {
      // Without its intent the bytes are the sweeper's already; otherwise nothing was committed: remove them.
      if (!(error instanceof AppError && error.code === 'UPLOAD_NOT_RECEIVED')) await this.abandon(id);
      throw error;
    }
    if (upload.thumbStatus === 'pending') await this.thumbnails.request(upload.id);
    return upload;
  }

  /** Removes what an unfinished upload stored, then its intent; if storage fails the intent stays for the sweeper. */
  async abandon(id: string): Promise<void> {
    try {
      for (const key of allKeys(id)) await this.storage.delete(key);
      await this.intents.delete(id);
    } catch (error) {
      this.logger.warn({ msg: 'cleanup of an unfinished upload deferred to the sweeper', uploadId: id, error: (error as Error).message });
    }
  }

  private explain(error: unknown, failure: AppError | undefined, sourceError: Error | undefined): AppError {
    if (failure) return failure;
    if (error instanceof AppError) return error;
    if (sourceError instanceof UploadTimedOut)
      return new AppError('UPLOAD_TIMEOUT', `The upload did not finish within ${this.config.UPLOAD_STREAM_TIMEOUT_MS} ms`);
    if (sourceError) return new AppError('VALIDATION_FAILED', 'The multipart body ended before the file did');
    this.logger.error({ msg: 'storage failed while storing an upload', error: (error as Error)?.message });
    return new AppError('STORAGE_UNAVAILABLE', 'File storage is unavailable, try again shortly');
  }
}
