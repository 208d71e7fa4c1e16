import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamped } from '#libs/database';

/** Units of one SKU held for one order: reserved, then released (back to stock) or confirmed (sold). */
@Entity({ name: 'stock_reservations' })
export class StockReservationLine extends Timestamped {
  @PrimaryColumn({ name: 'order_id', type: 'char', length: 26 })
  orderId: string;

  @PrimaryColumn({ name: 'sku_id', type: 'char', length: 26 })
  skuId: string;

  @Column({ type: 'int' })
  quantity: number;

  @Column({ type: 'varchar', length: 16 })
  status: 'reserved' | 'released' | 'confirmed';
}
