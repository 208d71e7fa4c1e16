import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, Not } from 'typeorm';
import { Address } from '../entities/address.entity';

/** The fields of a new address; the times are the database's. */
export type NewAddress = Omit<Address, 'createdAt' | 'updatedAt'>;

/** What an edit may change (the default flag has its own methods). */
export type AddressChanges = Partial<Pick<Address, 'name' | 'phone' | 'province' | 'city' | 'district' | 'detail' | 'postalCode'>>;

/** Storage of the address book. Writes take the manager of a transaction that holds lockBookOf. */
@Injectable()
export class AddressRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private addresses(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(Address);
  }

  /**
   * Locks the user's row until `manager`'s transaction ends: every change of one user's address book takes this lock
   * first, so on any replica they take turns (the count and the default are read and written under it). False for an
   * unknown user.
   */
  async lockBookOf(manager: EntityManager, userId: string): Promise<boolean> {
    const rows: { id: string }[] = await manager.query('SELECT id FROM users WHERE id = ? FOR UPDATE', [userId]);
    return rows.length === 1;
  }

  /** The user's addresses, the default first, then the newest first. */
  listOf(userId: string): Promise<Address[]> {
    return this.addresses().find({ where: { userId }, order: { isDefault: 'DESC', id: 'DESC' } });
  }

  countOf(manager: EntityManager, userId: string): Promise<number> {
    return this.addresses(manager).countBy({ userId });
  }

  /** One of the user's addresses (null for another user's or a missing one). */
  findOwned(userId: string, id: string, manager?: EntityManager): Promise<Address | null> {
    return this.addresses(manager).findOneBy({ id, userId });
  }

  /** The user's newest address other than `exceptId`, or null. */
  findNewestOther(manager: EntityManager, userId: string, exceptId: string): Promise<Address | null> {
    return this.addresses(manager).findOne({ where: { userId, id: Not(exceptId) }, order: { id: 'DESC' } });
  }

  async insert(manager: EntityManager, address: NewAddress): Promise<void> {
    await this.addresses(manager).insert(address);
  }

  async update(manager: EntityManager, id: string, changes: AddressChanges): Promise<void> {
    if (Object.keys(changes).length > 0) await this.addresses(manager).update({ id }, changes);
  }

  /** Makes `id` the user's one default address (the previous default, if any, is one no longer). */
  async makeDefault(manager: EntityManager, userId: string, id: string): Promise<void> {
    await manager.query('UPDATE addresses SET is_default = (id = ?) WHERE user_id = ? AND (is_default = 1 OR id = ?)', [id, userId, id]);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await this.addresses(manager).delete({ id });
  }
}
