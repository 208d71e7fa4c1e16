import { IsString, Length, Matches } from 'class-validator';
import { IsUserText, Optional } from '#libs/contracts';

/** A phone number as people type it: digits, optionally a leading + and separators. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 -]{4,18}[0-9]$/;

/** Who receives an order. */
export class OrderContactDto {
  @IsString()
  @IsUserText()
  @Length(1, 64)
  name: string;

  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number' })
  phone: string;

  @Optional()
  @IsString()
  @IsUserText()
  @Length(1, 255)
  address?: string;
}

/** Who comes to an appointment. */
export class AppointmentContactDto {
  @IsString()
  @IsUserText()
  @Length(1, 64)
  name: string;

  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number' })
  phone: string;
}
