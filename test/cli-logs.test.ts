import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openDb } from '../src/store/db.js';
import { insertLog, type LogEntry } from '../src/store/sync-log.repo.js';

let dir: string;
const env = () => ({ PATH: process.env.PATH ?? '', DATA_DIR: dir });
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'logs', ...args], { encoding: 'utf8', env: env(), timeout: 30_000 });

const entry = (over: Partial<LogEntry>): LogEntry => ({
  at: new Date().toISOString(),
  organizationId: 'default',
  connectionId: null,
  source: 'okta',
  requestId: 'r',
  method: 'POST',
  path: '/scim/v2/Users',
  resourceType: 'User',
  resourceId: 'u1',
  action: 'create',
  status: 201,
  scimType: null,
  outcome: 'success',
  durationMs: 1,
  userAgent: null,
  userKey: 'ana@example.com',
  emailKey: 'ana@example.com',
  groupKey: null,
  summary: { changed: ['userName'] },
  ...over,
});

function seed(...entries: Partial<LogEntry>[]) {
  const db = openDb(join(dir, 'scim-bridge.db'));
  migrate(db);
  db.prepare("INSERT OR IGNORE INTO organizations (id, name, created_at) VALUES ('default', 'Default', '2026-01-01')").run();
  for (const e of entries) insertLog(db, entry(e));
  db.close();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-logs-'));
  seed(
    {},
    {
      source: 'azure-ad',
      method: 'PATCH',
      action: 'patch',
      status: 409,
      scimType: 'uniqueness',
      outcome: 'failed',
      userKey: 'bob@example.com',
      emailKey: 'bob@example.com',
    },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('prints the newest entries oldest first, filters them, and refuses bad options', () => {
  const all = cli();
  expect(all.status).toBe(0);
  const lines = all.stdout.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/okta {2}POST \/scim\/v2\/Users {2}201 {2}success {2}changed userName/);
  expect(lines[1]).toMatch(/azure-ad {2}PATCH .* 409 uniqueness {2}failed/);
  const json = cli('--json', '--source', 'azure-ad');
  expect(
    json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).status),
  ).toEqual([409]);
  expect(cli('--user', 'ANA@example.com').stdout.trim().split('\n')).toHaveLength(1);
  expect(cli('--outcome', 'failed', '--json').stdout.trim().split('\n')).toHaveLength(1);
  expect(cli('--outcome', 'bogus').status).toBe(2);
  expect(cli('--limit', 'x').status).toBe(2);
  expect(spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'logs', '--help'], { encoding: 'utf8', env: env() }).stdout).toMatch(
    /--follow/,
  );
});

it('--follow prints new entries as they arrive and stops on SIGINT', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'logs', '--follow', '--json', '--limit', '1'], { env: env() });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const waitFor = async (n: number) => {
    for (let i = 0; i < 200 && out.trim().split('\n').filter(Boolean).length < n; i++) await new Promise((r) => setTimeout(r, 50));
  };
  await waitFor(1);
  seed({ resourceId: 'new-one', requestId: 'late' });
  await waitFor(2);
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(
    out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).requestId),
  ).toEqual(['r', 'late']);
});
