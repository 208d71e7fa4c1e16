import { IsString, Length } from 'class-validator';

/** POST /api/auth/admin/login */
export class StaffLoginDto {
  @IsString()
  @Length(1, 64)
  username: string;

  @IsString()
  @Length(1, 256)
  password: string;
}
