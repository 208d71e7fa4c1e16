import { timeOfBackupId } from './backup-id';
import { BackupStore } from './backup-store';
import { BackupLog } from './create-backup';
import { RetentionRule, selectBackupsToKeep } from './retention';

const DAY_MS = 86_400_000;

/** Deletes the complete backups the rule does not keep, and incomplete ones (an interrupted run) older than a day. */
export async function pruneBackups(store: BackupStore, rule: RetentionRule, log: BackupLog, now = new Date()): Promise<string[]> {
  const { complete, incomplete } = await store.inventory();
  const { keep, remove } = selectBackupsToKeep(complete, rule);
  const stale = incomplete.filter((id) => now.getTime() - timeOfBackupId(id)!.getTime() > DAY_MS && !complete.includes(id));
  for (const id of [...remove, ...stale]) await store.remove(id);
  log('retention applied', { kept: keep.length, removed: remove, incompleteRemoved: stale, daily: rule.daily, weekly: rule.weekly });
  return remove;
}
