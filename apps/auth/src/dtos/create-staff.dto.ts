import { IsIn, IsString, Length, Matches } from 'class-validator';
import type { StaffRole } from '#libs/auth';

/** POST /api/auth/admin/staff */
export class CreateStaffDto {
  @Matches(/^[a-z0-9_.-]{3,32}$/, { message: 'username must be 3-32 of a-z 0-9 _ . -' })
  username: string;

  @IsString()
  @Length(12, 256)
  password: string;

  @IsIn(['admin', 'staff'])
  role: StaffRole;
}
