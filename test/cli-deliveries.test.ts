import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDb } from '../src/store/db.js';
import { insertMember } from '../src/store/org-members.repo.js';
import { markForSync, failMark, getMark, recordDelivery } from '../src/store/sync.repo.js';

let dir: string;
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'deliveries', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
    timeout: 30_000,
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-deliveries-'));
  expect(
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate'], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dir } })
      .status,
  ).toBe(0);
  const db = openDb(join(dir, 'scim-bridge.db'));
  db.prepare("INSERT INTO organizations (id, name, created_at) VALUES ('default', 'Default', '2026-01-01')").run();
  const now = new Date().toISOString();
  markForSync(db, 'default', 'member', 'parked-one', now);
  failMark(db, getMark(db, 'default', 'member', 'parked-one')!, 'parked', now, '402 enterprise_plan_required');
  markForSync(db, 'default', 'member', 'held-one', now);
  failMark(db, getMark(db, 'default', 'member', 'held-one')!, 'awaiting_approval', now, 'Held for approval');
  // A member the bridge knows by email: the list names them by it, for the mark and the call.
  insertMember(
    db,
    { id: 'm-ana', organizationId: 'default', email: 'ana@example.com', emailKey: 'ana@example.com', name: 'Ana', role: 'MEMBER' },
    now,
  );
  markForSync(db, 'default', 'member', 'm-ana', now);
  failMark(db, getMark(db, 'default', 'member', 'm-ana')!, 'parked', now, '402 enterprise_plan_required');
  recordDelivery(db, {
    organizationId: 'default',
    entityType: 'member',
    entityId: 'm-ana',
    method: 'POST',
    path: '/api/members',
    status: 402,
    outcome: 'parked',
    detail: 'plan',
    startedAt: now,
    durationMs: 3,
  });
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('lists, retries, approves and drops deliveries, with exit codes scripts can rely on', () => {
  const list = cli('list', '--json');
  expect(list.status).toBe(0);
  const pending = JSON.parse(list.stdout).pending as { entityId: string; state: string }[];
  expect(pending.map((p) => [p.entityId, p.state]).sort()).toEqual([
    ['held-one', 'awaiting_approval'],
    ['m-ana', 'parked'],
    ['parked-one', 'parked'],
  ]);
  // A member is named by email where the bridge knows one (these two are bare marks), and by id.
  const text = cli('list').stdout;
  expect(text).toMatch(/parked\tmember parked-one \(parked-one\)\tattempts 1\t402 enterprise_plan_required/);
  expect(text).toMatch(/^parked\tmember ana@example\.com \(m-ana\)\tattempts 1\t402 enterprise_plan_required$/m);
  expect(text).toMatch(/^recent calls:$/m);
  expect(text).toMatch(/\tparked\tPOST \/api\/members\t402\tana@example\.com\tplan$/m);
  expect(cli('drop', 'member', 'm-ana').status).toBe(0);

  expect(cli('retry', 'member', 'parked-one').status).toBe(0);
  expect(JSON.parse(cli('approve', '--json').stdout)).toEqual({ approved: 1 });
  const after = JSON.parse(cli('list', '--json').stdout).pending as { entityId: string; state: string }[];
  expect(after.every((p) => p.state === 'pending')).toBe(true);

  expect(cli('drop', 'member', 'parked-one').status).toBe(0);
  expect(cli('drop', 'member', 'parked-one').status).toBe(1);
  expect(cli('retry', 'nonsense').status).toBe(2);
  expect(cli('--help').stdout).toMatch(/approve \[<member\|group>\] \[<id>\]/);
});
