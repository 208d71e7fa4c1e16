import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ActorKind } from '../entities/order-event.entity';
import { AppointmentSlotRepository } from '../repositories/appointment-slot.repository';
import { AppointmentRepository, AppointmentRow } from '../repositories/appointment.repository';
import { OrderEventsPublisher } from './order-events.publisher';

/** Cancelling bookings, by their owner or by staff: the booking is cancelled and its place freed together. */
@Injectable()
export class AppointmentCancellationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly appointments: AppointmentRepository,
    private readonly slots: AppointmentSlotRepository,
    private readonly events: OrderEventsPublisher,
  ) {}

  /**
   * Cancels a booking still standing and frees its place, in one transaction on the locked appointment (its slot row is
   * locked by the place given back; resources are never locked here). `allow` sees the booking and its slot start and
   * throws to refuse; null when there is no such appointment. A booking cancelled now is announced once committed.
   */
  async cancel(id: string, by: { kind: ActorKind; id: string }, now: Date, allow: (row: AppointmentRow) => void): Promise<AppointmentRow | null> {
    let cancelledNow = false;
    const cancelled = await this.dataSource.transaction(async (manager): Promise<AppointmentRow | null> => {
      const row = await this.appointments.findRowForUpdate(manager, id);
      if (!row) return null;
      allow(row);
      cancelledNow = await this.appointments.markCancelled(manager, id, by, now);
      if (cancelledNow) await this.slots.freePlace(manager, row.slotId);
      return { ...row, status: 'cancelled', cancelledAt: now, cancelledByKind: by.kind, cancelledById: by.id };
    });
    if (cancelled && cancelledNow) await this.events.bookingCancelled(cancelled);
    return cancelled;
  }
}
