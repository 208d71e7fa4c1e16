import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isDuplicateKey, WriteResult } from '#libs/database';
import { AppointmentSlot } from '../entities/appointment-slot.entity';

/** A slot to create. */
export type NewSlot = Pick<AppointmentSlot, 'id' | 'resourceId' | 'startsAt' | 'endsAt' | 'capacity'>;

/** What a booking needs to know of its slot, read on the locked row. */
export interface BookableSlot {
  id: string;
  resourceId: string;
  resourceActive: boolean;
  isOpen: boolean;
  startsAt: Date;
  capacity: number;
  booked: number;
}

/** One of the new slots starts when an existing slot of the same resource does. */
export class DuplicateSlotError extends Error {}

/** Storage of slots; the number of places taken changes only in booking and cancelling transactions (takePlace, freePlace). */
@Injectable()
export class AppointmentSlotRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get slots() {
    return this.dataSource.getRepository(AppointmentSlot);
  }

  /** Creates the slots together, or none of them. */
  async insertAll(slots: NewSlot[]): Promise<AppointmentSlot[]> {
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.getRepository(AppointmentSlot).insert(slots.map((slot) => ({ ...slot, booked: 0, isOpen: true })));
      });
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateSlotError();
      throw error;
    }
    return this.slots.find({ where: slots.map((slot) => ({ id: slot.id })), order: { startsAt: 'ASC' } });
  }

  /**
   * A slot and whether its resource is active, the slot's row locked until `manager`'s transaction ends, so bookings of
   * one slot take turns (the resource row is only read: bookings of its other slots do not wait).
   */
  async lockForBooking(manager: EntityManager, id: string): Promise<BookableSlot | null> {
    const [slot]: { resourceId: string; isOpen: number; startsAt: Date; capacity: number; booked: number }[] = await manager.query(
      'SELECT resource_id AS resourceId, is_open AS isOpen, starts_at AS startsAt, capacity, booked FROM appointment_slots WHERE id = ? FOR UPDATE',
      [id],
    );
    if (!slot) return null;
    const [resource]: { active: number }[] = await manager.query('SELECT active FROM appointment_resources WHERE id = ?', [slot.resourceId]);
    return {
      id,
      resourceId: slot.resourceId,
      resourceActive: Boolean(Number(resource?.active)),
      isOpen: Boolean(Number(slot.isOpen)),
      startsAt: slot.startsAt,
      capacity: Number(slot.capacity),
      booked: Number(slot.booked),
    };
  }

  /** One more place of a locked slot is taken. */
  async takePlace(manager: EntityManager, id: string): Promise<void> {
    await manager.query('UPDATE appointment_slots SET booked = booked + 1 WHERE id = ?', [id]);
  }

  /** A place of a slot is free again (a cancelled booking). */
  async freePlace(manager: EntityManager, id: string): Promise<void> {
    await manager.query('UPDATE appointment_slots SET booked = booked - 1 WHERE id = ? AND booked > 0', [id]);
  }

  findById(id: string): Promise<AppointmentSlot | null> {
    return this.slots.findOneBy({ id });
  }

  /** A resource's slots starting in [from, to), earliest first; `bookableAfter` keeps only open ones starting later than it. */
  findStarting(resourceId: string, from: Date, to: Date, bookableAfter?: Date): Promise<AppointmentSlot[]> {
    const query = this.slots
      .createQueryBuilder('s')
      .where('s.resource_id = :resourceId AND s.starts_at >= :from AND s.starts_at < :to', { resourceId, from, to })
      .orderBy('s.starts_at', 'ASC')
      .limit(500);
    if (bookableAfter) query.andWhere('s.is_open = 1 AND s.starts_at > :after', { after: bookableAfter });
    return query.getMany();
  }

  /** Changes capacity and/or openness; a capacity below the places already booked is refused ('below_booked'). */
  async update(id: string, changes: { capacity?: number; isOpen?: boolean }): Promise<'updated' | 'missing' | 'below_booked'> {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (changes.capacity !== undefined) {
      sets.push('capacity = ?');
      params.push(changes.capacity);
    }
    if (changes.isOpen !== undefined) {
      sets.push('is_open = ?');
      params.push(changes.isOpen ? 1 : 0);
    }
    if (!sets.length) return (await this.slots.countBy({ id })) ? 'updated' : 'missing';
    const guard = changes.capacity !== undefined ? ' AND booked <= ?' : '';
    const result = await this.dataSource.query<WriteResult>(`UPDATE appointment_slots SET ${sets.join(', ')} WHERE id = ?${guard}`, [
      ...params,
      id,
      ...(changes.capacity !== undefined ? [changes.capacity] : []),
    ]);
    if (result.affectedRows === 1) return 'updated';
    return (await this.slots.countBy({ id })) ? 'below_booked' : 'missing';
  }
}
