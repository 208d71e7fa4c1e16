import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '#libs/auth';
import { UploadSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { UploadDto } from '../dtos/upload.dto';
import { Upload } from '../entities/upload.entity';
import { UploadIntentRepository } from '../repositories/upload-intent.repository';
import { UploadRepository } from '../repositories/upload.repository';
import { STORAGE_DRIVER } from '../storage/storage-driver';
import type { StorageDriver } from '../storage/storage-driver';
import { canDelete, canRead } from './upload-access';
import { allKeys } from './upload-keys';
import { UploadLinkSigner } from './upload-links';

/** Who asks to read an upload: a verified principal, and whether the request carried a valid signed link. */
export interface ReadAccess {
  principal?: Principal;
  signedLink: boolean;
}

/** Finding, describing and deleting uploads. */
@Injectable()
export class UploadFilesService {
  private readonly logger = new Logger(UploadFilesService.name);

  constructor(
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly uploads: UploadRepository,
    private readonly intents: UploadIntentRepository,
    private readonly links: UploadLinkSigner,
  ) {}

  /** The upload if `access` may read it; UPLOAD_NOT_FOUND otherwise (another user's file is not found, not forbidden). */
  async findReadable(id: string, access: ReadAccess): Promise<Upload> {
    const upload = await this.uploads.findById(id);
    if (!upload || !(access.signedLink || canRead(upload, access.principal))) throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    return upload;
  }

  async describe(id: string, access: ReadAccess): Promise<UploadDto> {
    return this.toDto(await this.findReadable(id, access));
  }

  toDto(upload: Upload): UploadDto {
    return UploadDto.from(upload, this.links.forClient(upload));
  }

  /** Deletes the row at once, then the objects (or the sweeper does, through the intent recorded with the deletion). */
  async remove(id: string, principal: Principal): Promise<void> {
    const upload = await this.uploads.findById(id);
    if (!upload || !canDelete(upload, principal)) throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    if (!(await this.uploads.removeToIntent(upload, allKeys(id)))) throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    try {
      for (const key of allKeys(id)) await this.storage.delete(key);
      await this.intents.delete(id);
    } catch (error) {
      this.logger.warn({ msg: 'object removal deferred to the sweeper', uploadId: id, error: (error as Error).message });
    }
  }

  /** What other services learn of an upload over the bus. */
  async summary(id: string): Promise<UploadSummary> {
    const upload = await this.uploads.findById(id);
    if (!upload) throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    return this.toSummary(upload);
  }

  async summaries(ids: string[]): Promise<UploadSummary[]> {
    const found = await this.uploads.findByIds([...new Set(ids)]);
    const byId = new Map(found.map((upload) => [upload.id, upload]));
    return ids.filter((id, i) => byId.has(id) && ids.indexOf(id) === i).map((id) => this.toSummary(byId.get(id)!));
  }

  private toSummary(upload: Upload): UploadSummary {
    const links = this.links.canonical(upload.id);
    return {
      id: upload.id,
      ownerKind: upload.ownerKind,
      ownerId: upload.ownerId,
      public: upload.isPublic,
      mime: upload.mime,
      size: upload.size,
      width: upload.width,
      height: upload.height,
      url: links.url,
      thumbUrl: links.thumbUrl,
      createdAt: upload.createdAt.toISOString(),
    };
  }
}
