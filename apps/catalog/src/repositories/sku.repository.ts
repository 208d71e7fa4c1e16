import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Sku } from '../entities/sku.entity';
import type { SkuSnapshot } from '#libs/contracts';
import { WriteResult } from '#libs/database';

/** A SKU with what an order snapshots of its product, as the row comes from MySQL (TINYINT flag, JSON image list). */
export type SkuWithProduct = Omit<SkuSnapshot, 'onSale' | 'imageUrl'> & { onSale: number; images: string };

/** SKUs: their prices and stock as staff set them. */
@Injectable()
export class SkuRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string): Promise<Sku | null> {
    return this.dataSource.getRepository(Sku).findOneBy({ id });
  }

  /** SKUs joined with their products, for order snapshots. */
  findWithProducts(ids: string[]): Promise<SkuWithProduct[]> {
    return this.dataSource.query(
      `SELECT s.id AS skuId, s.product_id AS productId, p.category_id AS categoryId, p.title AS productTitle, s.name AS skuName, s.price_fen AS priceFen,
              s.stock AS stock, p.on_sale AS onSale, p.images AS images
       FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
  }

  async insert(sku: Omit<Sku, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.dataSource.getRepository(Sku).insert(sku);
  }

  async update(id: string, changes: Partial<Pick<Sku, 'name' | 'priceFen' | 'stock' | 'sortOrder'>>): Promise<void> {
    await this.dataSource.getRepository(Sku).update({ id }, changes);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.dataSource.getRepository(Sku).delete({ id })).affected === 1;
  }

  /** Adds `delta` (negative to remove) only if stock stays ≥ 0; returns whether it did. */
  async adjustStock(id: string, delta: number): Promise<boolean> {
    const result = await this.dataSource.query<WriteResult>('UPDATE skus SET stock = stock + ? WHERE id = ? AND stock + ? >= 0', [delta, id, delta]);
    return result.affectedRows === 1;
  }

  countByIds(ids: string[]): Promise<number> {
    return this.dataSource.getRepository(Sku).countBy({ id: In(ids) });
  }
}
