/** The queries behind /readyz, /metrics and `doctor`: the store is the only place that knows SQL. */
import type { Db } from './db.js';

/**
 * A write in a transaction that is rolled back: proves the file is writable and the write lock
 * obtainable. Waits at most `timeoutMs` for another writer (a probe must answer quickly).
 */
export function probeWrite(db: Db, timeoutMs: number): void {
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  try {
    db.pragma(`busy_timeout = ${Math.floor(timeoutMs)}`);
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec('CREATE TABLE main.readyz_probe (x INTEGER); INSERT INTO main.readyz_probe (x) VALUES (1);');
    } finally {
      db.exec('ROLLBACK');
    }
  } finally {
    if (db.open) db.pragma(`busy_timeout = ${previous}`);
  }
}

/** The highest migration applied, or null when the database was never migrated. */
export function appliedMigration(db: Db): number | null {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return null;
  return (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? null;
}

export function marksByState(db: Db): { state: string; count: number; oldest: string | null }[] {
  return db.prepare('SELECT state, count(*) AS count, min(marked_at) AS oldest FROM sync_marks GROUP BY state').all() as {
    state: string;
    count: number;
    oldest: string | null;
  }[];
}

export function organizationIds(db: Db): string[] {
  return db.prepare('SELECT id FROM organizations ORDER BY id').pluck().all() as string[];
}

export function maxDeliveryId(db: Db): number {
  return (db.prepare('SELECT max(id) FROM deliveries').pluck().get() as number | null) ?? 0;
}

export function deliveryCountsSince(db: Db, afterId: number): { outcome: string; n: number; last: number }[] {
  return db.prepare('SELECT outcome, count(*) AS n, max(id) AS last FROM deliveries WHERE id > ? GROUP BY outcome').all(afterId) as {
    outcome: string;
    n: number;
    last: number;
  }[];
}
