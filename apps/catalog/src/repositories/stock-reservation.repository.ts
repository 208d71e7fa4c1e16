import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { isDuplicateKey } from '#libs/database';
import { StockReservationLine } from '../entities/stock-reservation.entity';

/** Units asked for one SKU. */
export interface StockDemand {
  skuId: string;
  quantity: number;
}

/** A SKU's stock, its product and whether that is on sale, as read on the SKU's locked row. */
export interface SkuStock {
  stock: number;
  productId: string;
  onSale: boolean;
}

/** One line of an order's reservation. */
export type ReservedLine = Pick<StockReservationLine, 'orderId' | 'skuId' | 'quantity' | 'status'>;

const LINE_COLUMNS = 'order_id AS orderId, sku_id AS skuId, quantity, status';

/** The order's reservation was recorded meanwhile by a concurrent request (the caller's transaction rolls back). */
export class ReservationExists extends Error {}

/**
 * Stock held per order. StockService checks and takes stock on locked SKU rows, so it never goes below zero. The
 * reservation's reads and writes are plain SQL: an order's reservation runs them once each, and TypeORM's `find` and
 * `insert` cost more CPU than the round trip (docs/performance.md, "Orders").
 */
@Injectable()
export class StockReservationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByOrder(orderId: string, manager: EntityManager = this.dataSource.manager): Promise<ReservedLine[]> {
    const rows: ReservedLine[] = await manager.query(`SELECT ${LINE_COLUMNS} FROM stock_reservations WHERE order_id = ? ORDER BY sku_id`, [orderId]);
    return rows.map((row) => ({ ...row, quantity: Number(row.quantity) }));
  }

  /**
   * A SKU's stock, its row locked until `manager`'s transaction ends (reservations of one SKU take turns), and whether
   * its product is on sale (only read: reservations of the product's other SKUs do not wait); null if no such SKU.
   */
  async lockSkuStock(manager: EntityManager, skuId: string): Promise<SkuStock | null> {
    const [sku]: { stock: number; productId: string }[] = await manager.query('SELECT stock, product_id AS productId FROM skus WHERE id = ? FOR UPDATE', [
      skuId,
    ]);
    if (!sku) return null;
    const [product]: { onSale: number }[] = await manager.query('SELECT on_sale AS onSale FROM products WHERE id = ?', [sku.productId]);
    return { stock: Number(sku.stock), productId: sku.productId, onSale: Boolean(Number(product?.onSale)) };
  }

  /** Takes units of a locked SKU out of stock. */
  async takeStock(manager: EntityManager, demand: StockDemand): Promise<void> {
    await manager.query('UPDATE skus SET stock = stock - ? WHERE id = ?', [demand.quantity, demand.skuId]);
  }

  /** Records an order's reservation lines (as findByOrder reads them back); ReservationExists if a concurrent request recorded it first. */
  async insertReserved(manager: EntityManager, orderId: string, demands: StockDemand[]): Promise<ReservedLine[]> {
    const lines = demands
      .map((demand): ReservedLine => ({ orderId, skuId: demand.skuId, quantity: demand.quantity, status: 'reserved' }))
      .sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0));
    try {
      await manager.query(
        `INSERT INTO stock_reservations (order_id, sku_id, quantity, status) VALUES ${lines.map(() => '(?, ?, ?, ?)').join(', ')}`,
        lines.flatMap((line) => [line.orderId, line.skuId, line.quantity, line.status]),
      );
    } catch (error) {
      // The same order reserved concurrently: the other transaction won, this one rolls back.
      if (isDuplicateKey(error)) throw new ReservationExists();
      throw error;
    }
    return lines;
  }

  /** Returns reserved or sold units of an order to stock; lines already released are left alone. */
  async release(orderId: string): Promise<ReservedLine[]> {
    return this.dataSource.transaction(async (manager) => {
      const lines = await manager.find(StockReservationLine, {
        where: { orderId, status: In(['reserved', 'confirmed']) },
        order: { skuId: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      for (const line of lines) await manager.query('UPDATE skus SET stock = stock + ? WHERE id = ?', [line.quantity, line.skuId]);
      if (lines.length) await manager.update(StockReservationLine, { orderId, status: In(['reserved', 'confirmed']) }, { status: 'released' });
      return this.findByOrder(orderId, manager);
    });
  }

  /** Marks an order's reserved units sold. */
  async confirm(orderId: string): Promise<ReservedLine[]> {
    await this.dataSource.getRepository(StockReservationLine).update({ orderId, status: 'reserved' }, { status: 'confirmed' });
    return this.findByOrder(orderId);
  }
}
