import { Inject, Injectable } from '@nestjs/common';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '#libs/auth';
import { APP_CONFIG } from '#libs/config';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { UploadEnv } from '../config/upload-env';
import { PresignedUploadDto } from '../dtos/presigned-upload.dto';
import { PresignUploadDto } from '../dtos/presign-upload.dto';
import { Upload } from '../entities/upload.entity';
import { UploadMetrics } from '../metrics/upload.metrics';
import { UploadIntentRepository } from '../repositories/upload-intent.repository';
import { UploadRepository } from '../repositories/upload.repository';
import { STORAGE_DRIVER } from '../clients/storage-driver';
import type { StorageDriver } from '../clients/storage-driver';
import { FileInspector } from '../helpers/file-inspector';
import { typeClaimedByName } from '../helpers/file-type-sniffer';
import { checkFilename } from '../helpers/filename';
import { isOwner } from '../helpers/upload-access';
import { allKeys, originalKey } from '../helpers/upload-keys';
import { UploadPolicyService } from './upload-policy.service';
import { UploadStoreService } from './upload-store.service';

/**
 * Direct uploads to object storage (s3 driver): a presigned POST binding the exact size and type, then a
 * confirm that checks what arrived (length, type from the bytes, image size) before the upload exists.
 */
@Injectable()
export class PresignedUploadService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: UploadEnv,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly policy: UploadPolicyService,
    private readonly intents: UploadIntentRepository,
    private readonly uploads: UploadRepository,
    private readonly store: UploadStoreService,
    private readonly metrics: UploadMetrics,
  ) {}

  async presign(principal: Principal, request: PresignUploadDto): Promise<PresignedUploadDto> {
    if (!this.storage.presignUpload) throw new AppError('UPLOAD_PRESIGN_UNSUPPORTED', 'Direct uploads need the s3 storage driver; use POST /api/uploads');
    const filename = checkFilename(request.filename);
    if (!this.policy.isAllowedType(request.mime)) throw new AppError('UPLOAD_TYPE_NOT_ALLOWED', `Files of type ${request.mime} are not accepted`);
    const claimed = typeClaimedByName(filename ?? undefined);
    if (claimed !== undefined && claimed !== request.mime) throw new AppError('UPLOAD_TYPE_MISMATCH', `The filename does not match the type ${request.mime}`);
    if (request.size > this.policy.maxBytes) throw new AppError('UPLOAD_TOO_LARGE', `The file is larger than the limit of ${this.policy.maxBytes} bytes`);
    const isPublic = request.public ?? false;
    this.policy.assertMayPublish(principal, isPublic);
    await this.policy.assertRoomFor(principal, request.size);

    const id = newId();
    const ttl = this.config.UPLOAD_PRESIGN_TTL_SECONDS;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    await this.intents.create({
      id,
      kind: 'presign',
      ownerKind: principal.kind,
      ownerId: principal.id,
      isPublic,
      storageKeys: allKeys(id).join(','),
      declaredMime: request.mime,
      declaredSize: request.size,
      filename,
      expiresAt: new Date(expiresAt.getTime() + this.config.UPLOAD_INTENT_GRACE_MS),
    });
    const upload = await this.storage.presignUpload(originalKey(id), request.mime, request.size, ttl);
    return { id, upload, expiresAt: expiresAt.toISOString(), confirmUrl: `/api/uploads/${id}/confirm` };
  }

  /** Checks the object that arrived against the presign; a mismatch removes it (and the presign) and says why. */
  async confirm(principal: Principal, id: string): Promise<Upload> {
    try {
      return await this.check(principal, id);
    } catch (error) {
      this.metrics.refused('presigned', error);
      throw error;
    }
  }

  private async check(principal: Principal, id: string): Promise<Upload> {
    const intent = await this.intents.findById(id);
    if (!intent || intent.kind !== 'presign' || !isOwner(intent, principal)) return this.alreadyConfirmed(principal, id);
    const size = await this.storage.size(originalKey(id));
    if (size === undefined) throw new AppError('UPLOAD_NOT_RECEIVED', 'The file has not arrived in storage yet: upload it first, then confirm');
    if (size !== intent.declaredSize) {
      await this.store.abandon(id);
      throw new AppError('UPLOAD_PRESIGN_MISMATCH', `${size} bytes arrived where ${intent.declaredSize} were declared; nothing was stored`, [
        { field: 'size', message: 'does not match' },
      ]);
    }
    const inspector = new FileInspector({ ...this.policy.rules(intent.filename, intent.declaredMime ?? undefined), maxBytes: intent.declaredSize });
    const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
    try {
      await pipeline(await this.storage.read(originalKey(id)), inspector, discard);
    } catch (error) {
      if (!inspector.failure) throw error;
      await this.store.abandon(id);
      if (inspector.failure.code === 'UPLOAD_TYPE_MISMATCH') {
        throw new AppError('UPLOAD_PRESIGN_MISMATCH', `${inspector.failure.message}; nothing was stored`, [{ field: 'mime', message: 'does not match' }]);
      }
      throw inspector.failure;
    }
    try {
      const upload = await this.store.complete(id, inspector.result, { principal, isPublic: intent.isPublic, filename: intent.filename });
      this.metrics.stored('presigned', upload.size);
      return upload;
    } catch (error) {
      // A confirm that raced another one for the same upload gets the upload the other one made.
      if (error instanceof AppError && error.code === 'UPLOAD_NOT_RECEIVED') return this.alreadyConfirmed(principal, id);
      throw error;
    }
  }

  private async alreadyConfirmed(principal: Principal, id: string): Promise<Upload> {
    const upload = await this.uploads.findById(id);
    if (upload && isOwner(upload, principal)) return upload;
    throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
  }
}
