import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Optional, UserText } from '#libs/contracts';

/** A phone number as people type it: digits, optionally a leading + and separators. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 -]{4,18}[0-9]$/;

/** Who comes to an appointment. */
export class AppointmentContactDto {
  /** @example 张三 */
  @UserText({ max: 64 })
  name: string;

  /** @example 13800138000 */
  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number' })
  @ApiProperty({ pattern: PHONE_PATTERN.source })
  phone: string;
}

/** Who receives an order: the same, and where to. */
export class OrderContactDto extends AppointmentContactDto {
  /** @example 上海市浦东新区世纪大道 100 号 */
  @Optional()
  @UserText({ max: 255 })
  address?: string;
}
