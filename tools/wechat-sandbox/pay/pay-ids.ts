import { randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `2025-01-01T08:00:00+08:00`: WeChat Pay's times are RFC 3339 in Beijing time. */
export function beijingTime(ms: number): string {
  return `${new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19)}+08:00`;
}

/** `wx` + yyyyMMddHHmmss + 20 hex digits, shaped like WeChat's. */
export function newPrepayId(ms: number): string {
  return `wx${compactTime(ms)}${randomBytes(10).toString('hex')}`;
}

/** 28 digits starting with `4200`, shaped like WeChat's transaction ids. */
export function newTransactionId(ms: number): string {
  return `4200${compactTime(ms).slice(0, 8)}${randomDigits(16)}`;
}

/** 32 digits starting with `50`, shaped like WeChat's refund ids. */
export function newRefundId(ms: number): string {
  return `50${compactTime(ms).slice(0, 8)}${randomDigits(22)}`;
}

/** A random `[A-Za-z0-9]` string, as WeChat uses for nonces and event ids. */
export function randomAlphanumeric(length: number): string {
  return Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
}

function randomDigits(length: number): string {
  return Array.from({ length }, () => randomInt(10)).join('');
}

function compactTime(ms: number): string {
  return beijingTime(ms).slice(0, 19).replace(/\D/g, '');
}

/** `EV-` + 19 digits, shaped like WeChat Pay's notification ids. */
export function newEventId(ms: number): string {
  return `EV-${compactTime(ms)}${randomDigits(5)}`;
}
