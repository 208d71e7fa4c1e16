import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isDuplicateKey } from '#libs/database';
import { AppointmentSlot } from '../entities/appointment-slot.entity';

/** A slot to create. */
export type NewSlot = Pick<AppointmentSlot, 'id' | 'resourceId' | 'startsAt' | 'endsAt' | 'capacity'>;

/** One of the new slots starts when an existing slot of the same resource does. */
export class DuplicateSlotError extends Error {}

/** Storage of slots; the number of places taken changes only through AppointmentRepository's booking transactions. */
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
    const result = await this.dataSource.query(`UPDATE appointment_slots SET ${sets.join(', ')} WHERE id = ?${guard}`, [...params, id, ...(changes.capacity !== undefined ? [changes.capacity] : [])]);
    if (result.affectedRows === 1) return 'updated';
    return (await this.slots.countBy({ id })) ? 'below_booked' : 'missing';
  }
}
