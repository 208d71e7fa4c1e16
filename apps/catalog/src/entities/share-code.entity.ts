import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '#libs/database';

/** A product's mini-program code for one page, made once by WeChat and kept by the upload service. */
@Entity({ name: 'product_share_codes' })
export class ShareCode {
  @PrimaryColumn({ name: 'product_id', type: 'char', length: 26 })
  productId: string;

  /** The page the code opens (CATALOG_SHARE_PAGE when it was made): another page is another code. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  page: string;

  @Column({ name: 'upload_id', type: 'char', length: 26 })
  uploadId: string;

  @CreatedAtColumn()
  createdAt: Date;
}
