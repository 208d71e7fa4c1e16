import { IsString, Length } from 'class-validator';

/** POST /api/auth/admin/login */
export class StaffLoginDto {
  /** @example "alice" */
  @IsString()
  @Length(1, 64)
  username: string;

  /** @example "correct horse battery staple" */
  @IsString()
  @Length(1, 256)
  password: string;
}
