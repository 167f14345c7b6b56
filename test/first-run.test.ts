/**
 * The start banner and the first run, as a person at a terminal sees them: `serve` under a
 * pseudo-terminal (util-linux `script`) prints the SCIM base URL and the console URL, and at the
 * very first start, with nothing configured, makes an okta connection and an admin key and
 * prints both secrets once: never in the JSON log, never in the database, never again. Without a
 * terminal there is no banner, no first run, and the JSON log warns instead. The banner's text
 * itself is tested in process below.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { banner, publicOrigin } from '../src/cli/banner.js';
import { runBridge, stopBridge, untilHealthy } from './helpers/bridge-process.js';
import { freePort } from './helpers/server.js';

const HOST = '127.0.0.1';
const hasScript = process.platform === 'linux' && spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'bridge-first-run-'));
  dirs.push(d);
  return d;
};

/** `scim-bridge serve` with a terminal for stdout and stderr; `output` is what the terminal shows. */
function serveOnTerminal(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const command = `'${process.execPath}' --import tsx src/cli.ts serve`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8').replace(/\r\n/g, '\n')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8').replace(/\r\n/g, '\n')));
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function untilBanner(run: ReturnType<typeof serveOnTerminal>, baseUrl: string) {
  for (let i = 0; i < 600; i++) {
    if (
      run.output().includes('Console ') &&
      (await fetch(`${baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no banner: ${run.output()}`);
}

async function stopTerminal(run: ReturnType<typeof serveOnTerminal>) {
  // `script` ends the session (and with it the bridge) on SIGTERM.
  run.child.kill('SIGTERM');
  await run.exited;
}

describe.skipIf(!hasScript)('on a terminal (needs util-linux script for a pseudo-terminal)', () => {
  it('the first start makes a connection and an admin key and prints them once; the second does not', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const base = `http://${HOST}:${port}`;
    const env = { DATA_DIR: dataDir, PORT: String(port), HOST, LOG_LEVEL: 'trace' };

    const first = serveOnTerminal(env);
    let token: string;
    let adminKey: string;
    try {
      await untilBanner(first, base);
      const out = first.output();
      expect(out).toContain(`SCIM base URL   ${base}/scim/v2`);
      expect(out).toContain(`Console         ${base}/admin`);
      expect(out).toMatch(/First run: nothing was configured/);
      token = /SCIM token for "okta" +(scim_\S+)/.exec(out)?.[1] ?? '';
      adminKey = /Admin key +(sk-bridge_\S+)/.exec(out)?.[1] ?? '';
      expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
      expect(adminKey).toMatch(/^sk-bridge_[A-Za-z0-9_-]{43}$/);
      expect(out).not.toMatch(/Warning: no/);
      // The secrets work ...
      const scim = await fetch(`${base}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } });
      expect(scim.status).toBe(200);
      const admin = await fetch(`${base}/api/groups`, { headers: { Authorization: `Bearer ${adminKey}` } });
      expect(admin.status).toBe(200);
      // ... and appear on no JSON log line, though the log is at its most verbose.
      const logLines = first
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      expect(logLines.some((l) => l.includes('"msg":"listening"'))).toBe(true);
      for (const line of logLines) {
        expect(line).not.toContain(token);
        expect(line).not.toContain(adminKey);
      }
    } finally {
      await stopTerminal(first);
    }
    // Only hashes are stored.
    for (const file of readdirSync(dataDir)) {
      const content = readFileSync(join(dataDir, file)).toString('latin1');
      expect(content, file).not.toContain(token);
      expect(content, file).not.toContain(adminKey);
    }

    const second = serveOnTerminal(env);
    try {
      await untilBanner(second, base);
      const out = second.output();
      expect(out).toContain(`SCIM base URL   ${base}/scim/v2`);
      expect(out).not.toMatch(/First run/);
      expect(out).not.toContain(token);
      expect(out).not.toContain(adminKey);
      expect(out).not.toMatch(/scim_[A-Za-z0-9_-]{43}|sk-bridge_[A-Za-z0-9_-]{43}/);
      expect((await fetch(`${base}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await stopTerminal(second);
    }
  });

  it('with only an admin key configured: no first run, and a warning that no IdP can push', async () => {
    const port = await freePort();
    const run = serveOnTerminal({ DATA_DIR: tempDir(), PORT: String(port), HOST, BRIDGE_ADMIN_KEY: 'terminal-admin-key-0123456789abcdef' });
    try {
      await untilBanner(run, `http://${HOST}:${port}`);
      expect(run.output()).not.toMatch(/First run/);
      expect(run.output()).toMatch(/Warning: no SCIM connection has a live token/);
      expect(run.output()).toMatch(/scim-bridge connections create okta/);
      expect(run.output()).not.toMatch(/Warning: no admin key/);
    } finally {
      await stopTerminal(run);
    }
  });
});

it('without a terminal: no banner, no first run, and the JSON log warns', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const run = runBridge(['serve'], { DATA_DIR: dataDir, PORT: String(port), HOST, LOG_LEVEL: 'info' });
  try {
    await untilHealthy(run, `http://${HOST}:${port}`);
  } finally {
    expect(await stopBridge(run)).toBe(0);
  }
  // Read once it has exited: the log is written asynchronously.
  const lines = run.stdout().trim().split('\n');
  for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  expect(run.stdout()).toMatch(/"level":40,[^\n]*"msg":"no SCIM connection has a live token/);
  expect(run.stdout()).toMatch(/"level":40,[^\n]*"msg":"no live admin key/);
  const listed = runBridge(['connections', 'list', '--json'], { DATA_DIR: dataDir });
  expect(await listed.exited).toBe(0);
  expect(JSON.parse(listed.stdout())).toEqual([]);
});

describe('the banner text', () => {
  const credentials = { connections: 1, adminKeys: 1, liveConnections: 1, liveAdminKeys: 1 };
  const config = { HOST: '0.0.0.0', PUBLIC_URL: undefined, DATA_DIR: './data', TARGET: 'embedded' as const };

  it('points at localhost for a wildcard HOST, at PUBLIC_URL when set, and brackets IPv6', () => {
    expect(publicOrigin(config, 8080)).toBe('http://localhost:8080');
    expect(publicOrigin({ ...config, HOST: '::' }, 8080)).toBe('http://localhost:8080');
    expect(publicOrigin({ ...config, HOST: '::1' }, 9000)).toBe('http://[::1]:9000');
    expect(publicOrigin({ ...config, PUBLIC_URL: 'https://scim.example.com/' }, 8080)).toBe('https://scim.example.com');
  });

  it('says where to go, and warns about each missing credential', () => {
    const text = banner({ version: '1.2.3', config, port: 8080, firstRun: null, credentials });
    expect(text).toContain('scim-bridge 1.2.3 is running');
    expect(text).toContain('SCIM base URL   http://localhost:8080/scim/v2');
    expect(text).toContain('Console         http://localhost:8080/admin');
    expect(text).not.toMatch(/Warning|First run/);
    const bare = banner({
      version: '1',
      config,
      port: 8080,
      firstRun: null,
      credentials: { ...credentials, liveConnections: 0, liveAdminKeys: 0 },
    });
    expect(bare).toMatch(/Warning: no SCIM connection has a live token/);
    expect(bare).toMatch(/Warning: no admin key is live/);
  });
});
