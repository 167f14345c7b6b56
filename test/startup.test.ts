/**
 * How `scim-bridge serve` starts and refuses to, as real processes: one bridge per DATA_DIR (a
 * second one refuses before it touches the database, and the lock goes with a kill -9), a busy
 * port and an unusable DATA_DIR are one line on stderr and exit 1, and `serve --port` works.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill9, runBridge, stopBridge, untilHealthy, type BridgeRun } from './helpers/bridge-process.js';
import { freePort } from './helpers/server.js';

const HOST = '127.0.0.1';
const TOKEN = 'first-bridge-token-0123456789abcdef';
const OTHER_TOKEN = 'second-bridge-token-0123456789abcdef';
const ADMIN_KEY = 'startup-admin-key-0123456789abcdef';

let dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'bridge-startup-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

const env = (dataDir: string, port: number, extra: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  PORT: String(port),
  HOST,
  LOG_LEVEL: 'warn',
  ...extra,
});

const scimStatus = async (port: number, token: string) => {
  const res = await fetch(`http://${HOST}:${port}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
};

/** A failed start: exit 1, exactly one line on stderr (no stack trace), nothing on stdout's log. */
async function expectOneLineFailure(run: BridgeRun, pattern: RegExp): Promise<string> {
  expect(await run.exited, run.stderr()).toBe(1);
  const lines = run.stderr().trimEnd().split('\n');
  expect(lines, run.stderr()).toHaveLength(1);
  expect(lines[0]).toMatch(/^scim-bridge: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr()).not.toMatch(/\n\s+at /);
  expect(run.stdout()).not.toMatch(/"msg":"listening"/);
  return lines[0]!;
}

/** Runs a CLI command to its end. */
function cli(args: string[], environment: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runBridge(args, environment);
  return run.exited.then((code) => ({ code, stdout: run.stdout(), stderr: run.stderr() }));
}

describe('one bridge per DATA_DIR', () => {
  let dataDir: string;
  let port: number;
  let first: BridgeRun;

  beforeAll(async () => {
    dataDir = tempDir();
    port = await freePort();
    first = runBridge(['serve'], env(dataDir, port, { BRIDGE_CONNECTIONS: `okta:${TOKEN}`, BRIDGE_ADMIN_KEY: ADMIN_KEY }));
    await untilHealthy(first, `http://${HOST}:${port}`);
  });
  afterAll(async () => {
    await kill9(first.child);
  });

  it('a second serve on the same DATA_DIR refuses with one line naming it, and changes nothing', async () => {
    expect(await scimStatus(port, TOKEN)).toBe(200);
    // Another port, and a BRIDGE_CONNECTIONS that would revoke the running bridge's token.
    const second = runBridge(['serve'], env(dataDir, await freePort(), { BRIDGE_CONNECTIONS: `okta:${OTHER_TOKEN}` }));
    const line = await expectOneLineFailure(second, /another scim-bridge is already serving DATA_DIR=/);
    expect(line).toContain(dataDir);
    expect(line).toContain(`pid ${first.child.pid}`);
    // The running bridge's token still works; the second one's was never applied.
    expect(await scimStatus(port, TOKEN)).toBe(200);
    expect(await scimStatus(port, OTHER_TOKEN)).toBe(401);
  });

  it('the same DATA_DIR and the same port: the lock speaks first, nothing applied', async () => {
    const second = runBridge(['serve'], env(dataDir, port, { BRIDGE_CONNECTIONS: `okta:${OTHER_TOKEN}` }));
    await expectOneLineFailure(second, /another scim-bridge is already serving DATA_DIR=/);
    expect(await scimStatus(port, TOKEN)).toBe(200);
  });

  it('the CLI keeps working on the database beside the running bridge', async () => {
    const e = env(dataDir, port);
    const runs = await Promise.all([
      cli(['keys', 'list', '--json'], e),
      cli(['connections', 'list', '--json'], e),
      cli(['deliveries', 'list', '--json'], e),
      cli(['logs', '--limit', '1'], e),
      cli(['migrate', '--json'], e),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(runs[1].stdout)).toMatchObject([{ source: 'okta', tokens: 1 }]);
    expect(JSON.parse(runs[4].stdout)).toEqual({ applied: [] });
  });

  it('kill -9 releases the lock: the next start on the same DATA_DIR serves', async () => {
    await kill9(first.child);
    const next = runBridge(['serve'], env(dataDir, port, { BRIDGE_CONNECTIONS: `okta:${TOKEN}` }));
    try {
      await untilHealthy(next, `http://${HOST}:${port}`);
      expect(await scimStatus(port, TOKEN)).toBe(200);
    } finally {
      expect(await stopBridge(next)).toBe(0);
    }
    // And a clean stop releases it too.
    const again = runBridge(['serve'], env(dataDir, port, { BRIDGE_CONNECTIONS: `okta:${TOKEN}` }));
    await untilHealthy(again, `http://${HOST}:${port}`);
    expect(await stopBridge(again)).toBe(0);
  });
});

describe('a busy port', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, HOST, resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('is one line naming the address, exit 1, and nothing is written to the database', async () => {
    const dataDir = tempDir();
    const run = runBridge(['serve'], env(dataDir, port, { BRIDGE_CONNECTIONS: `okta:${TOKEN}` }));
    const line = await expectOneLineFailure(run, /cannot listen on 127\.0\.0\.1:\d+: the port is already in use/);
    expect(line).toContain(String(port));
    expect(existsSync(join(dataDir, 'scim-bridge.db'))).toBe(false);
  });

  it('serve --port names the port it was given', async () => {
    const run = runBridge(['serve', '--port', String(port)], env(tempDir(), await freePort()));
    await expectOneLineFailure(run, new RegExp(`127\\.0\\.0\\.1:${port}: the port is already in use`));
  });
});

