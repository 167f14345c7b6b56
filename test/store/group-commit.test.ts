import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { groupCommit } from '../../src/store/group-commit.js';

let dir: string;
let db: Db;
/** A second connection, as another process would have: it sees only what is committed. */
let other: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  db = openDb(join(dir, 'test.db'));
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
           CREATE TABLE t (v TEXT NOT NULL, parent INTEGER REFERENCES parent(id))`);
  other = new Database(join(dir, 'test.db'), { readonly: true });
});
afterEach(() => {
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const committed = () => other.prepare('SELECT v FROM t ORDER BY rowid').pluck().all();
const insert = (v: string) => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);

describe('group commit', () => {
  it('writes that arrive together share one transaction and are durable together, after durable() resolves', async () => {
    const gc = groupCommit(db);
    gc.run(() => insert('a'));
    gc.run(() => insert('b'));
    expect(db.inTransaction).toBe(true);
    expect(committed()).toEqual([]); // nobody outside sees them yet, so nobody may be answered yet
    await gc.durable();
    expect(committed()).toEqual(['a', 'b']);
    expect(db.inTransaction).toBe(false);
  });

  it('a write that throws rolls back alone; the others of its batch commit', async () => {
    const gc = groupCommit(db);
    gc.run(() => insert('kept'));
    expect(() =>
      gc.run(() => {
        insert('lost');
        throw new Error('refused');
      }),
    ).toThrow('refused');
    await gc.durable();
    expect(committed()).toEqual(['kept']);
  });

  it('a write outside the batch commits the batch first, then commits itself at once', () => {
    const gc = groupCommit(db);
    gc.run(() => insert('batched'));
    insert('alone');
    expect(committed()).toEqual(['batched', 'alone']);
    gc.run(() => insert('batched again'));
    db.transaction(() => insert('in a transaction'))();
    expect(committed()).toEqual(['batched', 'alone', 'batched again', 'in a transaction']);
  });

  it('reads inside the batch see its writes without committing it', async () => {
    const gc = groupCommit(db);
    gc.run(() => insert('x'));
    expect(gc.read(() => db.prepare('SELECT count(*) FROM t').pluck().get())).toBe(1);
    expect(db.inTransaction).toBe(true);
    expect(committed()).toEqual([]);
    await gc.durable();
    expect(committed()).toEqual(['x']);
  });

  it('a commit that fails rejects durable(), keeps nothing of the batch and leaves no transaction open', async () => {
    const gc = groupCommit(db);
    gc.run(() => {
      // A deferred foreign key is checked at COMMIT: the only way to make a commit fail on demand.
      db.pragma('defer_foreign_keys = ON');
      db.prepare('INSERT INTO t (v, parent) VALUES (?, ?)').run('orphan', 42);
    });
    await expect(gc.durable()).rejects.toThrow(/FOREIGN KEY/);
    expect(db.inTransaction).toBe(false);
    expect(committed()).toEqual([]);
    gc.run(() => insert('next'));
    await gc.durable();
    expect(committed()).toEqual(['next']);
  });
});
