import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '#libs/auth';
import { UPLOAD_EVENTS, UploadsDeletedEvent, UploadSummary } from '#libs/contracts';
import { MessageBus } from '#libs/messaging';
import { AppError } from '#libs/errors';
import { UploadDto } from '../dtos/upload.dto';
import { Upload } from '../entities/upload.entity';
import { UploadIntentRepository } from '../repositories/upload-intent.repository';
import { UploadRepository } from '../repositories/upload.repository';
import { STORAGE_DRIVER } from '../clients/storage-driver';
import type { StorageDriver } from '../clients/storage-driver';
import { canDelete, canRead, isOwner } from '../helpers/upload-access';
import { allKeys } from '../helpers/upload-keys';
import { SignedLink, UploadLinkSignerService } from './upload-link-signer.service';

const ANNOUNCE_TIMEOUT_MS = 1000;

/** Who asks to read an upload: a verified principal, and the valid signed link the request carried, if any. */
export interface ReadAccess {
  principal?: Principal;
  signedLink?: SignedLink;
}

/** Finding, describing and deleting uploads. */
@Injectable()
export class UploadFilesService {
  private readonly logger = new Logger(UploadFilesService.name);

  constructor(
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly uploads: UploadRepository,
    private readonly intents: UploadIntentRepository,
    private readonly links: UploadLinkSignerService,
    private readonly bus: MessageBus,
  ) {}

  /** The upload if `access` may read it; UPLOAD_NOT_FOUND otherwise (another user's file is not found, not forbidden). */
  async findReadable(id: string, access: ReadAccess): Promise<Upload> {
    const upload = await this.uploads.findById(id);
    if (!upload || !(access.signedLink || canRead(upload, access.principal))) throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    // An image WeChat found risky is never served again, its owner and link holders included; staff still see it.
    if (upload.mediaCheck === 'risky' && access.principal?.kind !== 'staff') throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    // One WeChat is still checking is its owner's alone (and a link's: WeChat fetches it by one) until the pass arrives.
    if (upload.mediaCheck === 'pending' && !access.signedLink && !isOwner(upload, access.principal)) throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    return upload;
  }

  /** When a reader's access ends (epoch seconds): their link's expiry if the link is all they have, else never. */
  accessEndsAt(upload: Upload, access: ReadAccess): number | undefined {
    return canRead(upload, access.principal) ? undefined : access.signedLink?.exp;
  }

  /** Only the owner and staff are given fresh links; a link's holder gets back the link they came with, so it still expires. */
  async describe(id: string, access: ReadAccess): Promise<UploadDto> {
    const upload = await this.findReadable(id, access);
    if (this.accessEndsAt(upload, access) === undefined) return this.toDto(upload);
    return UploadDto.from(upload, this.links.asGiven(upload.id, access.signedLink!));
  }

  toDto(upload: Upload): UploadDto {
    return UploadDto.from(upload, this.links.forClient(upload));
  }

  /** Deletes the row at once, then the objects (or the sweeper does, through the intent recorded with the deletion). */
  async remove(id: string, principal: Principal): Promise<void> {
    const upload = await this.uploads.findById(id);
    if (!upload || !canDelete(upload, principal)) throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    if (!(await this.uploads.removeToIntent(upload, allKeys(id)))) throw new AppError('UPLOAD_NOT_FOUND', 'No such upload');
    await this.announceDeleted(id);
    try {
      for (const key of allKeys(id)) await this.storage.delete(key);
      await this.intents.delete(id);
    } catch (error) {
      this.logger.warn({ msg: 'object removal deferred to the sweeper', uploadId: id, error: (error as Error).message });
    }
  }

  /**
   * Tells auth (avatars) and catalog (images, caches) at once. Best effort: a lost event only delays them,
   * as they also ask upload.files.get(Many) when they read, and then find the upload gone.
   */
  private async announceDeleted(id: string): Promise<void> {
    try {
      await this.bus.publish<UploadsDeletedEvent>(UPLOAD_EVENTS.deleted, { ids: [id] }, ANNOUNCE_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn({ msg: 'upload deletion not announced; readers will find it gone', uploadId: id, error: (error as Error).message });
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

  toSummary(upload: Upload): UploadSummary {
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
      mediaCheck: upload.mediaCheck,
      createdAt: upload.createdAt.toISOString(),
    };
  }
}
