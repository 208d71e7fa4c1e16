/** The test stacks' business offset (BUSINESS_UTC_OFFSET's default): Asia/Shanghai, UTC+8. */
const BUSINESS_OFFSET_MS = 8 * 3600_000;

/** The business's calendar day of `at` (YYYY-MM-DD), as `?date=` of the slot lists means it. */
export function businessDay(at: Date): string {
  return new Date(at.getTime() + BUSINESS_OFFSET_MS).toISOString().slice(0, 10);
}
