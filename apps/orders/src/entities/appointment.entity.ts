import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '#libs/database';
import type { ActorKind } from './order-event.entity';

/** A booking's states: it holds a place while `booked`; a cancelled one has given it back. */
export type AppointmentStatus = 'booked' | 'cancelled';

/** A user's booking of one place in a slot. */
@Entity({ name: 'appointments' })
export class Appointment {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'user_id', type: 'char', length: 26 })
  userId: string;

  @Column({ name: 'slot_id', type: 'char', length: 26 })
  slotId: string;

  @Column({ name: 'resource_id', type: 'char', length: 26 })
  resourceId: string;

  @Column({ type: 'varchar', length: 16 })
  status: AppointmentStatus;

  @Column({ name: 'contact_name', type: 'varchar', length: 64 })
  contactName: string;

  @Column({ name: 'contact_phone', type: 'varchar', length: 20 })
  contactPhone: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  remark: string | null;

  @Column({ name: 'cancelled_at', type: 'datetime', precision: 3, nullable: true })
  cancelledAt: Date | null;

  @Column({ name: 'cancelled_by_kind', type: 'varchar', length: 8, nullable: true })
  cancelledByKind: ActorKind | null;

  @Column({ name: 'cancelled_by_id', type: 'char', length: 26, nullable: true })
  cancelledById: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
