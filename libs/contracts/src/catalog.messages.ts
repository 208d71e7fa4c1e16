import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsInt, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ID_PATTERN } from './id-param.dto';

/** Message patterns the catalog service answers on the bus (one replica handles each). */
export const CATALOG_MESSAGES = {
  /** GetSkusRequest → SkuSnapshot[] (unknown ids are left out of the reply). */
  getSkus: 'catalog.skus.get',
  /** ReserveStockRequest → StockReservation; idempotent per orderId; INSUFFICIENT_STOCK / SKU_NOT_FOUND refuse it whole. */
  reserveStock: 'catalog.stock.reserve',
  /** StockOrderRequest → StockReservation; returns a reservation's units to stock; idempotent per orderId. */
  releaseStock: 'catalog.stock.release',
  /** StockOrderRequest → StockReservation; the reserved units are sold (paid order); idempotent per orderId. */
  confirmStock: 'catalog.stock.confirm',
} as const;

/** Ask for the current name, price and stock of SKUs. */
export class GetSkusRequest {
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(ID_PATTERN, { each: true })
  skuIds: string[];
}

/** What an order needs to know about a SKU at the moment it is placed (prices come from here, never from the client). */
export interface SkuSnapshot {
  skuId: string;
  productId: string;
  /** The product's category (coupons scoped to categories use it); absent from a catalog older than coupons. */
  categoryId?: string;
  productTitle: string;
  skuName: string;
  priceFen: number;
  stock: number;
  onSale: boolean;
  imageUrl: string | null;
}

/** One line of a reservation. */
export class StockLine {
  @Matches(ID_PATTERN)
  skuId: string;

  @IsInt()
  @Min(1)
  @Max(999)
  quantity: number;
}

/** Take units out of stock for an order, all lines or none. */
export class ReserveStockRequest {
  @Matches(ID_PATTERN)
  orderId: string;

  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => StockLine)
  lines: StockLine[];
}

/** Release or confirm what an order reserved. */
export class StockOrderRequest {
  @Matches(ID_PATTERN)
  orderId: string;
}

/** The state of an order's reservation after a stock message. */
export interface StockReservation {
  orderId: string;
  status: 'reserved' | 'released' | 'confirmed';
  lines: { skuId: string; quantity: number }[];
}
