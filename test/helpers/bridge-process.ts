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
