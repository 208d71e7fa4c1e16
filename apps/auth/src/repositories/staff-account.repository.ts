import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { StaffRole } from '#libs/auth';
import { AppError } from '#libs/errors';
import { isDuplicateKey, newId } from '#libs/database';
import { StaffAccount } from '../entities/staff-account.entity';

/** Storage of staff accounts. */
@Injectable()
export class StaffAccountRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get accounts() {
    return this.dataSource.getRepository(StaffAccount);
  }

  /** The account with its password hash, for checking a login. */
  findForLogin(username: string): Promise<StaffAccount | null> {
    return this.accounts.findOne({
      where: { username },
      select: { id: true, username: true, role: true, disabledAt: true, passwordHash: true, createdAt: true },
    });
  }

  findById(id: string): Promise<StaffAccount | null> {
    return this.accounts.findOneBy({ id });
  }

  /** Creates an account; USERNAME_TAKEN when the name exists. */
  async create(username: string, passwordHash: string, role: StaffRole): Promise<StaffAccount> {
    const id = newId();
    try {
      await this.accounts.insert({ id, username, passwordHash, role, disabledAt: null });
    } catch (error) {
      if (isDuplicateKey(error)) throw new AppError('USERNAME_TAKEN', 'That username is taken');
      throw error;
    }
    return this.accounts.findOneByOrFail({ id });
  }

  async hasActiveAdmin(): Promise<boolean> {
    return (await this.accounts.countBy({ role: 'admin', disabledAt: IsNull() })) > 0;
  }

  listAll(): Promise<StaffAccount[]> {
    return this.accounts.find({ order: { createdAt: 'ASC' } });
  }

  /** Replaces the password hash of an active account; false when there is no such active account. */
  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const result = await this.accounts.update({ id, disabledAt: IsNull() }, { passwordHash });
    return result.affected === 1;
  }

  async disable(id: string): Promise<boolean> {
    const result = await this.accounts.update({ id, disabledAt: IsNull() }, { disabledAt: new Date() });
    return result.affected === 1;
  }
}
