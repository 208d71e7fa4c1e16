import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan } from 'typeorm';
import { AppError } from '#libs/errors';
import { UploadIntent } from '../entities/upload-intent.entity';
import { UploadUsage } from '../entities/upload-usage.entity';
import { Upload } from '../entities/upload.entity';
import { WriteResult } from '#libs/database';

/** A checked file about to get its row. */
export type NewUpload = Omit<Upload, 'createdAt' | 'thumbKey' | 'thumbMime' | 'thumbSize' | 'thumbSha256' | 'mediaCheck' | 'mediaCheckTraceId'>;

/** The thumbnail made for an upload. */
export interface ThumbnailRecord {
  key: string;
  mime: string;
  size: number;
  sha256: string;
}

/** Storage of stored files and per-owner usage. */
@Injectable()
export class UploadRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get uploads() {
    return this.dataSource.getRepository(Upload);
  }

  findById(id: string): Promise<Upload | null> {
    return this.uploads.findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<Upload[]> {
    return this.uploads.findBy({ id: In(ids) });
  }

  /** Bytes the owner keeps stored. */
  async usedBytes(ownerKind: string, ownerId: string): Promise<number> {
    return (await this.dataSource.getRepository(UploadUsage).findOneBy({ ownerKind: ownerKind as UploadUsage['ownerKind'], ownerId }))?.bytes ?? 0;
  }

  /**
   * Makes a stored object an upload, in one transaction: takes its intent (so the sweeper can no longer
   * remove the object), adds its size to the owner's usage within `quotaBytes` (0: no limit), inserts the row.
   */
  async addFromIntent(upload: NewUpload, quotaBytes: number): Promise<Upload> {
    await this.dataSource.transaction(async (manager) => {
      const taken = await manager.query<WriteResult>('DELETE FROM upload_intents WHERE id = ?', [upload.id]);
      if (taken.affectedRows !== 1) throw new AppError('UPLOAD_NOT_RECEIVED', 'The upload expired before it completed; send it again');
      await manager.query('INSERT INTO upload_usage (owner_kind, owner_id, bytes, files) VALUES (?, ?, 0, 0) ON DUPLICATE KEY UPDATE files = files', [
        upload.ownerKind,
        upload.ownerId,
      ]);
      const counted = await manager.query<WriteResult>(
        'UPDATE upload_usage SET bytes = bytes + ?, files = files + 1 WHERE owner_kind = ? AND owner_id = ? AND (? = 0 OR bytes + ? <= ?)',
        [upload.size, upload.ownerKind, upload.ownerId, quotaBytes, upload.size, quotaBytes],
      );
      if (counted.affectedRows !== 1) throw new AppError('UPLOAD_QUOTA_EXCEEDED', `Storing this file would go over your quota of ${quotaBytes} bytes`);
      await manager
        .getRepository(Upload)
        .insert({ ...upload, thumbKey: null, thumbMime: null, thumbSize: null, thumbSha256: null, mediaCheck: null, mediaCheckTraceId: null });
    });
    return this.uploads.findOneByOrFail({ id: upload.id });
  }

  /**
   * Removes an upload's row and usage, and in the same transaction records its objects for removal (a
   * `delete` intent, due at once), so they go even if this replica dies before deleting them itself.
   */
  async removeToIntent(upload: Upload, keys: string[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const removed = await manager.query<WriteResult>('DELETE FROM uploads WHERE id = ?', [upload.id]);
      if (removed.affectedRows !== 1) return false;
      await manager.query(
        'UPDATE upload_usage SET bytes = GREATEST(0, CAST(bytes AS SIGNED) - ?), files = GREATEST(0, CAST(files AS SIGNED) - 1) WHERE owner_kind = ? AND owner_id = ?',
        [upload.size, upload.ownerKind, upload.ownerId],
      );
      await manager.getRepository(UploadIntent).insert({
        id: upload.id,
        kind: 'delete',
        ownerKind: upload.ownerKind,
        ownerId: upload.ownerId,
        isPublic: upload.isPublic,
        storageKeys: keys.join(','),
        declaredMime: null,
        declaredSize: null,
        filename: null,
        expiresAt: new Date(),
      });
      return true;
    });
  }

  /** Records a finished thumbnail; false when the upload was deleted meanwhile. */
  async recordThumbnail(id: string, thumbnail: ThumbnailRecord): Promise<boolean> {
    const result = await this.uploads.update(
      { id },
      { thumbStatus: 'ready', thumbKey: thumbnail.key, thumbMime: thumbnail.mime, thumbSize: thumbnail.size, thumbSha256: thumbnail.sha256 },
    );
    return result.affected === 1;
  }

  /** Records that WeChat is checking the image under `traceId`; false when it was already sent for a check (or is gone). */
  async markMediaCheckPending(id: string, traceId: string): Promise<boolean> {
    const result = await this.uploads.update({ id, mediaCheck: IsNull() }, { mediaCheck: 'pending', mediaCheckTraceId: traceId });
    return result.affected === 1;
  }

  /** Records WeChat's verdict for the check `traceId`; the uploads it concerned (none for an unknown or already decided trace). */
  async recordMediaCheck(traceId: string, verdict: 'pass' | 'risky'): Promise<string[]> {
    const rows = await this.uploads.find({ select: { id: true }, where: { mediaCheckTraceId: traceId, mediaCheck: 'pending' } });
    if (!rows.length) return [];
    await this.uploads.update({ mediaCheckTraceId: traceId, mediaCheck: 'pending' }, { mediaCheck: verdict });
    return rows.map((row) => row.id);
  }

  async markThumbnailFailed(id: string): Promise<void> {
    await this.uploads.update({ id, thumbStatus: 'pending' }, { thumbStatus: 'failed' });
  }

  /** Uploads still waiting for a thumbnail since before `before` (their job was lost). */
  async findStalePendingThumbnails(before: Date, limit: number): Promise<string[]> {
    const rows = await this.uploads.find({ select: { id: true }, where: { thumbStatus: 'pending', createdAt: LessThan(before) }, take: limit });
    return rows.map((row) => row.id);
  }
}
