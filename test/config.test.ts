import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { LATEST_MIGRATION } from '../src/store/db.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      PORT: 8080,
      HOST: '0.0.0.0',
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      BRIDGE_CONNECTIONS: [],
      TARGET: 'embedded',
      TARGET_DELETE_MODE: 'remove',
      TARGET_GROUP_MAPPING: 'convention',
      TARGET_GROUP_PREFIX: '',
      TARGET_CREATE_WORKSPACES: false,
      TARGET_LANGWATCH_MODE: 'scim',
      TARGET_SUSPEND: 'organization',
      TARGET_INVITE_TEAM_ROLE: 'MEMBER',
      SYNC_PROTECTED_EMAILS: [],
      SYNC_MASS_REMOVAL_SHARE: 0.2,
      SYNC_MASS_REMOVAL_MIN: 10,
      SYNC_LOG_RETENTION_DAYS: 30,
      SYNC_LOG_MAX_ENTRIES: 10_000_000,
      SCIM_RATE_LIMIT_PER_SECOND: 100,
      SCIM_RATE_LIMIT_BURST: 200,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 60_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
    });
  });

  it('parses BRIDGE_CONNECTIONS into sources and tokens', () => {
    const c = loadConfig({ BRIDGE_CONNECTIONS: 'okta:aaaaaaaaaaaaaaaa1, azure-ad:bbbbbbbbbbbbbbbb:2' });
    expect(c.BRIDGE_CONNECTIONS).toEqual([
      { source: 'okta', token: 'aaaaaaaaaaaaaaaa1' },
      { source: 'azure-ad', token: 'bbbbbbbbbbbbbbbb:2' },
    ]);
  });

  it.each([
    [{ PORT: 'eighty' }, /^invalid configuration: PORT:/],
    [{ PORT: '70000' }, /^invalid configuration: PORT:/],
    [{ LOG_LEVEL: 'loud' }, /^invalid configuration: LOG_LEVEL:/],
    [{ BRIDGE_CONNECTIONS: 'Okta:aaaaaaaaaaaaaaaaaaaa' }, /BRIDGE_CONNECTIONS: "Okta" is not a source name/],
    [{ BRIDGE_CONNECTIONS: 'okta:short' }, /BRIDGE_CONNECTIONS: the token for "okta" must be at least 16/],
    [{ BRIDGE_CONNECTIONS: 'okta:aaaaaaaaaaaaaaaaaaaa,okta:bbbbbbbbbbbbbbbbbbbb' }, /"okta" is given twice/],
    [{ BRIDGE_ADMIN_KEY: 'short' }, /^invalid configuration: BRIDGE_ADMIN_KEY:/],
    [{ PUBLIC_URL: 'not a url' }, /^invalid configuration: PUBLIC_URL:/],
    [{ TARGET: 'salesforce' }, /^invalid configuration: TARGET:/],
    [{ TARGET: 'langwatch' }, /^invalid configuration: TARGET_URL: required when TARGET=langwatch/],
    [{ TARGET: 'langwatch', TARGET_URL: 'http://127.0.0.1:1' }, /^invalid configuration: TARGET_API_KEY: required/],
    [{ TARGET: 'langsmith', TARGET_URL: 'http://127.0.0.1:1', TARGET_API_KEY: 'ls-key-123456' }, /TARGET_ORGANIZATION_ID: required/],
    [{ TARGET_API_KEY: 'sk-lw-abc\nsomething else' }, /^invalid configuration: TARGET_API_KEY: must be printable ASCII/],
    [{ TARGET_CREATE_WORKSPACES: 'maybe' }, /^invalid configuration: TARGET_CREATE_WORKSPACES:/],
    [{ SYNC_MASS_REMOVAL_SHARE: '1.5' }, /^invalid configuration: SYNC_MASS_REMOVAL_SHARE:/],
    [{ SCIM_RATE_LIMIT_BURST: '0' }, /^invalid configuration: SCIM_RATE_LIMIT_BURST:/],
    [{ HTTP_HEADERS_TIMEOUT_MS: '70000' }, /^invalid configuration: HTTP_HEADERS_TIMEOUT_MS: must not exceed/],
  ])('refuses %o naming the variable', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('never echoes a secret in the error', () => {
    expect(() => loadConfig({ BRIDGE_CONNECTIONS: 'okta:tooshort' })).toThrow(/^((?!tooshort).)*$/);
  });
});

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 30_000,
  });

describe('the scim-bridge binary', () => {
  it('exits 1 with one line naming the variable on a bad setting', () => {
    const res = cli(['serve'], { PORT: 'eighty' });
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/PORT/);
  });

  it('migrates, creates a connection printing its token once, lists, rotates and revokes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-cli-'));
    try {
      const env = { DATA_DIR: dir };
      const migrated = cli(['migrate', '--json'], env);
      expect(migrated.status).toBe(0);
      expect(JSON.parse(migrated.stdout)).toEqual({ applied: Array.from({ length: LATEST_MIGRATION }, (_, i) => i + 1) });
      const created = cli(['connections', 'create', 'okta', '--json'], env);
      expect(created.status).toBe(0);
      const { token } = JSON.parse(created.stdout) as { token: string };
      expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
      const listed = cli(['connections', 'list', '--json'], env);
      expect(JSON.parse(listed.stdout)).toMatchObject([{ source: 'okta', tokens: 1 }]);
      expect(listed.stdout).not.toContain(token);
      const rotated = JSON.parse(cli(['connections', 'rotate', 'okta', '--json'], env).stdout) as { token: string };
      expect(rotated.token).not.toBe(token);
      expect(JSON.parse(cli(['connections', 'list', '--json'], env).stdout)).toMatchObject([{ tokens: 1 }]);
      expect(JSON.parse(cli(['connections', 'revoke', 'okta', '--json'], env).stdout)).toEqual({ source: 'okta', revoked: 1 });
      expect(cli(['connections', 'revoke', 'nobody'], env).status).toBe(1);
      expect(cli(['connections', 'create', 'Bad Name'], env).status).toBe(2);
      expect(cli(['frobnicate'], env).status).toBe(2);
      const help = cli(['connections', '--help'], env);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/rotate <source>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
