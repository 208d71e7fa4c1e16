import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDuplicateKey, sqlConditions } from '#libs/database';
import { DataSource, EntityManager } from 'typeorm';
import { Appointment, AppointmentStatus } from '../entities/appointment.entity';
import type { ActorKind } from '../entities/order-event.entity';

/** A booking to make. */
export type NewAppointment = Pick<Appointment, 'id' | 'userId' | 'slotId' | 'contactName' | 'contactPhone' | 'remark'> & { idempotencyKey: string | null };

/** Why a booking did not happen. */
export type BookingRefusal = 'missing' | 'closed' | 'past' | 'full' | 'already_booked' | 'duplicate_key';

/** An appointment with the slot and resource it is for. */
export interface AppointmentRow extends Appointment {
  startsAt: Date;
  endsAt: Date;
  resourceName: string;
}

/** Filters of an appointment list. */
export interface AppointmentFilter {
  userId?: string;
  resourceId?: string;
  slotId?: string;
  status?: AppointmentStatus;
  startsFrom?: Date;
  startsTo?: Date;
  beforeId?: string;
  limit: number;
}

const SELECT_ROWS = `SELECT a.id, a.user_id AS userId, a.slot_id AS slotId, a.resource_id AS resourceId, a.status, a.contact_name AS contactName,
  a.contact_phone AS contactPhone, a.remark, a.cancelled_at AS cancelledAt, a.cancelled_by_kind AS cancelledByKind, a.cancelled_by_id AS cancelledById,
  a.created_at AS createdAt, a.updated_at AS updatedAt, s.starts_at AS startsAt, s.ends_at AS endsAt, r.name AS resourceName
  FROM appointments a JOIN appointment_slots s ON s.id = a.slot_id JOIN appointment_resources r ON r.id = a.resource_id`;

/**
 * Bookings. A booking takes a place with one conditional update (`booked < capacity`, open, in the future, resource
 * active) and inserts the appointment in the same transaction, so concurrent bookings can never exceed capacity; a
 * cancellation gives the place back in the transaction that cancels.
 */
@Injectable()
export class AppointmentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Books one place, or says why not; nothing is written on a refusal. */
  async book(booking: NewAppointment, now: Date): Promise<{ booked: true } | { booked: false; reason: BookingRefusal }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const taken = await manager.query(
          `UPDATE appointment_slots s JOIN appointment_resources r ON r.id = s.resource_id SET s.booked = s.booked + 1
           WHERE s.id = ? AND s.is_open = 1 AND r.active = 1 AND s.starts_at > ? AND s.booked < s.capacity`,
          [booking.slotId, now],
        );
        if (taken.affectedRows !== 1) return { booked: false as const, reason: await this.refusalReason(manager, booking.slotId, now) };
        await manager.query(
          `INSERT INTO appointments (id, user_id, slot_id, resource_id, status, active_user_id, contact_name, contact_phone, remark, idempotency_key)
           SELECT ?, ?, s.id, s.resource_id, 'booked', ?, ?, ?, ?, ? FROM appointment_slots s WHERE s.id = ?`,
          [booking.id, booking.userId, booking.userId, booking.contactName, booking.contactPhone, booking.remark, booking.idempotencyKey, booking.slotId],
        );
        return { booked: true as const };
      });
    } catch (error) {
      if (isDuplicateKey(error, 'uq_appointments_live')) return { booked: false, reason: 'already_booked' };
      if (isDuplicateKey(error, 'uq_appointments_user_idempotency')) return { booked: false, reason: 'duplicate_key' };
      throw error;
    }
  }

  /**
   * Cancels a booking still standing and frees its place, in one transaction on the locked row. `allow` sees the
   * booking and its slot start and may throw to refuse; returns null when there is no such appointment.
   */
  async cancel(id: string, by: { kind: ActorKind; id: string }, now: Date, allow: (row: AppointmentRow) => void): Promise<AppointmentRow | null> {
    return this.dataSource.transaction(async (manager) => {
      // Lock the appointment alone: the slot row is locked by the update below, resources are never locked here.
      const locked: { id: string }[] = await manager.query('SELECT id FROM appointments WHERE id = ? FOR UPDATE', [id]);
      if (!locked.length) return null;
      const [row]: AppointmentRow[] = await manager.query(`${SELECT_ROWS} WHERE a.id = ?`, [id]);
      allow(row);
      const cancelled = await manager.query(
        `UPDATE appointments SET status = 'cancelled', active_user_id = NULL, cancelled_at = ?, cancelled_by_kind = ?, cancelled_by_id = ? WHERE id = ? AND status = 'booked'`,
        [now, by.kind, by.id, id],
      );
      if (cancelled.affectedRows === 1) await manager.query('UPDATE appointment_slots SET booked = booked - 1 WHERE id = ? AND booked > 0', [row.slotId]);
      return { ...row, status: 'cancelled', cancelledAt: now, cancelledByKind: by.kind, cancelledById: by.id };
    });
  }

  async findRow(id: string): Promise<AppointmentRow | null> {
    const [row]: AppointmentRow[] = await this.dataSource.query(`${SELECT_ROWS} WHERE a.id = ?`, [id]);
    return row ?? null;
  }

  /** The appointment a user booked with this (hashed) idempotency key. */
  async findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<AppointmentRow | null> {
    const [row]: AppointmentRow[] = await this.dataSource.query(`${SELECT_ROWS} WHERE a.user_id = ? AND a.idempotency_key = ?`, [userId, idempotencyKey]);
    return row ?? null;
  }

  /** A page of appointments, newest booking first, `limit + 1` rows. */
  list(filter: AppointmentFilter): Promise<AppointmentRow[]> {
    const { where, params } = sqlConditions([], [
      ['a.user_id = ?', filter.userId],
      ['a.resource_id = ?', filter.resourceId],
      ['a.slot_id = ?', filter.slotId],
      ['a.status = ?', filter.status],
      ['s.starts_at >= ?', filter.startsFrom],
      ['s.starts_at < ?', filter.startsTo],
      ['a.id < ?', filter.beforeId],
    ]);
    return this.dataSource.query(`${SELECT_ROWS} WHERE ${where} ORDER BY a.id DESC LIMIT ?`, [...params, filter.limit + 1]);
  }

  /** Asked on the booking's own connection: it holds the slot's row lock, and the pool may have no other to give. */
  private async refusalReason(manager: EntityManager, slotId: string, now: Date): Promise<BookingRefusal> {
    const [slot]: { isOpen: number; active: number; startsAt: Date; full: number }[] = await manager.query(
      `SELECT s.is_open AS isOpen, r.active, s.starts_at AS startsAt, s.booked >= s.capacity AS full
       FROM appointment_slots s JOIN appointment_resources r ON r.id = s.resource_id WHERE s.id = ?`,
      [slotId],
    );
    if (!slot) return 'missing';
    if (!Number(slot.active) || !Number(slot.isOpen)) return 'closed';
    if (slot.startsAt <= now) return 'past';
    return Number(slot.full) ? 'full' : 'closed';
  }
}
