/**
 * Graceful shutdown: on SIGTERM the bridge stops accepting, finishes the requests in flight,
 * stops the worker, folds the WAL into the database and exits 0, within the grace period.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from './helpers/server.js';

it('SIGTERM finishes in-flight requests, checkpoints the WAL and exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-shutdown-'));
  const port = await freePort();
  const token = 'shutdown-test-token-0123456789';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      BRIDGE_CONNECTIONS: `okta:${token}`,
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // A Bulk of 200 creates keeps the server busy while the signal arrives.
    const ops = Array.from({ length: 200 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `b${i}`,
      data: { userName: `u${i}@example.com` },
    }));
    const inFlight = fetch(`${base}/scim/v2/Bulk`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: ops }),
    });
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { Operations: { status: string }[] };
    expect(body.Operations.filter((o) => o.status === '201')).toHaveLength(200);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(out).toMatch(/"msg":"stopped"/);
    const wal = join(dir, 'scim-bridge.db-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
