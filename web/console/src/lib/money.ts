/** The API's prices are integer fen; staff read and type yuan with two decimals. */

/** The highest price a SKU may have (CreateSkuDto: 100,000,000 fen). */
export const MAX_PRICE_FEN = 100_000_000;

const YUAN = /^(\d{1,9})(?:\.(\d{0,2}))?$/;

/** `1990` → `"19.90"`; negative amounts (refund deltas) keep their sign. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `1990` → `"¥19.90"`. */
export function formatPrice(fen: number): string {
  return `¥${formatYuan(fen)}`;
}

/**
 * Fen from what staff typed in yuan (`"19.9"`, `"19.90"`, `"¥1,299"`), read digit by digit so that no floating-point
 * rounding changes a price (`19.99` is 1999, never 1998). Null when it is not an amount of at most two decimals.
 */
export function parseYuan(text: string): number | null {
  const match = YUAN.exec(text.trim().replace(/^¥/, '').replaceAll(',', ''));
  if (!match) return null;
  const [, whole, decimals = ''] = match;
  return Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
}

/** The form rule of a price field: empty, not an amount, or above the limit each get their message key. */
export function priceProblem(text: string): 'required' | 'invalid' | 'tooHigh' | null {
  if (text.trim() === '') return 'required';
  const fen = parseYuan(text);
  if (fen === null) return 'invalid';
  return fen > MAX_PRICE_FEN ? 'tooHigh' : null;
}
