import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { isDuplicateKey, StatementBatches, WriteResult } from '#libs/database';
import { StockReservationLine } from '../entities/stock-reservation.entity';

/** Units asked for one SKU. */
export interface StockDemand {
  skuId: string;
  quantity: number;
}

/** What a reservation found for one SKU: whether it exists and is on sale, and whether its stock could give the units. */
export interface StockOutcome {
  skuId: string;
  onSale: boolean;
  taken: boolean;
}

/** A reservation made: its lines, and the products whose stock it took. */
export interface Reservation {
  lines: ReservedLine[];
  products: string[];
}

/** One line of an order's reservation. */
export type ReservedLine = Pick<StockReservationLine, 'orderId' | 'skuId' | 'quantity' | 'status'>;

const LINE_COLUMNS = 'order_id AS orderId, sku_id AS skuId, quantity, status';

/** The order's reservation was recorded meanwhile by a concurrent request (the caller's transaction rolls back). */
export class ReservationExists extends Error {}

/**
 * Stock held per order. Stock is only ever taken by a conditional update, so it never goes below zero. The
 * reservation is plain SQL in two round trips: an order's reservation runs each statement once, and on this kind of
 * machine TypeORM's `find` and `insert` and each round trip cost more CPU than the statements (docs/performance.md, "Orders").
 */
@Injectable()
export class StockReservationRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly batches: StatementBatches,
  ) {}

  async findByOrder(orderId: string, manager: EntityManager = this.dataSource.manager): Promise<ReservedLine[]> {
    const rows: ReservedLine[] = await manager.query(`SELECT ${LINE_COLUMNS} FROM stock_reservations WHERE order_id = ? ORDER BY sku_id`, [orderId]);
    return rows.map((row) => ({ ...row, quantity: Number(row.quantity) }));
  }

  /**
   * Takes every demand out of stock and records the order's reservation, in one transaction and two round trips (the
   * statements, then the commit or the rollback once `refuse` has seen their results):
   * the reservation lines are inserted first (ReservationExists if the order has one), then the products are read
   * (not locked: reservations of a product's other SKUs do not wait) and each SKU's stock is taken only if enough
   * is left, in SKU id order (concurrent multi-line orders lock in the same order, so never deadlock). `refuse` sees
   * what each demand found and throws to roll everything back; otherwise it commits.
   */
  async reserve(orderId: string, demands: StockDemand[], refuse: (outcomes: StockOutcome[]) => void): Promise<Reservation> {
    const lines = demands
      .map((demand): ReservedLine => ({ orderId, skuId: demand.skuId, quantity: demand.quantity, status: 'reserved' }))
      .sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0));
    let products: string[] = [];
    try {
      await this.batches.transaction(
        [
          {
            sql: `INSERT INTO stock_reservations (order_id, sku_id, quantity, status) VALUES ${lines.map(() => '(?, ?, ?, ?)').join(', ')}`,
            params: lines.flatMap((line) => [line.orderId, line.skuId, line.quantity, line.status]),
          },
          {
            sql: `SELECT s.id AS skuId, s.product_id AS productId, p.on_sale AS onSale FROM skus s JOIN products p ON p.id = s.product_id
                  WHERE s.id IN (${lines.map(() => '?').join(', ')})`,
            params: lines.map((line) => line.skuId),
          },
          ...lines.map((line) => ({
            sql: 'UPDATE skus SET stock = stock - ? WHERE id = ? AND stock >= ?',
            params: [line.quantity, line.skuId, line.quantity],
          })),
        ],
        ([, found, ...taken]) => {
          const skus = new Map((found as { skuId: string; productId: string; onSale: number }[]).map((sku) => [sku.skuId, sku]));
          refuse(
            lines.map((line, index) => ({
              skuId: line.skuId,
              onSale: Boolean(Number(skus.get(line.skuId)?.onSale ?? 0)),
              taken: (taken[index] as WriteResult).affectedRows === 1,
            })),
          );
          products = [...new Set([...skus.values()].map((sku) => sku.productId))];
        },
      );
    } catch (error) {
      // The same order reserved concurrently: the other transaction won, this one rolled back.
      if (isDuplicateKey(error)) throw new ReservationExists();
      throw error;
    }
    return { lines, products };
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
