import { SkuSnapshot } from '#libs/contracts';
import { CartDto } from '../dtos/cart.dto';
import { CartItem } from '../entities/cart-item.entity';
import { CartLineValues } from '../repositories/cart.repository';

/**
 * The cart as the user sees it: each line with the catalog's name, price and stock of today. A SKU off sale is not
 * available; a SKU the catalog no longer knows shows what the line last saw of it, with no stock, not available.
 * The total adds up the available lines.
 */
export function priceCart(lines: readonly CartItem[], snapshots: readonly SkuSnapshot[]): CartDto {
  const bySku = new Map(snapshots.map((snapshot) => [snapshot.skuId, snapshot]));
  const items = lines.map((line) => {
    const snapshot = bySku.get(line.skuId);
    if (!snapshot) {
      const { skuId, productId, productTitle: title, skuName, imageUrl, priceFen, quantity } = line;
      return { skuId, productId, title, skuName, imageUrl, priceFen, quantity, stock: 0, available: false };
    }
    return {
      skuId: line.skuId,
      productId: snapshot.productId,
      title: snapshot.productTitle,
      skuName: snapshot.skuName,
      imageUrl: snapshot.imageUrl,
      priceFen: snapshot.priceFen,
      quantity: line.quantity,
      stock: Math.max(snapshot.stock, 0),
      available: snapshot.onSale,
    };
  });
  const totalFen = items.reduce((sum, item) => (item.available ? sum + item.priceFen * item.quantity : sum), 0);
  return { items, totalFen };
}

/** A line's stored values: the quantity and the catalog's description of its SKU, cut to the columns' sizes. */
export function cartLineValues(userId: string, snapshot: SkuSnapshot, quantity: number): CartLineValues {
  return {
    userId,
    skuId: snapshot.skuId,
    quantity,
    productId: snapshot.productId,
    productTitle: snapshot.productTitle.slice(0, 255),
    skuName: snapshot.skuName.slice(0, 128),
    imageUrl: snapshot.imageUrl && snapshot.imageUrl.length <= 1024 ? snapshot.imageUrl : null,
    priceFen: Math.max(0, Math.trunc(snapshot.priceFen)),
  };
}
