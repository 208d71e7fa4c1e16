import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamped } from '#libs/database';

/**
 * One line of a user's cart: a SKU and how many. The catalog's description of the SKU when the line was last set is
 * kept only to show a SKU the catalog no longer knows; prices and stock shown are always read from the catalog.
 */
@Entity({ name: 'cart_items' })
export class CartItem extends Timestamped {
  @PrimaryColumn({ name: 'user_id', type: 'char', length: 26 })
  userId: string;

  @PrimaryColumn({ name: 'sku_id', type: 'char', length: 26 })
  skuId: string;

  @Column({ type: 'smallint', unsigned: true })
  quantity: number;

  @Column({ name: 'product_id', type: 'char', length: 26 })
  productId: string;

  @Column({ name: 'product_title', type: 'varchar', length: 255 })
  productTitle: string;

  @Column({ name: 'sku_name', type: 'varchar', length: 128 })
  skuName: string;

  @Column({ name: 'image_url', type: 'varchar', length: 1024, nullable: true })
  imageUrl: string | null;

  @Column({ name: 'price_fen', type: 'int', unsigned: true })
  priceFen: number;
}
