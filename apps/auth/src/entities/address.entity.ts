import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BooleanColumn, CreatedAtColumn, UpdatedAtColumn } from '#libs/database';

/** One delivery address of a user's address book (mainland China: province, city, district, then the street detail). */
@Entity({ name: 'addresses' })
export class Address {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'user_id', type: 'char', length: 26 })
  userId: string;

  /** Who receives deliveries there. */
  @Column({ type: 'varchar', length: 32 })
  name: string;

  @Column({ type: 'varchar', length: 11 })
  phone: string;

  @Column({ type: 'varchar', length: 32 })
  province: string;

  @Column({ type: 'varchar', length: 32 })
  city: string;

  @Column({ type: 'varchar', length: 32 })
  district: string;

  @Column({ type: 'varchar', length: 120 })
  detail: string;

  @Column({ name: 'postal_code', type: 'char', length: 6, nullable: true })
  postalCode: string | null;

  @BooleanColumn({ name: 'is_default' })
  isDefault: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
