import { IsString, Length } from 'class-validator';

/** POST /api/auth/phone */
export class BindPhoneDto {
  /** The code from the getPhoneNumber button. */
  @IsString()
  @Length(1, 128)
  code: string;
}
