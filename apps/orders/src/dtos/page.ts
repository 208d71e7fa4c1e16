import { ID_PATTERN } from '#libs/contracts';
import { AppError } from '#libs/errors';

/** A page of a list, as every list route of the contract answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The id a cursor stands for; VALIDATION_FAILED when it is not one of ours. */
export function cursorToId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!ID_PATTERN.test(id)) throw new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field: 'cursor', message: 'cursor must be a cursor from a previous page' }]);
  return id;
}

/** Builds a page from `limit + 1` rows fetched newest first: the extra row only says there is more. */
export function toPage<Row, Item>(rows: Row[], limit: number, idOf: (row: Row) => string, view: (row: Row) => Item): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(view), nextCursor: rows.length > limit && last ? Buffer.from(idOf(last), 'utf8').toString('base64url') : null };
}
