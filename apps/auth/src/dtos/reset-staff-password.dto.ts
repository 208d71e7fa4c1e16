import { IsString, Length } from 'class-validator';

/** POST /api/auth/admin/staff/:id/password */
export class ResetStaffPasswordDto {
  /**
   * The account's new password (12 to 256 characters, as at creation).
   * @example "another horse battery staple"
   */
  @IsString()
  @Length(12, 256)
  password: string;
}
