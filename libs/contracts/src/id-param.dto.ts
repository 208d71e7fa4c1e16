import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** Shape of every id this backend hands out (a ULID). */
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A route's `:id` that must be one of our ids. */
export class IdParamDto {
  @ApiProperty({ pattern: ID_PATTERN.source, example: '01JDQ8Z6Y3B4C5D6E7F8G9H0JK' })
  @Matches(ID_PATTERN, { message: 'id must be a valid id' })
  id: string;
}
