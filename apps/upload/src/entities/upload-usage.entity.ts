import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BigIntNumberColumn } from '#libs/database';

/** Bytes and files an owner keeps stored, updated in the transaction that adds or removes an upload. */
@Entity({ name: 'upload_usage' })
export class UploadUsage {
  @PrimaryColumn({ name: 'owner_kind', type: 'varchar', length: 8 })
  ownerKind: 'user' | 'staff';

  @PrimaryColumn({ name: 'owner_id', type: 'char', length: 26 })
  ownerId: string;

  @BigIntNumberColumn()
  bytes: number;

  @Column({ type: 'int', unsigned: true })
  files: number;
}
