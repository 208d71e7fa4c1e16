import { Matches } from 'class-validator';

/** Shape of every id this backend hands out (a ULID). */
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A route's `:id` that must be one of our ids. */
export class IdParamDto {
  @Matches(ID_PATTERN, { message: 'id must be a valid id' })
  id: string;
}
