import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '#libs/database';
import type { OrderStatus } from './order.entity';

/** Who moves an order: its owner, staff, the system (expiry, sweeper) or WeChat Pay (a notification). */
export type ActorKind = 'user' | 'staff' | 'system' | 'wechat';

/** One change of an order's status: who made it, when and why. Written in the same transaction as the change. */
@Entity({ name: 'order_events' })
export class OrderEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'order_id', type: 'char', length: 26 })
  orderId: string;

  @Column({ name: 'from_status', type: 'varchar', length: 20, nullable: true })
  fromStatus: OrderStatus | null;

  @Column({ name: 'to_status', type: 'varchar', length: 20 })
  toStatus: OrderStatus;

  @Column({ name: 'actor_kind', type: 'varchar', length: 8 })
  actorKind: ActorKind;

  @Column({ name: 'actor_id', type: 'varchar', length: 64, nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason: string | null;

  @CreatedAtColumn()
  createdAt: Date;
}
