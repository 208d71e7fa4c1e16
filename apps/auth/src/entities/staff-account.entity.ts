import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '#libs/database';
import type { StaffRole } from '#libs/auth';

/** A back-office account (shop owner, employee) signing in with a password. */
@Entity({ name: 'staff_accounts' })
export class StaffAccount {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  username: string;

  /** argon2id hash; the password itself is never stored. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: StaffRole;

  @Column({ name: 'disabled_at', type: 'datetime', precision: 3, nullable: true })
  disabledAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
