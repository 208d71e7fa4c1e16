import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamped } from '#libs/database';

/** A purchasable variant of a product, with its own price and stock. */
@Entity({ name: 'skus' })
export class Sku extends Timestamped {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'product_id', type: 'char', length: 26 })
  productId: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ name: 'price_fen', type: 'int' })
  priceFen: number;

  @Column({ type: 'int' })
  stock: number;

  @Column({ name: 'sort_order', type: 'int', default: 0 })
  sortOrder: number;
}
