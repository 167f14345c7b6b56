/** What `scim-bridge logs --follow` needs beyond sync-log.repo.ts's listing. */
import type { Db } from './db.js';

/** The id of the newest sync-log entry of any organization, or 0 when the log is empty. */
export function latestLogId(db: Db): number {
  return (db.prepare('SELECT max(id) FROM sync_log').pluck().get() as number | null) ?? 0;
}
