/**
 * What the command line changes is audited like an admin API write (issue 12 item 10): keys and
 * connections created, rotated and revoked with the CLI leave `admin` entries in the sync log,
 * without their secrets, and `scim-bridge logs --kind admin` shows them apart from IdP traffic.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DB_FILE, openDb } from '../src/store/db.js';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
    timeout: 30_000,
  });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-cli-audit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keys and connections changed on the command line are admin entries, secrets left out', () => {
  const key = JSON.parse(cli('keys', 'create', '--name', 'ops', '--json').stdout) as { id: string; key: string };
  const token = (JSON.parse(cli('connections', 'create', 'okta', '--json').stdout) as { token: string }).token;
  expect(cli('connections', 'rotate', 'okta').status).toBe(0);
  expect(cli('keys', 'revoke', key.id).status).toBe(0);
  expect(cli('keys', 'revoke', 'no-such-key').status).toBe(1);

  const db = openDb(join(dir, DB_FILE));
  try {
    const rows = db
      .prepare("SELECT kind, method, path, action, resource_name AS name, actor_via AS via FROM sync_log WHERE kind = 'admin' ORDER BY id")
      .all();
    expect(rows).toEqual([
      expect.objectContaining({ method: 'CLI', path: 'scim-bridge keys create', name: 'ops', via: 'cli' }),
      expect.objectContaining({ method: 'CLI', path: 'scim-bridge connections create', name: 'okta', via: 'cli' }),
      expect.objectContaining({ method: 'CLI', path: 'scim-bridge connections rotate', name: 'okta', via: 'cli' }),
      expect.objectContaining({ method: 'CLI', path: 'scim-bridge keys revoke', via: 'cli' }),
    ]);
    const everything = JSON.stringify(db.prepare('SELECT * FROM sync_log').all());
    expect(everything).not.toContain(key.key);
    expect(everything).not.toContain(token);
  } finally {
    db.close();
  }

  // A refused delivery action is audited too (the embedded target has nothing to reconcile).
  const reconcile = cli('deliveries', 'reconcile');
  expect(reconcile.status).toBe(1);
  expect(reconcile.stderr).toMatch(/embedded target has nothing to reconcile/);

  const admin = cli('logs', '--kind', 'admin');
  expect(admin.status).toBe(0);
  expect(admin.stdout.trim().split('\n')).toHaveLength(5);
  expect(admin.stdout).toMatch(/CLI scim-bridge deliveries reconcile\s+400\s+failed/);
  expect(admin.stdout).toMatch(/admin:.*\(cli\)\s+CLI scim-bridge keys create/);
  expect(cli('logs', '--kind', 'scim').stdout.trim()).toBe('');
  const bad = cli('logs', '--kind', 'everything');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--kind.*must be scim or admin/);
});
