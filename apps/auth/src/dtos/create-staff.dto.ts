import { IsIn, IsString, Length, Matches } from 'class-validator';
import type { StaffRole } from '#libs/auth';

/** POST /api/auth/admin/staff */
export class CreateStaffDto {
  /**
   * Unique among staff accounts (USERNAME_TAKEN otherwise).
   * @example "alice"
   */
  @Matches(/^[a-z0-9_.-]{3,32}$/, { message: 'username must be 3-32 of a-z 0-9 _ . -' })
  username: string;

  /** @example "correct horse battery staple" */
  @IsString()
  @Length(12, 256)
  password: string;

  @IsIn(['admin', 'staff'])
  role: StaffRole;
}
