import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BooleanColumn, Timestamped } from '#libs/database';

/** A slide of the home page carousel. */
@Entity({ name: 'banners' })
export class Banner extends Timestamped {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ type: 'varchar', length: 120 })
  title: string;

  @Column({ type: 'varchar', length: 512 })
  image: string;

  @Column({ name: 'link_url', type: 'varchar', length: 512, nullable: true })
  linkUrl: string | null;

  @Column({ name: 'sort_order', type: 'int', default: 0 })
  sortOrder: number;

  @BooleanColumn()
  active: boolean;
}
