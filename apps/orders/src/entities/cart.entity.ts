import { Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '#libs/database';

/** A user's cart: its row is what concurrent additions of lines lock, so the line limit holds across replicas. */
@Entity({ name: 'carts' })
export class Cart {
  @PrimaryColumn({ name: 'user_id', type: 'char', length: 26 })
  userId: string;

  @CreatedAtColumn()
  createdAt: Date;
}
