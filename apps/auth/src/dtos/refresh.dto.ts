import { IsString, Length } from 'class-validator';

/** POST /api/auth/refresh */
export class RefreshDto {
  /**
   * The refresh token of the last pair this session was given.
   * @example "kq0Yb4c3m0O0nYk0c1TqWJ8m3o8r5bS2uA9lT3xWc6E"
   */
  @IsString()
  @Length(16, 256)
  refreshToken: string;
}
