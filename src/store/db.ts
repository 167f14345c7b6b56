import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { registerSqlFunctions } from './filter-sql.js';
import { MIGRATIONS } from './migrations/index.js';
import { cacheStatements } from './statement-cache.js';
import { enableGroupCommit } from './group-commit.js';

export type Db = Database.Database;

/** The database's file name under DATA_DIR. */
export const DB_FILE = 'scim-bridge.db';

/** DATA_DIR (or the database in it) cannot be used; the message names the variable and the path. */
export class DataDirError extends Error {}

const FS_REASON: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a part of the path is a file, not a directory',
  ENOSPC: 'no space left on the device',
};
const reason = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return FS_REASON[code] ?? (err instanceof Error ? err.message : String(err));
};

/**
 * Makes sure DATA_DIR is a directory this user can write (creating it, as the first start of a
 * fresh clone needs), before anything opens a file in it. Returns its absolute path.
 */
export function prepareDataDir(dir: string): string {
  const path = resolve(dir);
  const named = `DATA_DIR=${dir}${path === dir ? '' : ` (${path})`}`;
  if (!existsSync(path)) {
    try {
      mkdirSync(path, { recursive: true });
    } catch (err) {
      throw new DataDirError(`${named} does not exist and cannot be created: ${reason(err)}`);
    }
  } else if (!statSync(path).isDirectory()) {
    throw new DataDirError(`${named} is not a directory`);
  }
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new DataDirError(`${named} is not writable by this user: ${reason(err)}`);
  }
  const file = join(path, DB_FILE);
  if (existsSync(file)) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new DataDirError(`the database ${file} (in DATA_DIR) is not writable by this user: ${reason(err)}`);
    }
  }
  return path;
}

/** Opens and migrates the database under DATA_DIR, with one-line errors naming what is wrong. */
export function openDataDirDb(dir: string): Db {
  const file = join(prepareDataDir(dir), DB_FILE);
  let db: Db | undefined;
  try {
    db = openDb(file);
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    throw new DataDirError(`cannot open the database ${file} (in DATA_DIR): ${err instanceof Error ? err.message : String(err)}`);
  }
}

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
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
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

/**
 * Closes the database after folding the WAL back into it, so the file is complete on its own
 * (a copy of the .db alone is then a full backup).
 */
export function closeDb(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** The highest migration this build knows, for readiness checks. */
export const LATEST_MIGRATION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
