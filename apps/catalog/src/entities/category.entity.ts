import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamped } from '#libs/database';

/** A node of the category tree. */
@Entity({ name: 'categories' })
export class Category extends Timestamped {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'parent_id', type: 'char', length: 26, nullable: true })
  parentId: string | null;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ name: 'sort_order', type: 'int', default: 0 })
  sortOrder: number;
}
