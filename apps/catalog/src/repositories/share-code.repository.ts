import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ShareCode } from '../entities/share-code.entity';

/** Storage of the share codes made so far. */
@Injectable()
export class ShareCodeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The upload holding the product's code for `page`, if one was made. */
  async findUploadId(productId: string, page: string): Promise<string | undefined> {
    return (await this.dataSource.getRepository(ShareCode).findOneBy({ productId, page }))?.uploadId;
  }

  /** Records a code made; a record already there (an earlier maker) is kept. */
  async record(productId: string, page: string, uploadId: string): Promise<void> {
    await this.dataSource.query('INSERT IGNORE INTO product_share_codes (product_id, page, upload_id) VALUES (?, ?, ?)', [productId, page, uploadId]);
  }

  /** Forgets a code whose upload is gone, so the next request makes it again. */
  async forget(productId: string, page: string, uploadId: string): Promise<void> {
    await this.dataSource.getRepository(ShareCode).delete({ productId, page, uploadId });
  }
}
