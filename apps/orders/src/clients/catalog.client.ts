import { Injectable } from '@nestjs/common';
import { CATALOG_MESSAGES, SkuSnapshot, StockReservation } from '#libs/contracts';
import { MessageBus } from '#libs/messaging';

/** The catalog as the orders service sees it: SKU snapshots and stock reservations over the bus. */
@Injectable()
export class CatalogClient {
  constructor(private readonly bus: MessageBus) {}

  /** Current name, price and stock of the SKUs; unknown ids are missing from the result. */
  getSkus(skuIds: string[]): Promise<SkuSnapshot[]> {
    return this.bus.request<SkuSnapshot[]>(CATALOG_MESSAGES.getSkus, { skuIds });
  }

  /** Takes the units out of stock for `orderId`, all lines or none (INSUFFICIENT_STOCK, SKU_NOT_FOUND). Idempotent per order. */
  reserve(orderId: string, lines: { skuId: string; quantity: number }[], timeoutMs?: number): Promise<StockReservation> {
    return this.bus.request<StockReservation>(CATALOG_MESSAGES.reserveStock, { orderId, lines }, timeoutMs);
  }

  /** Gives an order's reserved units back to stock. Idempotent per order. */
  release(orderId: string): Promise<StockReservation> {
    return this.bus.request<StockReservation>(CATALOG_MESSAGES.releaseStock, { orderId });
  }

  /** The reserved units are sold (the order is paid). Idempotent per order. */
  confirm(orderId: string): Promise<StockReservation> {
    return this.bus.request<StockReservation>(CATALOG_MESSAGES.confirmStock, { orderId });
  }
}
