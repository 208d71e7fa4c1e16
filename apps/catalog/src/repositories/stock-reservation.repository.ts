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

/** Why a reservation was refused: the SKU is unknown or off sale, or there is not enough of it. */
export class StockRefusal extends Error {
  constructor(
    readonly reason: 'missing' | 'insufficient',
    readonly skuId: string,
  ) {
    super(`${reason}: ${skuId}`);
  }
}


/** Stock held per order: every change is a conditional update, so stock never goes below zero. */
@Injectable()
export class StockReservationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findByOrder(orderId: string, manager: EntityManager = this.dataSource.manager): Promise<StockReservationLine[]> {
    return manager.find(StockReservationLine, { where: { orderId }, order: { skuId: 'ASC' } });
  }

  /**
   * Takes every line out of stock and records the reservation, in one transaction: all lines or none
   * (StockRefusal). An order that already has a reservation gets that one back, unchanged.
   */
  async reserve(orderId: string, demands: StockDemand[]): Promise<StockReservationLine[]> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const existing = await this.findByOrder(orderId, manager);
        if (existing.length) return existing;
        // A fixed lock order (by SKU id) keeps concurrent multi-line orders from deadlocking.
        for (const demand of [...demands].sort((a, b) => a.skuId.localeCompare(b.skuId))) {
          const result = await manager.query(
            `UPDATE skus s JOIN products p ON p.id = s.product_id SET s.stock = s.stock - ?
             WHERE s.id = ? AND s.stock >= ? AND p.on_sale = 1`,
            [demand.quantity, demand.skuId, demand.quantity],
          );
          if (result.affectedRows !== 1) throw await this.refusalFor(manager, demand.skuId);
        }
        await manager.insert(StockReservationLine, demands.map((demand) => ({ orderId, ...demand, status: 'reserved' as const })));
        return this.findByOrder(orderId, manager);
      });
    } catch (error) {
      // The same order reserved concurrently: the other transaction won, this one rolled back.
      if (isDuplicateKey(error)) return this.findByOrder(orderId);
      throw error;
    }
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

  private async refusalFor(manager: EntityManager, skuId: string): Promise<StockRefusal> {
    const rows: { stock: number; onSale: number }[] = await manager.query(
      'SELECT s.stock AS stock, p.on_sale AS onSale FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = ?',
      [skuId],
    );
    return new StockRefusal(rows.length && rows[0].onSale ? 'insufficient' : 'missing', skuId);
  }
}
