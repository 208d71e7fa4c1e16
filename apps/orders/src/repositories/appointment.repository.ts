import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDuplicateKey, sqlConditions, WriteResult } from '#libs/database';
import { DataSource, EntityManager } from 'typeorm';
import { Appointment, AppointmentStatus } from '../entities/appointment.entity';
import type { ActorKind } from '../entities/order-event.entity';

/** A booking to make. */
export type NewAppointment = Pick<Appointment, 'id' | 'userId' | 'slotId' | 'contactName' | 'contactPhone' | 'remark'> & { idempotencyKey: string | null };

/** The insert of a booking collided: the user already has a live booking of the slot, or already used the idempotency key. */
export class BookingCollision extends Error {
  constructor(readonly reason: 'already_booked' | 'duplicate_key') {
    super(reason);
  }
}

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
 * Bookings. AppointmentBookingService inserts one in the transaction that locked its slot and took the place; a
 * cancellation gives the place back in the transaction that cancels.
 */
@Injectable()
export class AppointmentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts a booking in the transaction that took its place. A user's second live booking of a slot, or a second use
   * of an idempotency key, is a BookingCollision (the caller's transaction then rolls back).
   */
  async insertBooked(manager: EntityManager, booking: NewAppointment & { resourceId: string }): Promise<void> {
    try {
      await manager.query(
        `INSERT INTO appointments (id, user_id, slot_id, resource_id, status, active_user_id, contact_name, contact_phone, remark, idempotency_key)
         VALUES (?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?)`,
        [
          booking.id,
          booking.userId,
          booking.slotId,
          booking.resourceId,
          booking.userId,
          booking.contactName,
          booking.contactPhone,
          booking.remark,
          booking.idempotencyKey,
        ],
      );
    } catch (error) {
      if (isDuplicateKey(error, 'uq_appointments_live')) throw new BookingCollision('already_booked');
      if (isDuplicateKey(error, 'uq_appointments_user_idempotency')) throw new BookingCollision('duplicate_key');
      throw error;
    }
  }

  /** An appointment with its slot and resource, the appointment's row alone locked until `manager`'s transaction ends. */
  async findRowForUpdate(manager: EntityManager, id: string): Promise<AppointmentRow | null> {
    const locked: { id: string }[] = await manager.query('SELECT id FROM appointments WHERE id = ? FOR UPDATE', [id]);
    if (!locked.length) return null;
    const [row]: AppointmentRow[] = await manager.query(`${SELECT_ROWS} WHERE a.id = ?`, [id]);
    return row ?? null;
  }

  /** Cancels a booking if it is still standing; returns whether it was. */
  async markCancelled(manager: EntityManager, id: string, by: { kind: ActorKind; id: string }, now: Date): Promise<boolean> {
    const result = await manager.query<WriteResult>(
      `UPDATE appointments SET status = 'cancelled', active_user_id = NULL, cancelled_at = ?, cancelled_by_kind = ?, cancelled_by_id = ? WHERE id = ? AND status = 'booked'`,
      [now, by.kind, by.id, id],
    );
    return result.affectedRows === 1;
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
    const { where, params } = sqlConditions(
      [],
      [
        ['a.user_id = ?', filter.userId],
        ['a.resource_id = ?', filter.resourceId],
        ['a.slot_id = ?', filter.slotId],
        ['a.status = ?', filter.status],
        ['s.starts_at >= ?', filter.startsFrom],
        ['s.starts_at < ?', filter.startsTo],
        ['a.id < ?', filter.beforeId],
      ],
    );
    return this.dataSource.query(`${SELECT_ROWS} WHERE ${where} ORDER BY a.id DESC LIMIT ?`, [...params, filter.limit + 1]);
  }
}
