/**
 * The real bridge as a child process, for tests that kill it (kill -9) and start it again on
 * the same data directory. Unlike test/helpers/server.ts, the caller owns DATA_DIR and the port.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts `scim-bridge serve` with `env` and resolves once `${baseUrl}/healthz` answers. */
export async function spawnBridge(env: Record<string, string>, baseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`the bridge exited with code ${child.exitCode} before it was healthy`);
    if (Date.now() > deadline) throw new Error('the bridge did not start within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGKILL, and wait until the process is gone. */
export async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

export interface BridgeRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Runs `scim-bridge <args>` with exactly `env` (plus PATH), keeping what it writes, for tests of
 * how it starts and fails. The caller stops it (SIGTERM, or kill9).
 */
export function runBridge(args: string[], env: Record<string, string>): BridgeRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code, signal) => {
      if (signal) err += `[ended by ${signal}]`;
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once `${baseUrl}/healthz` answers 200; fails if the process exits first. */
export async function untilHealthy(run: BridgeRun, baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (run.child.exitCode !== null) throw new Error(`the bridge exited with ${run.child.exitCode}: ${run.stderr()}`);
    if (
      await fetch(`${baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`the bridge was not healthy within ${timeoutMs} ms: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM, and the exit code. */
export async function stopBridge(run: BridgeRun): Promise<number | null> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
  return run.exited;
}
