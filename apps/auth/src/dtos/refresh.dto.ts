import { IsString, Length } from 'class-validator';

/** POST /api/auth/refresh */
export class RefreshDto {
  @IsString()
  @Length(16, 256)
  refreshToken: string;
}
