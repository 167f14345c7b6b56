import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDb, type Db } from '../../src/store/db.js';
import { DEFAULT_ORGANIZATION_ID } from '../../src/store/connections.repo.js';
import { dueMarks, failMark, getMark, markForSync } from '../../src/store/sync.repo.js';

let db: Db;
afterEach(() => db?.close());

function fresh(): Db {
  db = openDb(':memory:');
  migrate(db);
  db.prepare('INSERT OR IGNORE INTO organizations (id, name, created_at) VALUES (?, ?, ?)').run(
    DEFAULT_ORGANIZATION_ID,
    'org',
    new Date(0).toISOString(),
  );
  return db;
}
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe('due marks', () => {
  it('come members first, then groups, each oldest first across pending and retrying, never past the limit or the clock', () => {
    fresh();
    markForSync(db, DEFAULT_ORGANIZATION_ID, 'group', 'g-old', at(1));
    markForSync(db, DEFAULT_ORGANIZATION_ID, 'member', 'm-3', at(3));
    markForSync(db, DEFAULT_ORGANIZATION_ID, 'member', 'm-2', at(2));
    markForSync(db, DEFAULT_ORGANIZATION_ID, 'member', 'm-later', at(50));
    markForSync(db, DEFAULT_ORGANIZATION_ID, 'group', 'g-new', at(4));
    // m-1 failed once and is retried at second 1: retrying marks interleave with pending ones by time.
    markForSync(db, DEFAULT_ORGANIZATION_ID, 'member', 'm-1', at(0));
    failMark(db, getMark(db, DEFAULT_ORGANIZATION_ID, 'member', 'm-1')!, 'retrying', at(1), 'HTTP 503');
    // a parked mark is never due
    markForSync(db, DEFAULT_ORGANIZATION_ID, 'member', 'm-parked', at(0));
    failMark(db, getMark(db, DEFAULT_ORGANIZATION_ID, 'member', 'm-parked')!, 'parked', at(0), 'HTTP 402');

    const ids = (limit: number) => dueMarks(db, at(10), limit).map((m) => m.entityId);
    expect(ids(10)).toEqual(['m-1', 'm-2', 'm-3', 'g-old', 'g-new']);
    expect(ids(4)).toEqual(['m-1', 'm-2', 'm-3', 'g-old']);
    expect(ids(2)).toEqual(['m-1', 'm-2']);
  });

  it('read the backlog through the index, not a sort of every due mark', () => {
    fresh();
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM sync_marks WHERE entity_type = ? AND state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
      )
      .all('member', 'pending', at(0), 10) as { detail: string }[];
    const text = plan.map((p) => p.detail).join(' | ');
    expect(text).toContain('USING INDEX sync_marks_due');
    expect(text).not.toContain('TEMP B-TREE');
  });
});
