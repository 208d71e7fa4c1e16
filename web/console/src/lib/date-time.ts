const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:mm` in the browser's time zone (the shop's), or an empty text for a missing instant. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** `HH:mm` in the browser's time zone. */
export function formatTime(iso: string): string {
  const at = new Date(iso);
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/**
 * The instants of a day range picked as `YYYY-MM-DD` days: from the first day's local midnight to the midnight after
 * the last day (the list route's `createdFrom` is included, `createdTo` excluded).
 */
export function dayRangeInstants(range: [string, string] | null | undefined): { createdFrom?: string; createdTo?: string } {
  if (!range) return {};
  const [from, to] = range.map((day) => day.split('-').map(Number));
  return {
    createdFrom: new Date(from[0], from[1] - 1, from[2]).toISOString(),
    createdTo: new Date(to[0], to[1] - 1, to[2] + 1).toISOString(),
  };
}
