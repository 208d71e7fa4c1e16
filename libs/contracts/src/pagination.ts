import { IsInt, Matches, Max, Min } from 'class-validator';
import { AppError } from '#libs/errors';
import { Optional, QueryInt } from './field-rules';
import { ID_PATTERN } from './id-param.dto';

/** A page of a list, as every list route of the contract answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const CURSOR_MESSAGE = 'cursor must be a cursor from a previous page';

/** `?limit=` (default 20, at most 100) and `?cursor=` (opaque, from the previous page). */
export class PageQueryDto {
  @Optional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @Optional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: CURSOR_MESSAGE })
  cursor?: string;
}

/** The cursor after `lastId` (keyset pagination on sortable ids: stable under inserts). */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The id a cursor stands for, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return ID_PATTERN.test(id) ? id : undefined;
}

/** The id a `?cursor=` stands for (undefined without one); 400 VALIDATION_FAILED on `cursor` when it is not one of ours. */
export function cursorBeforeId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = decodeCursor(cursor);
  if (id === undefined) throw new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field: 'cursor', message: CURSOR_MESSAGE }]);
  return id;
}

/** Builds a page from `limit + 1` rows fetched newest first: the extra row only tells that there is more. */
export function toPage<Row extends { id: string }, Item>(rows: Row[], limit: number, view: (row: Row) => Item): Page<Item>;
/** The same, for rows whose cursor id is not their `id` (`idOf` reads it). */
export function toPage<Row, Item>(rows: Row[], limit: number, view: (row: Row) => Item, idOf: (row: Row) => string): Page<Item>;
export function toPage<Row, Item>(rows: Row[], limit: number, view: (row: Row) => Item, idOf = (row: Row) => (row as { id: string }).id): Page<Item> {
  const items = rows.slice(0, limit);
  return { items: items.map(view), nextCursor: rows.length > limit ? encodeCursor(idOf(items[items.length - 1])) : null };
}

/** A whole list in one page (a list short enough never to be paged, answered in the shape of the paged ones). */
export function singlePage<T>(items: T[]): Page<T> {
  return { items, nextCursor: null };
}
