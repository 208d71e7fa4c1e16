import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BooleanColumn, Timestamped } from '#libs/database';

/** Editorial content shown in the mini-program. */
@Entity({ name: 'articles' })
export class Article extends Timestamped {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ type: 'varchar', length: 120 })
  title: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  summary: string | null;

  @Column({ type: 'mediumtext' })
  body: string;

  @Column({ name: 'cover_image', type: 'varchar', length: 512, nullable: true })
  coverImage: string | null;

  @BooleanColumn()
  published: boolean;
}
