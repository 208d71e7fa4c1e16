import { timeOfBackupId } from './backup-id';

/** How many backups survive: the newest of each of the last `daily` days and of the last `weekly` ISO weeks. */
export interface RetentionRule {
  daily: number;
  weekly: number;
}

function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The ISO 8601 week of a UTC time, as `2026-W18` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekOf(time: Date): string {
  const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7));
  const year = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * Splits backup names into those to keep and those to delete. Kept: the newest backup of each of the `daily` most recent
 * UTC days that have a backup, and the newest of each of the `weekly` most recent ISO weeks that have one (days and weeks
 * without a backup do not count, so a pause in backups never deletes the last good ones). The newest backup is always
 * kept. Names that are not backup names are left out of both lists.
 */
export function selectBackupsToKeep(names: string[], rule: RetentionRule): { keep: string[]; remove: string[] } {
  const backups = names
    .map((name) => ({ name, time: timeOfBackupId(name) }))
    .filter((b): b is { name: string; time: Date } => b.time !== undefined)
    .sort((a, b) => b.time.getTime() - a.time.getTime());
  const keep = new Set<string>(backups.slice(0, 1).map((b) => b.name));
  const newestOf = (period: (time: Date) => string, count: number) => {
    const seen = new Set<string>();
    for (const backup of backups) {
      const key = period(backup.time);
      if (seen.has(key)) continue;
      if (seen.size === count) break;
      seen.add(key);
      keep.add(backup.name);
    }
  };
  newestOf(utcDay, rule.daily);
  newestOf(isoWeekOf, rule.weekly);
  return { keep: backups.filter((b) => keep.has(b.name)).map((b) => b.name), remove: backups.filter((b) => !keep.has(b.name)).map((b) => b.name) };
}
