import { StaffAccount } from '../entities/staff-account.entity';

/** A staff account as the admin API shows it (never the hash). */
export class StaffAccountDto {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: string;

  static from(account: StaffAccount): StaffAccountDto {
    return {
      id: account.id,
      username: account.username,
      role: account.role,
      disabled: account.disabledAt !== null,
      createdAt: account.createdAt.toISOString(),
    };
  }
}
