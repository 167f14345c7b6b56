/**
 * Log entries that need not be durable before the answer, written in batches: SCIM reads and
 * requests refused for authentication. A read changes nothing an IdP was told, so its entry
 * need not reach the disk before the answer; writing it in its own transaction would cost one
 * fsync per GET (synchronous=FULL), which Entra's initial cycle of 100,000 lookups would feel.
 * Entries are flushed every 250 ms, at 500 entries, before the log is queried, at shutdown, and
 * before any other entry is written.
 *
 * That last rule keeps the log in the order things happened: an entry's id is taken when its
 * row is written, so every other writer of the log (a SCIM write, a refusal, an admin change)
 * calls `flushBufferedLogs(db)` first, which writes what is buffered ahead of its own entry,
 * in the same group-committed batch.
 */
import type { Db } from '../store/db.js';
import { groupCommit } from '../store/group-commit.js';
import { pruneDeliveries } from '../store/sync.repo.js';
import { insertLog, pruneLogs, type LogEntry } from '../store/sync-log.repo.js';
import { RefusedAuthentications, type RefusalLimits } from './sync-log-refusals.js';

const FLUSH_MS = 250;
const FLUSH_AT = 500;

/** The live buffers of each database, so that a writer anywhere can flush them first. */
const buffersOf = new WeakMap<Db, Set<SyncLogBuffer>>();

/** Writes every entry buffered for `db`: call it before writing a log entry of your own. */
export function flushBufferedLogs(db: Db): void {
  for (const buffer of buffersOf.get(db) ?? []) buffer.flush();
}

export class SyncLogBuffer {
  private pending: LogEntry[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly refusals: RefusedAuthentications;
  private readonly emit = (e: LogEntry) => this.push(e);

  constructor(
    private readonly db: Db,
    refusalLimits?: RefusalLimits,
  ) {
    this.refusals = new RefusedAuthentications(refusalLimits);
    let set = buffersOf.get(db);
    if (!set) buffersOf.set(db, (set = new Set()));
    set.add(this);
    this.timer = setInterval(() => {
      this.refusals.tick(Date.now(), this.emit);
      this.flush();
    }, FLUSH_MS);
    this.timer.unref();
  }

  push(entry: LogEntry): void {
    this.pending.push(entry);
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /** A request refused for authentication: logged within bounds (src/directory/sync-log-refusals.ts). */
  refusedAuthentication(entry: LogEntry, nowMs = Date.now()): void {
    this.refusals.record(entry, nowMs, this.emit);
  }

  flush(): void {
    if (this.pending.length === 0 || !this.db.open) return;
    const batch = this.pending;
    this.pending = [];
    // One savepoint of the open group commit (or a batch of its own): never a commit per entry.
    groupCommit(this.db).run(() => batch.forEach((e) => insertLog(this.db, e)));
  }

  close(nowMs = Date.now()): void {
    clearInterval(this.timer);
    this.refusals.close(nowMs, this.emit);
    this.flush();
    buffersOf.get(this.db)?.delete(this);
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
