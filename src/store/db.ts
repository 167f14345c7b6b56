import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { registerSqlFunctions } from './filter-sql.js';
import { MIGRATIONS } from './migrations/index.js';
import { cacheStatements } from './statement-cache.js';
import { enableGroupCommit } from './group-commit.js';

export type Db = Database.Database;

/**
 * Opens the bridge's SQLite file with the pragmas it relies on.
 *
 * - WAL: readers never block the single writer, and a commit is one append to the log.
 * - synchronous=FULL: the WAL is fsynced at every commit, so a transaction the IdP was told
 *   about survives a power loss, not only a process crash (NORMAL in WAL mode can lose the
 *   last commits on power loss). Durability of acknowledged writes is the bridge's promise.
 * - foreign_keys=ON: SQLite's default is off; cascades below depend on it.
 * - busy_timeout: a second process (the CLI) waits for the lock instead of failing at once.
 */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  registerSqlFunctions(db);
  cacheStatements(db);
  enableGroupCommit(db);
  return db;
}

/** Runs the numbered migrations not yet applied, each in its own transaction. */
export function migrate(db: Db): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}

/** The highest migration this build knows, for readiness checks. */
export const LATEST_MIGRATION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
