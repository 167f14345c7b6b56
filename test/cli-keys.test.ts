/**
 * `scim-bridge keys ...` run as the real binary on a temporary data directory, and the keys it
 * makes used against an in-process app on the same database file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { DB_FILE } from '../src/server.js';
import { openDb, type Db } from '../src/store/db.js';

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 30_000,
  });

let dir: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-cli-keys-'));
  env = { DATA_DIR: dir };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An app on the database file the CLI writes, as `scim-bridge serve` would open it. */
function appOnDataDir(): {
  db: Db;
  get: (path: string, key: string) => Promise<number>;
  post: (path: string, key: string, body: unknown) => Promise<number>;
} {
  const db = openDb(join(dir, DB_FILE));
  const app = createApp({ db, config: loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), logger: pino({ level: 'silent' }) });
  const send = async (method: string, path: string, key: string, body?: unknown) =>
    (
      await app.request(`http://localhost${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    ).status;
  return { db, get: (path, key) => send('GET', path, key), post: (path, key, body) => send('POST', path, key, body) };
}

describe('scim-bridge keys', () => {
  it('creates a key printing its secret once, lists without it, and revokes it; the key works until then', async () => {
    const created = cli(['keys', 'create', '--name', 'Deploy bot', '--json'], env);
    expect(created.status, created.stderr).toBe(0);
    const manage = JSON.parse(created.stdout) as { id: string; name: string; scopes: string[]; key: string };
    expect(manage).toEqual({
      id: expect.any(String),
      name: 'Deploy bot',
      scopes: ['organization:view', 'organization:manage'],
      key: expect.stringMatching(/^sk-bridge_[A-Za-z0-9_-]{43}$/),
    });

    const viewed = cli(['keys', 'create', '--view-only', '--name=Dashboard', '--json'], env);
    expect(viewed.status, viewed.stderr).toBe(0);
    const view = JSON.parse(viewed.stdout) as { id: string; key: string; scopes: string[] };
    expect(view.scopes).toEqual(['organization:view']);

    const listed = cli(['keys', 'list', '--json'], env);
    expect(listed.status).toBe(0);
    expect(listed.stdout).not.toContain(manage.key);
    expect(listed.stdout).not.toContain(view.key);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { id: manage.id, name: 'Deploy bot', scopes: ['organization:view', 'organization:manage'], origin: 'cli', revokedAt: null },
      { id: view.id, name: 'Dashboard', scopes: ['organization:view'], revokedAt: null },
    ]);
    const text = cli(['keys', 'list'], env);
    expect(text.stdout).toContain(manage.id);
    expect(text.stdout).not.toContain(manage.key);

    const { db, get, post } = appOnDataDir();
    try {
      expect(await get('/api/groups', manage.key)).toBe(200);
      expect(await post('/api/groups', manage.key, { name: 'From the CLI key' })).toBe(201);
      expect(await get('/api/organization/members', view.key)).toBe(200);
      expect(await post('/api/groups', view.key, { name: 'Refused' })).toBe(403);
      expect(await get('/api/groups', 'sk-bridge_never-issued-0000000000000000000000000000000')).toBe(401);
      // The use is recorded for `keys list`.
      const used = JSON.parse(cli(['keys', 'list', '--json'], env).stdout) as { id: string; lastUsedAt: string | null }[];
      expect(used.find((k) => k.id === manage.id)?.lastUsedAt).not.toBeNull();

      const revoked = cli(['keys', 'revoke', manage.id, '--json'], env);
      expect(revoked.status, revoked.stderr).toBe(0);
      expect(JSON.parse(revoked.stdout)).toMatchObject({ id: manage.id, revokedAt: expect.any(String), alreadyRevoked: false });
      // No cache between the CLI and a running bridge: the next request is refused.
      expect(await get('/api/groups', manage.key)).toBe(401);
      expect(await get('/api/groups', view.key)).toBe(200);

      const again = cli(['keys', 'revoke', manage.id, '--json'], env);
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ alreadyRevoked: true });
      expect(JSON.parse(cli(['keys', 'list', '--json'], env).stdout)).toMatchObject([
        { id: manage.id, revokedAt: expect.any(String) },
        { id: view.id, revokedAt: null },
      ]);
    } finally {
      db.close();
    }
  });

  it('prints the secret once in text mode too', () => {
    const res = cli(['keys', 'create'], env);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/shown once/);
    expect(res.stdout).toMatch(/^sk-bridge_[A-Za-z0-9_-]{43}$/m);
  });

  it.each([
    [['keys'], 2],
    [['keys', 'frobnicate'], 2],
    [['keys', 'revoke'], 2],
    [['keys', 'create', '--name'], 2],
    [['keys', 'create', '--name', ''], 2],
    [['keys', 'create', '--name', 'x'.repeat(101)], 2],
    [['keys', 'create', '--viewonly'], 2],
    [['keys', 'create', 'extra'], 2],
    [['keys', 'list', 'extra'], 2],
    [['keys', 'revoke', 'a', 'b'], 2],
    [['keys', 'revoke', 'no-such-key'], 1],
  ])('%j exits %i', (args, code) => {
    const res = cli(args, env);
    expect(res.status, res.stderr).toBe(code);
    expect(res.stdout).toBe('');
    expect(res.stderr.length).toBeGreaterThan(0);
  });

  it('has --help', () => {
    const res = cli(['keys', '--help'], env);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^ {2}create +Create a key/m);
    expect(res.stdout).toMatch(/^ {2}revoke <id> +Revoke/m);
    const create = cli(['keys', 'create', '--help'], env);
    expect(create.status).toBe(0);
    expect(create.stdout).toMatch(/^ {2}--name <name> /m);
    expect(create.stdout).toMatch(/^ {2}--view-only /m);
    expect(cli(['help'], env).stdout).toMatch(/keys <subcommand>/);
  });
});
