import { Injectable } from '@nestjs/common';
import { JsonCache } from '#libs/cache';
import { ReserveStockRequest, SkuSnapshot, StockReservation } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { imageUrl } from '../dtos/catalog-views.dto';
import { SkuRepository } from '../repositories/sku.repository';
import { ReservationExists, ReservedLine, StockDemand, StockOutcome, StockReservationRepository } from '../repositories/stock-reservation.repository';
import { CACHE_NAMESPACES as NS } from './cache-namespaces';

function reservationOf(orderId: string, lines: ReservedLine[], fallback: StockReservation['status']): StockReservation {
  return { orderId, status: lines[0]?.status ?? fallback, lines: lines.map((line) => ({ skuId: line.skuId, quantity: line.quantity })) };
}

/** Why a SKU could not give its units: unknown or off sale (SKU_NOT_FOUND), or not enough left (INSUFFICIENT_STOCK). */
function refusalOf({ skuId, onSale, taken }: StockOutcome): AppError | null {
  if (!onSale) return new AppError('SKU_NOT_FOUND', `SKU ${skuId} does not exist or is not on sale`);
  if (!taken) return new AppError('INSUFFICIENT_STOCK', `Not enough stock for SKU ${skuId}`, [{ field: skuId, message: 'not enough stock' }]);
  return null;
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

  /**
   * Takes every line out of stock and records the reservation, in one transaction: all lines or none. An order that
   * already has a reservation gets that one back, unchanged.
   */
  async reserve(request: ReserveStockRequest): Promise<StockReservation> {
    const demand = new Map<string, number>();
    for (const line of request.lines) demand.set(line.skuId, (demand.get(line.skuId) ?? 0) + line.quantity);
    const demands: StockDemand[] = [...demand].map(([skuId, quantity]) => ({ skuId, quantity }));
    try {
      const { lines, products } = await this.reservations.reserve(request.orderId, demands, (outcomes) => {
        for (const outcome of outcomes) {
          const refusal = refusalOf(outcome);
          if (refusal) throw refusal;
        }
      });
      await this.cache.invalidate(...products.map((productId) => NS.product(productId)));
      return reservationOf(request.orderId, lines, 'reserved');
    } catch (error) {
      if (!(error instanceof ReservationExists)) throw error;
      const lines = await this.reservations.findByOrder(request.orderId);
      await this.forgetProductsOf(lines);
      return reservationOf(request.orderId, lines, 'reserved');
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
  private async forgetProductsOf(lines: ReservedLine[]): Promise<void> {
    if (!lines.length) return;
    const products = await this.snapshots(lines.map((line) => line.skuId));
    await this.cache.invalidate(...new Set(products.map((product) => NS.product(product.productId))));
  }
}
