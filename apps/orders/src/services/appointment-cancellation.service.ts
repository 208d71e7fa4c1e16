import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ActorKind } from '../entities/order-event.entity';
import { AppointmentSlotRepository } from '../repositories/appointment-slot.repository';
import { AppointmentRepository, AppointmentRow } from '../repositories/appointment.repository';

/** Cancelling bookings, by their owner or by staff: the booking is cancelled and its place freed together. */
@Injectable()
export class AppointmentCancellationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly appointments: AppointmentRepository,
    private readonly slots: AppointmentSlotRepository,
  ) {}

  /**
   * Cancels a booking still standing and frees its place, in one transaction on the locked appointment (its slot row is
   * locked by the place given back; resources are never locked here). `allow` sees the booking and its slot start and
   * throws to refuse; null when there is no such appointment.
   */
  cancel(id: string, by: { kind: ActorKind; id: string }, now: Date, allow: (row: AppointmentRow) => void): Promise<AppointmentRow | null> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.appointments.findRowForUpdate(manager, id);
      if (!row) return null;
      allow(row);
      if (await this.appointments.markCancelled(manager, id, by, now)) await this.slots.freePlace(manager, row.slotId);
      return { ...row, status: 'cancelled', cancelledAt: now, cancelledByKind: by.kind, cancelledById: by.id };
    });
  }
}
