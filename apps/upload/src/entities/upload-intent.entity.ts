import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { BigIntNumberColumn, CreatedAtColumn } from '#libs/database';
import { UploadOwnership } from './upload-ownership';

/**
 * Storage work not finished yet: an upload streaming in (`stream`), a presigned upload awaiting its
 * confirm (`presign`), or objects of a deleted upload still to remove (`delete`). Whatever a replica leaves
 * behind by dying, the sweeper finds here once `expires_at` has passed and removes from storage.
 */
@Entity({ name: 'upload_intents' })
@Index('idx_upload_intents_expires', ['expiresAt'])
export class UploadIntent extends UploadOwnership {
  /** The id the upload will have. */
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ type: 'varchar', length: 8 })
  kind: 'stream' | 'presign' | 'delete';

  /** Keys to remove if the work is abandoned (the file and its variants). */
  @Column({ name: 'storage_keys', type: 'varchar', length: 600 })
  storageKeys: string;

  @Column({ name: 'declared_mime', type: 'varchar', length: 64, nullable: true })
  declaredMime: string | null;

  @BigIntNumberColumn({ name: 'declared_size', nullable: true })
  declaredSize: number | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  filename: string | null;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @CreatedAtColumn()
  createdAt: Date;
}
