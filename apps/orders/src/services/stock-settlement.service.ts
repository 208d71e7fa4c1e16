import { Injectable, Logger } from '@nestjs/common';
import { CatalogClient } from '../clients/catalog.client';
import { OrderRepository } from '../repositories/order.repository';

/**
 * Tells the catalog what became of an order's reservation and records it. Failures are logged and left for the
 * sweeper, which retries from the recorded stock state; the catalog's messages are idempotent per order.
 */
@Injectable()
export class StockSettlementService {
  private readonly logger = new Logger(StockSettlementService.name);

  constructor(
    private readonly catalog: CatalogClient,
    private readonly orders: OrderRepository,
  ) {}

  /** Gives the order's units back to stock (a cancelled order); returns whether the catalog confirmed it. */
  async release(orderId: string): Promise<boolean> {
    try {
      await this.catalog.release(orderId);
      await this.orders.setStockState(orderId, ['reserved', 'releasing', 'confirmed'], 'released');
      return true;
    } catch (error) {
      this.logger.warn({ msg: 'stock release failed; the sweeper will retry', orderId, error: (error as Error).message });
      return false;
    }
  }

  /** The reserved units are sold (a paid order); returns whether the catalog confirmed it. */
  async confirm(orderId: string): Promise<boolean> {
    try {
      await this.catalog.confirm(orderId);
      await this.orders.setStockState(orderId, ['reserved'], 'confirmed');
      return true;
    } catch (error) {
      this.logger.warn({ msg: 'stock confirmation failed; the sweeper will retry', orderId, error: (error as Error).message });
      return false;
    }
  }
}
