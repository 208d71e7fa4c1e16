import type { StaffRole } from '#libs/auth';
import { StaffAccount } from '../entities/staff-account.entity';

/** A staff account as the admin API shows it (never the hash). */
export class StaffAccountDto {
  id: string;

  /** @example "alice" */
  username: string;

  role: StaffRole;

  /** A disabled account cannot log in and its sessions are revoked. */
  disabled: boolean;

  /** @example "2025-01-31T08:00:00.000Z" */
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
