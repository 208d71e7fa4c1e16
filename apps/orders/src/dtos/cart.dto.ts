/** A line of the cart, with the catalog's name, price and stock of today. */
export class CartItemDto {
  skuId: string;
  productId: string;
  /** The product's title. */
  title: string;
  skuName: string;
  imageUrl: string | null;
  /** Today's price of one unit, in fen (for a SKU the catalog no longer has: the last price seen). */
  priceFen: number;
  quantity: number;
  /** Units in stock now (0 for a SKU the catalog no longer has). */
  stock: number;
  /** false when the SKU is off sale or gone: such a line is not in `totalFen` and cannot be ordered. */
  available: boolean;
}

/** The caller's cart. */
export class CartDto {
  /** The most recently added line first. */
  items: CartItemDto[];
  /** The sum of the available lines at today's prices, in fen. */
  totalFen: number;
}
