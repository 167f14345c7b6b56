/**
 * `scim-bridge doctor` as a script sees it: the real binary, a temporary DATA_DIR, exit 0 when
 * nothing fails and 1 when something does, a line saying what to fix, and `--json`. The binary
 * runs asynchronously, so that the LangWatch stand-in in this process can answer its probe.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLangWatchFake, type RunningLangWatchFake } from '../fakes/langwatch/server.js';
import { freePort } from './helpers/server.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let fake: RunningLangWatchFake;

function doctor(args: string[], env: Record<string, string> = {}, dataDir = dir): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'doctor', ...args], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const langwatch = (key: string, url = fake.url) => ({ TARGET: 'langwatch', TARGET_URL: url, TARGET_API_KEY: key });

interface Check {
  name: string;
  status: string;
  detail: string;
  fix?: string;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-doctor-'));
  fake = await startLangWatchFake({ port: 0 });
  const migrate = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
  });
  expect(await new Promise((r) => migrate.once('close', r))).toBe(0);
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scim-bridge doctor', () => {
  it('exits 0 when no check fails, printing every check', async () => {
    const run = await doctor([]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    for (const name of ['configuration', 'database', 'migrations', 'sync_backlog', 'target:default']) {
      expect(run.stdout).toMatch(new RegExp(`^ok +${name} `, 'm'));
    }
    // No connection yet: a warning with its fix, not a failure.
    expect(run.stdout).toMatch(/^warn +connections +no SCIM connection/m);
    expect(run.stdout).toMatch(/fix: Create one with BRIDGE_CONNECTIONS/);
    expect(run.stdout).toMatch(/No check failed \(1 warning\)\.$/m);
  });

  it('--json gives the checks as /readyz does', async () => {
    const run = await doctor(['--json'], { BRIDGE_CONNECTIONS: 'okta:okta-token-0123456789abcdef' });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { status: string; checks: Check[] };
    expect(report.status).toBe('ok');
    expect(report.checks.map((c) => c.name)).toEqual([
      'configuration',
      'database',
      'migrations',
      'sync_backlog',
      'target:default',
      'connection:okta',
    ]);
    expect(report.checks.find((c) => c.name === 'connection:okta')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('BRIDGE_CONNECTIONS'),
    });
  });

  it('probes the configured target for real: a key the application accepts is ok', async () => {
    const run = await doctor(['--json'], langwatch(fake.organization.apiKey));
    expect(run.status, run.stdout).toBe(0);
    const target = (JSON.parse(run.stdout).checks as Check[]).find((c) => c.name === 'target:default');
    expect(target).toMatchObject({ status: 'ok', credentials: 'ok', url: fake.url });
  });

  it('exits 1 when the application refuses the key, saying which variable to fix', async () => {
    const run = await doctor([], langwatch('sk-lw-nobody_0000000000000000000000'));
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/^FAIL +target:default +langwatch: the application refused the API key .*401/m);
    expect(run.stdout).toMatch(/fix: Set TARGET_API_KEY to a valid key/);
    expect(run.stdout).toMatch(/1 check failed.*: fix the FAIL lines above\./);
    expect(run.stdout).not.toContain('sk-lw-nobody_0000000000000000000000');
  });

  it('exits 1 when the application cannot be reached, naming the URL to check', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await doctor([], langwatch(fake.organization.apiKey, url));
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/^FAIL +target:default +langwatch: the application could not be reached/m);
    expect(run.stdout).toContain(`fix: Check that TARGET_URL (${url}) is right`);
    const json = await doctor(['--json'], langwatch(fake.organization.apiKey, url));
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'fail' });
  });

  it('reports a bad configuration as a failed check instead of stopping at it', async () => {
    const run = await doctor(['--json'], { TARGET: 'langwatch' });
    expect(run.status).toBe(1);
    const checks = JSON.parse(run.stdout).checks as Check[];
    expect(checks[0]).toMatchObject({ name: 'configuration', status: 'fail', detail: expect.stringContaining('TARGET_URL') });
    expect(checks[0]!.fix).toBeTruthy();
    // The database is still looked at.
    expect(checks.find((c) => c.name === 'database')).toMatchObject({ status: 'ok' });
  });

  it('leaves a DATA_DIR without a database as it is, and says the first start creates it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bridge-doctor-empty-'));
    try {
      const run = await doctor(['--json'], {}, join(empty, 'data'));
      expect(run.status, run.stdout).toBe(0);
      expect((JSON.parse(run.stdout).checks as Check[]).find((c) => c.name === 'database')).toMatchObject({
        status: 'warn',
        fix: expect.stringContaining('first start creates it'),
      });
      expect(existsSync(join(empty, 'data')), 'nothing created').toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('has --help, and refuses what it does not know with exit 2', async () => {
    const help = await doctor(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: scim-bridge doctor \[options\]/);
    expect(help.stdout).toMatch(/^ {2}--json /m);
    expect(help.stdout).toMatch(/Exit codes: 0 .* 1 .* 2 usage error/);
    const unknown = await doctor(['--verbose']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^scim-bridge doctor: unknown option --verbose; see "scim-bridge doctor --help"\n$/);
    expect((await doctor(['now'])).status).toBe(2);
  });
});
