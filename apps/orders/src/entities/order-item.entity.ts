import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One line of an order: the SKU as the catalog described and priced it when the order was placed. */
@Entity({ name: 'order_items' })
export class OrderItem {
  @PrimaryColumn({ name: 'order_id', type: 'char', length: 26 })
  orderId: string;

  @PrimaryColumn({ name: 'sku_id', type: 'char', length: 26 })
  skuId: string;

  @Column({ name: 'line_no', type: 'smallint', unsigned: true })
  lineNo: number;

  @Column({ name: 'product_id', type: 'char', length: 26 })
  productId: string;

  @Column({ name: 'product_title', type: 'varchar', length: 255 })
  productTitle: string;

  @Column({ name: 'sku_name', type: 'varchar', length: 128 })
  skuName: string;

  @Column({ name: 'image_url', type: 'varchar', length: 1024, nullable: true })
  imageUrl: string | null;

  @Column({ name: 'unit_price_fen', type: 'int', unsigned: true })
  unitPriceFen: number;

  @Column({ type: 'int', unsigned: true })
  quantity: number;

  @Column({ name: 'subtotal_fen', type: 'int', unsigned: true })
  subtotalFen: number;

  /** This line's share of the order's coupon discount (what a refund of the line takes into account). */
  @Column({ name: 'discount_fen', type: 'int', unsigned: true, default: 0 })
  discountFen: number;
}
