import { SkuSnapshot } from '#libs/contracts';
import { AppError, ErrorDetail } from '#libs/errors';
import { MAX_LINE_QUANTITY } from '../dtos/create-order.dto';
import { OrderItem } from '../entities/order-item.entity';

/** The database column is INT UNSIGNED; WeChat Pay takes far less than this anyway. */
export const MAX_TOTAL_FEN = 2_000_000_000;

/** A cart line after merging repeated SKUs. */
export interface CartLine {
  skuId: string;
  quantity: number;
  /** Where the SKU first appeared in the request, for error details. */
  index: number;
}

/** An order line priced from the catalog, before it belongs to an order. */
export type PricedLine = Omit<OrderItem, 'orderId'>;

const invalid = (details: ErrorDetail[]) => new AppError('VALIDATION_FAILED', 'Request validation failed', details);

/** One line per SKU, in the order SKUs first appear, quantities added up; more than MAX_LINE_QUANTITY of one SKU is refused. */
export function mergeLines(items: readonly { skuId: string; quantity: number }[]): CartLine[] {
  const lines = new Map<string, CartLine>();
  items.forEach((item, index) => {
    const line = lines.get(item.skuId) ?? { skuId: item.skuId, quantity: 0, index };
    line.quantity += item.quantity;
    lines.set(item.skuId, line);
  });
  const tooMany = [...lines.values()].filter((line) => line.quantity > MAX_LINE_QUANTITY);
  if (tooMany.length)
    throw invalid(tooMany.map((line) => ({ field: `items.${line.index}.quantity`, message: `at most ${MAX_LINE_QUANTITY} of one SKU per order` })));
  return [...lines.values()];
}

/** Order lines priced from the catalog's snapshots; unknown, off-sale or short SKUs refuse the whole order. */
export function priceLines(lines: readonly CartLine[], snapshots: readonly SkuSnapshot[]): PricedLine[] {
  const bySku = new Map(snapshots.map((snapshot) => [snapshot.skuId, snapshot]));
  const missing: ErrorDetail[] = [];
  const offSale: ErrorDetail[] = [];
  const short: ErrorDetail[] = [];
  for (const line of lines) {
    const snapshot = bySku.get(line.skuId);
    const field = `items.${line.index}.skuId`;
    if (!snapshot) missing.push({ field, message: `no SKU ${line.skuId}` });
    else if (!snapshot.onSale) offSale.push({ field, message: `SKU ${line.skuId} is not on sale` });
    else if (snapshot.stock < line.quantity)
      short.push({ field: `items.${line.index}.quantity`, message: `only ${Math.max(snapshot.stock, 0)} left of SKU ${line.skuId}` });
  }
  if (missing.length) throw new AppError('SKU_NOT_FOUND', 'Some SKUs do not exist', missing);
  if (offSale.length) throw new AppError('SKU_NOT_ON_SALE', 'Some SKUs are not on sale', offSale);
  if (short.length) throw new AppError('INSUFFICIENT_STOCK', 'Not enough stock', short);
  return lines.map((line, lineNo) => {
    const snapshot = bySku.get(line.skuId)!;
    if (!Number.isInteger(snapshot.priceFen) || snapshot.priceFen < 0) throw new Error(`catalog sent a bad price for ${line.skuId}`);
    return {
      skuId: line.skuId,
      lineNo,
      productId: snapshot.productId,
      productTitle: snapshot.productTitle.slice(0, 255),
      skuName: snapshot.skuName.slice(0, 128),
      imageUrl: snapshot.imageUrl && snapshot.imageUrl.length <= 1024 ? snapshot.imageUrl : null,
      unitPriceFen: snapshot.priceFen,
      quantity: line.quantity,
      subtotalFen: snapshot.priceFen * line.quantity,
    };
  });
}

/** The total of priced lines, refused when it is 0 or more than MAX_TOTAL_FEN. */
export function orderTotal(items: readonly PricedLine[]): number {
  const totalFen = items.reduce((sum, item) => sum + item.subtotalFen, 0);
  if (totalFen > MAX_TOTAL_FEN) throw invalid([{ field: 'items', message: 'the order total is too large' }]);
  if (totalFen <= 0) throw invalid([{ field: 'items', message: 'the order total must be more than 0' }]);
  return totalFen;
}

/** How many units the lines hold in all. */
export function unitCount(items: readonly { quantity: number }[]): number {
  return items.reduce((sum, item) => sum + item.quantity, 0);
}
