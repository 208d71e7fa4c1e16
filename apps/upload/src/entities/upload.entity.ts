import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { MediaCheckStatus } from '#libs/contracts';
import { BigIntNumberColumn, CreatedAtColumn } from '#libs/database';
import { UploadOwnership } from './upload-ownership';

/** Whether a thumbnail exists yet: the original is served in its place until it is `ready`. */
export type ThumbStatus = 'none' | 'pending' | 'ready' | 'failed';

/** A stored file: only complete, checked files have a row. */
@Entity({ name: 'uploads' })
@Index('idx_uploads_owner', ['ownerKind', 'ownerId', 'id'])
export class Upload extends UploadOwnership {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'storage_key', type: 'varchar', length: 255 })
  storageKey: string;

  @Column({ type: 'varchar', length: 64 })
  mime: string;

  @BigIntNumberColumn()
  size: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'int', unsigned: true, nullable: true })
  width: number | null;

  @Column({ type: 'int', unsigned: true, nullable: true })
  height: number | null;

  /** The client's name for the file, checked and kept for Content-Disposition only (never a path). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  filename: string | null;

  @Column({ name: 'thumb_status', type: 'varchar', length: 8 })
  thumbStatus: ThumbStatus;

  @Column({ name: 'thumb_key', type: 'varchar', length: 255, nullable: true })
  thumbKey: string | null;

  @Column({ name: 'thumb_mime', type: 'varchar', length: 64, nullable: true })
  thumbMime: string | null;

  @Column({ name: 'thumb_size', type: 'int', unsigned: true, nullable: true })
  thumbSize: number | null;

  @Column({ name: 'thumb_sha256', type: 'char', length: 64, nullable: true })
  thumbSha256: string | null;

  /** WeChat's media check, asked for once the image is to be shown to others; null until then. */
  @Column({ name: 'media_check', type: 'varchar', length: 8, nullable: true })
  mediaCheck: MediaCheckStatus | null;

  /** The trace id mediaCheckAsync answered, which its pushed result names. */
  @Column({ name: 'media_check_trace_id', type: 'varchar', length: 64, nullable: true })
  mediaCheckTraceId: string | null;

  @CreatedAtColumn()
  createdAt: Date;
}
