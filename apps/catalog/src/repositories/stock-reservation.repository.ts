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

/** A SKU's stock and whether its product is on sale, as read on the SKU's locked row. */
export interface SkuStock {
  stock: number;
  onSale: boolean;
}

/** The order's reservation was recorded meanwhile by a concurrent request (the caller's transaction rolls back). */
export class ReservationExists extends Error {}

/** Stock held per order. StockService checks and takes stock on locked SKU rows, so it never goes below zero. */
@Injectable()
export class StockReservationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findByOrder(orderId: string, manager: EntityManager = this.dataSource.manager): Promise<StockReservationLine[]> {
    return manager.find(StockReservationLine, { where: { orderId }, order: { skuId: 'ASC' } });
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
    return { stock: Number(sku.stock), onSale: Boolean(Number(product?.onSale)) };
  }

  /** Takes units of a locked SKU out of stock. */
  async takeStock(manager: EntityManager, demand: StockDemand): Promise<void> {
    await manager.query('UPDATE skus SET stock = stock - ? WHERE id = ?', [demand.quantity, demand.skuId]);
  }

  /** Records an order's reservation lines; ReservationExists if a concurrent request recorded it first. */
  async insertReserved(manager: EntityManager, orderId: string, demands: StockDemand[]): Promise<StockReservationLine[]> {
    try {
      await manager.insert(
        StockReservationLine,
        demands.map((demand) => ({ orderId, ...demand, status: 'reserved' as const })),
      );
    } catch (error) {
      // The same order reserved concurrently: the other transaction won, this one rolls back.
      if (isDuplicateKey(error)) throw new ReservationExists();
      throw error;
    }
    return this.findByOrder(orderId, manager);
  }

  /** Returns reserved or sold units of an order to stock; lines already released are left alone. */
  async release(orderId: string): Promise<StockReservationLine[]> {
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
  async confirm(orderId: string): Promise<StockReservationLine[]> {
    await this.dataSource.getRepository(StockReservationLine).update({ orderId, status: 'reserved' }, { status: 'confirmed' });
    return this.findByOrder(orderId);
  }
}
