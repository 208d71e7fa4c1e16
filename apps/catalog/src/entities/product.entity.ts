import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BooleanColumn, StringListColumn, Timestamped } from '#libs/database';

/** A product on sale (or not) in a category; what is bought are its SKUs. */
@Entity({ name: 'products' })
export class Product extends Timestamped {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'category_id', type: 'char', length: 26 })
  categoryId: string;

  @Column({ type: 'varchar', length: 120 })
  title: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  subtitle: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Upload ids or https URLs, first one is the cover. */
  @StringListColumn()
  images: string[];

  @BooleanColumn({ name: 'on_sale' })
  onSale: boolean;

  @BooleanColumn()
  featured: boolean;

  /** The cheapest SKU's price, kept for lists. */
  @Column({ name: 'min_price_fen', type: 'int' })
  minPriceFen: number;
}
