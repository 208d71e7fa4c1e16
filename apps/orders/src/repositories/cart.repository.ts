import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CartItem } from '../entities/cart-item.entity';

/** What a line stores: the SKU, how many, and the catalog's description of it when the line was set. */
export type CartLineValues = Pick<CartItem, 'userId' | 'skuId' | 'quantity' | 'productId' | 'productTitle' | 'skuName' | 'imageUrl' | 'priceFen'>;

/** Storage of carts and their lines. Lines are added only under the cart's lock (lockCart), so their count is exact. */
@Injectable()
export class CartRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Makes sure the user's cart row exists, in a statement of its own: inserted inside the locking transaction, two
   * first additions would deadlock on it.
   */
  async ensureCart(userId: string): Promise<void> {
    await this.dataSource.query('INSERT IGNORE INTO carts (user_id) VALUES (?)', [userId]);
  }

  /** Locks the user's cart row (ensureCart made it) until `manager`'s transaction ends: changes of one cart take turns. */
  async lockCart(manager: EntityManager, userId: string): Promise<void> {
    const rows: unknown[] = await manager.query('SELECT user_id FROM carts WHERE user_id = ? FOR UPDATE', [userId]);
    if (!rows.length) throw new Error(`no cart row for user ${userId}`);
  }

  /** Whether the locked cart has a line of this SKU. */
  async hasLine(manager: EntityManager, userId: string, skuId: string): Promise<boolean> {
    return (await manager.getRepository(CartItem).countBy({ userId, skuId })) > 0;
  }

  /** How many lines the locked cart has. */
  countLines(manager: EntityManager, userId: string): Promise<number> {
    return manager.getRepository(CartItem).countBy({ userId });
  }

  async insertLine(manager: EntityManager, line: CartLineValues): Promise<void> {
    await manager.getRepository(CartItem).insert(line);
  }

  /** Sets an existing line's quantity and refreshes its description of the SKU (its place in the cart stays). */
  async updateLine(manager: EntityManager, { userId, skuId, ...changes }: CartLineValues): Promise<void> {
    await manager.getRepository(CartItem).update({ userId, skuId }, changes);
  }

  /** The user's lines, the most recently added first. */
  findLines(userId: string): Promise<CartItem[]> {
    return this.dataSource.getRepository(CartItem).find({ where: { userId }, order: { createdAt: 'DESC', skuId: 'ASC' } });
  }

  async deleteLine(userId: string, skuId: string): Promise<void> {
    await this.dataSource.getRepository(CartItem).delete({ userId, skuId });
  }

  /** Removes the user's lines of these SKUs, and no others. */
  async deleteLinesOfSkus(userId: string, skuIds: string[]): Promise<void> {
    if (!skuIds.length) return;
    // Plain SQL: it runs once per order placed, where TypeORM's delete builder cost more CPU than the statement.
    await this.dataSource.query(`DELETE FROM cart_items WHERE user_id = ? AND sku_id IN (${skuIds.map(() => '?').join(', ')})`, [userId, ...skuIds]);
  }
}
