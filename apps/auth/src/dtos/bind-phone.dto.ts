import { IsString, Length } from 'class-validator';

/** POST /api/auth/phone */
export class BindPhoneDto {
  /**
   * The code from the getPhoneNumber button (the sandbox accepts `phone:<digits>`).
   * @example "phone:13800138000"
   */
  @IsString()
  @Length(1, 128)
  code: string;
}
