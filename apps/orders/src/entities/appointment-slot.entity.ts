import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BooleanColumn, CreatedAtColumn, UpdatedAtColumn } from '#libs/database';

/** A bookable time of a resource with a number of places; `booked` never exceeds `capacity`. */
@Entity({ name: 'appointment_slots' })
export class AppointmentSlot {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'resource_id', type: 'char', length: 26 })
  resourceId: string;

  @Column({ name: 'starts_at', type: 'datetime', precision: 3 })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'datetime', precision: 3 })
  endsAt: Date;

  @Column({ type: 'int', unsigned: true })
  capacity: number;

  @Column({ type: 'int', unsigned: true })
  booked: number;

  /** Staff can close a slot to new bookings; existing ones stand. */
  @BooleanColumn({ name: 'is_open' })
  isOpen: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
