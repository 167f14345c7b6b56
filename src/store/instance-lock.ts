/**
 * One bridge per SQLite file: `serve` holds a lock on a sidecar SQLite file in DATA_DIR for as
 * long as the process lives, and a second `serve` on the same DATA_DIR refuses to start.
 *
 * Why SQLite's own lock, on a separate file:
 * - It is the operating system's file lock (fcntl on Unix, LockFileEx on Windows), which the
 *   kernel releases when the process ends in any way, kill -9 and power loss included: there is
 *   no stale lock to clean up, unlike a PID file, whose PID can be reused (every container's
 *   bridge is PID 1) or belong to a process in another PID namespace.
 * - It is exactly as good as the database's own locking, on whatever file system DATA_DIR is
 *   (SQLite's rules about network file systems apply to both alike).
 * - It is a separate file so that the CLI (connections, keys, deliveries, logs, migrate) keeps
 *   working on the database beside a running bridge: only `serve` takes this lock.
 *
 * The lock is a write transaction (SQLite's RESERVED lock) left open and never written to:
 * another process cannot begin one (SQLITE_BUSY), but it can still read the committed row that
 * says who holds the lock, for its message.
 */
import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Db } from './db.js';

export const LOCK_FILE = 'scim-bridge.lock';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/** Another process holds the lock; `holder` says which, when it could be read. */
export class LockHeldError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder ? ` (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : '';
    super(
      `another scim-bridge is already serving DATA_DIR=${dataDir}${who}; ` +
        'one bridge per database file: stop that one, or give this one its own DATA_DIR',
    );
  }
}

export interface InstanceLock {
  file: string;
  release(): void;
}

const isBusy = (err: unknown) => (err as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;

function readHolder(db: Db): LockHolder | null {
  try {
    const row = db.prepare('SELECT pid, host, since FROM holder').get() as LockHolder | undefined;
    // A start racing ours can leave our own row behind: then the holder is not known.
    return row && row.pid !== process.pid ? row : null;
  } catch {
    return null;
  }
}

/** Takes the lock of `dataDir` (absolute, existing) or throws LockHeldError. */
export function lockDataDir(dataDir: string): InstanceLock {
  const file = join(dataDir, LOCK_FILE);
  // A short wait covers a reader of the holder row; the holder itself never lets go.
  const db = new Database(file, { timeout: 200 });
  try {
    // Who holds it, written and committed first so that a refused process can read it ...
    db.exec('BEGIN IMMEDIATE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, host, since) VALUES (?, ?, ?)').run(process.pid, hostname(), new Date().toISOString());
    db.exec('COMMIT');
    // ... then the lock itself. A start that slipped in between holds it now, and this one
    // refuses: exactly one of them wins.
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    const holder = isBusy(err) ? readHolder(db) : null;
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    if (isBusy(err)) throw new LockHeldError(dataDir, holder);
    throw new Error(`cannot use the lock file ${file} (in DATA_DIR): ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    file,
    release() {
      if (!db.open) return;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
