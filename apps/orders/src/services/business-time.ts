import { randomInt } from 'node:crypto';
import { AppError } from '#libs/errors';

/** Minutes east of UTC of an offset such as `+08:00`. */
export function offsetMinutes(offset: string): number {
  const match = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  if (!match) throw new Error(`bad UTC offset ${offset}`);
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/**
 * A new order number: the business's local time to the millisecond (yyyyMMddHHmmssSSS) and 5 random digits, so numbers
 * sort by time and read like a date; uniqueness is enforced by the database (a clash is retried with a new number).
 */
export function newOrderNo(offset: string, now = Date.now()): string {
  const local = new Date(now + offsetMinutes(offset) * 60000).toISOString().replace(/\D/g, '').slice(0, 17);
  return `${local}${String(randomInt(100000)).padStart(5, '0')}`;
}

/** The UTC instants a business day (`YYYY-MM-DD` in the business's offset) starts and ends at: [from, to). */
export function businessDay(date: string, offset: string): { from: Date; to: Date } {
  const from = new Date(`${date}T00:00:00.000${offset}`);
  if (Number.isNaN(from.getTime()) || new Date(from.getTime() + offsetMinutes(offset) * 60000).toISOString().slice(0, 10) !== date) {
    throw new Error(`bad date ${date}`);
  }
  return { from, to: new Date(from.getTime() + 24 * 3600 * 1000) };
}

/** businessDay() of a date a request named: a date that is no calendar day (2026-02-30) is a 400 on the `date` field. */
export function requestedBusinessDay(date: string, offset: string): { from: Date; to: Date } {
  try {
    return businessDay(date, offset);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field: 'date', message: 'date must be a real calendar day' }]);
  }
}
