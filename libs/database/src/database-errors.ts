/** MySQL's and MariaDB's code for an insert or update that collides with a unique key (errno 1062). */
const DUPLICATE_ENTRY = 'ER_DUP_ENTRY';

/** The fields of a mysql2 error (TypeORM's QueryFailedError copies them and keeps the original as driverError). */
interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  sqlMessage?: unknown;
  driverError?: unknown;
}

function driverFields(error: unknown): DriverErrorFields | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as DriverErrorFields;
  if (fields.code === undefined && typeof fields.driverError === 'object' && fields.driverError !== null) return fields.driverError;
  return fields;
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The unique key a duplicate-entry error names (MySQL 8 says `for key 'table.uq_name'`, MariaDB `for key 'uq_name'`;
 * the table prefix is dropped), `''` when the message names none, or undefined when the error is not a duplicate entry.
 */
export function duplicateKeyName(error: unknown): string | undefined {
  const fields = driverFields(error);
  if (fields?.code !== DUPLICATE_ENTRY) return undefined;
  const message = textOf(fields.sqlMessage) ?? textOf(fields.message) ?? '';
  const key = /for key '([^']*)'/.exec(message)?.[1];
  return key === undefined ? '' : key.slice(key.lastIndexOf('.') + 1);
}

/** True if the error is a duplicate entry, on the unique key `indexName` when one is given. */
export function isDuplicateKey(error: unknown, indexName?: string): boolean {
  const key = duplicateKeyName(error);
  if (key === undefined) return false;
  if (indexName === undefined) return true;
  return key === indexName || (textOf(driverFields(error)?.message) ?? '').includes(indexName);
}
