import { Injectable } from '@nestjs/common';
import { JsonCache } from '#libs/cache';
import { ReserveStockRequest, SkuSnapshot, StockReservation } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { imageUrl } from '../dtos/catalog-views';
import { StockReservationLine } from '../entities/stock-reservation.entity';
import { SkuRepository } from '../repositories/sku.repository';
import { StockRefusal, StockReservationRepository } from '../repositories/stock-reservation.repository';
import { CACHE_NAMESPACES as NS } from './cache-namespaces';

function reservationOf(orderId: string, lines: StockReservationLine[], fallback: StockReservation['status']): StockReservation {
  return { orderId, status: lines[0]?.status ?? fallback, lines: lines.map((line) => ({ skuId: line.skuId, quantity: line.quantity })) };
}

/** Stock for the orders service: snapshots, and reserve / release / confirm, each idempotent per order. */
@Injectable()
export class StockService {
  constructor(
    private readonly skus: SkuRepository,
    private readonly reservations: StockReservationRepository,
    private readonly cache: JsonCache,
  ) {}

  async snapshots(skuIds: string[]): Promise<SkuSnapshot[]> {
    const rows = await this.skus.findWithProducts([...new Set(skuIds)]);
    return rows.map(({ images, onSale, ...row }) => {
      const references = JSON.parse(images) as string[];
      return { ...row, onSale: Boolean(onSale), imageUrl: references.length ? imageUrl(references[0]) : null };
    });
  }

  async reserve(request: ReserveStockRequest): Promise<StockReservation> {
    const demand = new Map<string, number>();
    for (const line of request.lines) demand.set(line.skuId, (demand.get(line.skuId) ?? 0) + line.quantity);
    try {
      const lines = await this.reservations.reserve(request.orderId, [...demand].map(([skuId, quantity]) => ({ skuId, quantity })));
      await this.forgetProductsOf(lines);
      return reservationOf(request.orderId, lines, 'reserved');
    } catch (error) {
      if (!(error instanceof StockRefusal)) throw error;
      if (error.reason === 'missing') throw new AppError('SKU_NOT_FOUND', `SKU ${error.skuId} does not exist or is not on sale`);
      throw new AppError('INSUFFICIENT_STOCK', `Not enough stock for SKU ${error.skuId}`, [{ field: error.skuId, message: 'not enough stock' }]);
    }
  }

  async release(orderId: string): Promise<StockReservation> {
    const lines = await this.reservations.release(orderId);
    await this.forgetProductsOf(lines);
    return reservationOf(orderId, lines, 'released');
  }

  async confirm(orderId: string): Promise<StockReservation> {
    return reservationOf(orderId, await this.reservations.confirm(orderId), 'released');
  }

  /** Product pages show stock: drop the pages of the products whose SKUs moved. */
  private async forgetProductsOf(lines: StockReservationLine[]): Promise<void> {
    if (!lines.length) return;
    const products = await this.snapshots(lines.map((line) => line.skuId));
    await this.cache.invalidate(...new Set(products.map((product) => NS.product(product.productId))));
  }
}
