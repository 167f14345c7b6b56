/**
 * Log entries of SCIM reads, written in batches. A read changes nothing an IdP was told, so
 * its entry need not be durable before the answer; writing it in its own transaction would
 * cost one fsync per GET (synchronous=FULL), which Entra's initial cycle of 100,000 lookups
 * would feel. Entries are flushed every 250 ms, at 500 entries, before the log is queried and
 * at shutdown.
 */
import type { Db } from '../store/db.js';
import { pruneDeliveries } from '../store/sync.repo.js';
import { insertLog, pruneLogs, type LogEntry } from '../store/sync-log.repo.js';

const FLUSH_MS = 250;
const FLUSH_AT = 500;

export class SyncLogBuffer {
  private pending: LogEntry[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly db: Db) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  push(entry: LogEntry): void {
    this.pending.push(entry);
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0 || !this.db.open) return;
    const batch = this.pending;
    this.pending = [];
    this.db.transaction(() => batch.forEach((e) => insertLog(this.db, e)))();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** Retention by age and by count; the deliveries the dropped entries pointed at go too. */
export function applyRetention(db: Db, days: number, maxEntries: number, nowMs = Date.now()): number {
  const before = new Date(nowMs - days * 24 * 3600_000).toISOString();
  return db.transaction(() => {
    const removed = pruneLogs(db, before, maxEntries);
    pruneDeliveries(db, before);
    return removed;
  })();
}
