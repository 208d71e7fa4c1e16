import { Column } from 'typeorm';
import { BooleanColumn } from '#libs/database';

/** Who a file (or the storage work on one) belongs to, and whether anyone may read it: columns of uploads and upload_intents. */
export abstract class UploadOwnership {
  @Column({ name: 'owner_kind', type: 'varchar', length: 8 })
  ownerKind: 'user' | 'staff';

  @Column({ name: 'owner_id', type: 'char', length: 26 })
  ownerId: string;

  @BooleanColumn({ name: 'is_public' })
  isPublic: boolean;
}
