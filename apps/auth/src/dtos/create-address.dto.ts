import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, Matches } from 'class-validator';
import { Optional, OptionalOrNull, UserText } from '#libs/contracts';

/** A mainland China mobile number: 11 digits, starting 13 to 19. */
export const MAINLAND_MOBILE_PATTERN = /^1[3-9]\d{9}$/;
/** A mainland China postal code: 6 digits. */
export const POSTAL_CODE_PATTERN = /^\d{6}$/;

/** POST /api/auth/addresses */
export class CreateAddressDto {
  /**
   * Who receives deliveries there.
   * @example "张三"
   */
  @UserText({ max: 32 })
  name: string;

  /**
   * A mainland mobile number, 11 digits.
   * @example "13800138000"
   */
  @Matches(MAINLAND_MOBILE_PATTERN, { message: 'phone must be an 11-digit mainland mobile number' })
  @ApiProperty({ pattern: MAINLAND_MOBILE_PATTERN.source })
  phone: string;

  /** @example "浙江省" */
  @UserText({ max: 32 })
  province: string;

  /** @example "杭州市" */
  @UserText({ max: 32 })
  city: string;

  /** @example "西湖区" */
  @UserText({ max: 32 })
  district: string;

  /**
   * Street, building and room.
   * @example "龙井路 1 号 2 幢 301 室"
   */
  @UserText({ max: 120 })
  detail: string;

  /**
   * 6 digits, or null for none.
   * @example "310000"
   */
  @OptionalOrNull()
  @Matches(POSTAL_CODE_PATTERN, { message: 'postalCode must be 6 digits' })
  @ApiProperty({ type: String, nullable: true, pattern: POSTAL_CODE_PATTERN.source })
  postalCode?: string | null;

  /**
   * Makes this the default address (the previous default is one no longer). The first address is the default whatever
   * this says; `false` on the default moves the default to the newest other address (the only address stays the default).
   */
  @Optional()
  @IsBoolean()
  isDefault?: boolean;
}
