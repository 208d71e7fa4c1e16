const ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** A backup's name: its start time in UTC, to the second (`20260501T030000Z`); names sort by time. */
export function backupIdOf(time: Date): string {
  return time
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The start time a backup name stands for, or undefined when `name` is not one. */
export function timeOfBackupId(name: string): Date | undefined {
  const match = ID.exec(name);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(time.getTime()) || backupIdOf(time) !== name ? undefined : time;
}