describe('DATA_DIR', () => {
  it('that is a file: one line naming the variable and the path, exit 1', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const run = runBridge(['serve'], env(file, await freePort()));
    await expectOneLineFailure(run, new RegExp(`DATA_DIR=${file} is not a directory`));
  });

  it('under a file (it cannot be created): one line naming the variable and the path, exit 1', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const run = runBridge(['serve'], env(join(file, 'data'), await freePort()));
    await expectOneLineFailure(run, new RegExp(`DATA_DIR=${file}/data does not exist and cannot be created: a part of the path is a file`));
  });

  it('the CLI says the same, in one line', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const r = await cli(['keys', 'list'], { DATA_DIR: file });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^scim-bridge: DATA_DIR=${file} is not a directory\\n$`));
  });

  // root writes through any permission bits, so this refusal cannot happen (or be tested) as root.
  it.skipIf(process.getuid?.() === 0)('that is not writable: one line naming the variable and the path, exit 1', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    try {
      const run = runBridge(['serve'], env(dir, await freePort()));
      await expectOneLineFailure(run, new RegExp(`DATA_DIR=${dir} is not writable by this user`));
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('missing: the first start creates it', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const port = await freePort();
    const run = runBridge(['serve'], env(dataDir, port));
    await untilHealthy(run, `http://${HOST}:${port}`);
    expect(existsSync(join(dataDir, 'scim-bridge.db'))).toBe(true);
    expect(await stopBridge(run)).toBe(0);
  });
});

it('serve --port overrides PORT', async () => {
  const [port, other] = [await freePort(), await freePort()];
  const run = runBridge(['serve', '--port', String(port)], { ...env(tempDir(), other), LOG_LEVEL: 'info' });
  try {
    await untilHealthy(run, `http://${HOST}:${port}`);
    // The log line is written asynchronously: wait for it.
    for (let i = 0; i < 100 && !run.stdout().includes('"msg":"listening"'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(run.stdout()).toMatch(new RegExp(`"port":${port},[^\n]*"msg":"listening"`));
  } finally {
    expect(await stopBridge(run)).toBe(0);
  }
});

it('a bad --port is a usage error: one line, exit 2, nothing started', async () => {
  const dataDir = tempDir();
  const r = await cli(['serve', '--port', '99999'], { DATA_DIR: dataDir });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    /^scim-bridge serve: --port must be a port number from 0 to 65535 \(got "99999"\); see "scim-bridge serve --help"\n$/,
  );
  expect(existsSync(join(dataDir, 'scim-bridge.db'))).toBe(false);
});
