import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BooleanColumn, CreatedAtColumn, UpdatedAtColumn } from '#libs/database';

/** Something people book time with: a service, a room, a doctor. */
@Entity({ name: 'appointment_resources' })
export class AppointmentResource {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** Free text chosen by staff: `service`, `room`, `doctor`... */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @BooleanColumn()
  active: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
