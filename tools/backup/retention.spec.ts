import { backupIdOf, timeOfBackupId } from './backup-id';
import { isoWeekOf, selectBackupsToKeep } from './retention';

const at = (iso: string) => backupIdOf(new Date(iso));

describe('backup names', () => {
  it('are the UTC start time to the second, and read back', () => {
    expect(backupIdOf(new Date('2026-05-01T03:00:07.912Z'))).toBe('20260501T030007Z');
    expect(timeOfBackupId('20260501T030007Z')?.toISOString()).toBe('2026-05-01T03:00:07.000Z');
    expect(timeOfBackupId('20260231T030000Z')).toBeUndefined();
    expect(timeOfBackupId('20260501T030000Z.partial')).toBeUndefined();
    expect(timeOfBackupId('lost+found')).toBeUndefined();
  });
});

describe('isoWeekOf', () => {
  it.each([
    ['2026-01-01T12:00:00Z', '2026-W01'], // a Thursday
    ['2027-01-01T12:00:00Z', '2026-W53'], // a Friday: still the last week of 2026
    ['2024-12-30T00:00:00Z', '2025-W01'], // a Monday of the week holding 2 January 2025
    ['2026-05-03T23:59:59Z', '2026-W18'], // Sunday ends the week
    ['2026-05-04T00:00:00Z', '2026-W19'], // Monday starts the next
  ])('%s is in %s', (time, week) => {
    expect(isoWeekOf(new Date(time))).toBe(week);
  });
});

describe('selectBackupsToKeep', () => {
  // Every day at 03:00 from Monday 2 March to Thursday 30 April 2026 (60 days), plus a manual one on 30 April at 15:00.
  const nightly = Array.from({ length: 60 }, (_, day) => at(new Date(Date.UTC(2026, 2, 2 + day, 3)).toISOString()));
  const all = [...nightly, at('2026-04-30T15:00:00Z')];

  it('keeps the newest of each of the last N days and of each of the last M ISO weeks, deletes the rest', () => {
    const { keep, remove } = selectBackupsToKeep(all, { daily: 7, weekly: 4 });
    expect(keep).toEqual([
      // daily: 30 April (the manual 15:00 one is that day's newest) back to 24 April
      '20260430T150000Z',
      '20260429T030000Z',
      '20260428T030000Z',
      '20260427T030000Z',
      '20260426T030000Z', // Sunday: the newest of week 17
      '20260425T030000Z',
      '20260424T030000Z',
      // weekly: the newest of weeks 16 and 15 (weeks 18 and 17 are already kept above)
      '20260419T030000Z',
      '20260412T030000Z',
    ]);
    expect(remove).toHaveLength(all.length - keep.length);
    expect(remove).toContain('20260430T030000Z');
    expect(new Set([...keep, ...remove]).size).toBe(all.length);
  });

  it('counts only days and weeks that have a backup, so a pause never deletes the last good ones', () => {
    const sparse = [at('2025-01-06T03:00:00Z'), at('2025-03-10T03:00:00Z'), at('2026-04-01T03:00:00Z')];
    expect(selectBackupsToKeep(sparse, { daily: 2, weekly: 0 }).keep).toEqual(['20260401T030000Z', '20250310T030000Z']);
    expect(selectBackupsToKeep(sparse, { daily: 1, weekly: 3 }).keep).toEqual(['20260401T030000Z', '20250310T030000Z', '20250106T030000Z']);
  });

  it('always keeps the newest, and leaves names that are not backups out of both lists', () => {
    expect(selectBackupsToKeep(['notes.txt', at('2026-04-30T03:00:00Z'), '20260430T030000Z.partial'], { daily: 1, weekly: 0 })).toEqual({
      keep: ['20260430T030000Z'],
      remove: [],
    });
    expect(selectBackupsToKeep([], { daily: 7, weekly: 4 })).toEqual({ keep: [], remove: [] });
  });
});
