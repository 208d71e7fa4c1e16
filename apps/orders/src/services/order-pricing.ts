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
      discountFen: 0,
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

/** What a coupon takes off, as pricing needs it. */
export interface CouponTerms {
  kind: 'amount' | 'percent';
  /** `amount`: fen off. */
  amountFen: number | null;
  /** `percent`: 1–100 percent off the lines in scope, rounded down to the fen (in the merchant's favour). */
  percentOff: number | null;
  /** The lines in scope must add up to at least this. */
  minSpendFen: number;
  /** Only lines of these products (and/or of the categories below) count; both empty: every line. */
  productIds: readonly string[];
  categoryIds: readonly string[];
}

/** A line as the discount sees it: its subtotal and what puts it in or out of a coupon's scope. */
export interface DiscountLine {
  productId: string;
  categoryId: string | null;
  subtotalFen: number;
}

/** A coupon applied to lines: the discount, and each line's share of it (same order as the lines; 0 for lines out of scope). */
export interface Discount {
  discountFen: number;
  lineDiscountsFen: number[];
}

/** Why a coupon does not apply to the lines. */
export type DiscountRefusal = { reason: 'out_of_scope' } | { reason: 'min_spend'; eligibleFen: number; minSpendFen: number };

/** Whether a line is in a coupon's scope. */
export function inCouponScope(terms: Pick<CouponTerms, 'productIds' | 'categoryIds'>, line: Pick<DiscountLine, 'productId' | 'categoryId'>): boolean {
  if (!terms.productIds.length && !terms.categoryIds.length) return true;
  return terms.productIds.includes(line.productId) || (line.categoryId !== null && terms.categoryIds.includes(line.categoryId));
}

/**
 * The discount of a coupon on an order's lines: amount off, or percent off the lines in scope rounded down; never more
 * than the lines in scope, and never so much that the order would cost less than 1 fen. It is spread over the lines in
 * scope in proportion to their subtotals (largest remainders get the odd fen), so every line knows its share for a
 * refund and the shares add up to the discount.
 */
export function couponDiscount(terms: CouponTerms, lines: readonly DiscountLine[]): Discount | DiscountRefusal {
  const eligible = lines.map((line) => inCouponScope(terms, line));
  if (!eligible.some(Boolean)) return { reason: 'out_of_scope' };
  const eligibleFen = lines.reduce((sum, line, index) => sum + (eligible[index] ? line.subtotalFen : 0), 0);
  if (eligibleFen < terms.minSpendFen) return { reason: 'min_spend', eligibleFen, minSpendFen: terms.minSpendFen };
  const totalFen = lines.reduce((sum, line) => sum + line.subtotalFen, 0);
  const raw = terms.kind === 'amount' ? (terms.amountFen ?? 0) : Math.floor((eligibleFen * (terms.percentOff ?? 0)) / 100);
  const discountFen = Math.max(0, Math.min(raw, eligibleFen, totalFen - 1));
  return { discountFen, lineDiscountsFen: spread(discountFen, lines, eligible, eligibleFen) };
}

/** `amount` over the eligible lines in proportion to their subtotals (largest remainder; ties to the earlier line). */
function spread(amount: number, lines: readonly DiscountLine[], eligible: boolean[], eligibleFen: number): number[] {
  const shares = lines.map(() => 0);
  if (amount === 0 || eligibleFen === 0) return shares;
  // BigInt: amount × subtotal can pass 2^53.
  const remainders: { index: number; remainder: bigint }[] = [];
  let given = 0;
  lines.forEach((line, index) => {
    if (!eligible[index]) return;
    const product = BigInt(amount) * BigInt(line.subtotalFen);
    const share = Number(product / BigInt(eligibleFen));
    shares[index] = share;
    given += share;
    remainders.push({ index, remainder: product % BigInt(eligibleFen) });
  });
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (let left = amount - given, next = 0; left > 0; left--, next++) shares[remainders[next].index]++;
  return shares;
}

/** Priced lines as a coupon's discount sees them: their subtotals, products and (from the catalog's snapshots) categories. */
export function discountLines(items: readonly Pick<PricedLine, 'skuId' | 'productId' | 'subtotalFen'>[], snapshots: readonly SkuSnapshot[]): DiscountLine[] {
  const categories = new Map(snapshots.map((snapshot) => [snapshot.skuId, snapshot.categoryId ?? null]));
  return items.map((item) => ({ productId: item.productId, categoryId: categories.get(item.skuId) ?? null, subtotalFen: item.subtotalFen }));
}
