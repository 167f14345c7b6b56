/**
 * Starts the real server as a child process (`node --import tsx src/cli.ts serve`) on a free
 * port with a fresh data directory, for the tests that must speak real HTTP: the smoke test and
 * the third-party suites (newman, the Okta SPEC runner). Everything else runs in process through
 * the harness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StartedServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). The SCIM base is `${baseUrl}/scim/v2`. */
  baseUrl: string;
  port: number;
  /** Bearer tokens of the two SCIM connections made through BRIDGE_CONNECTIONS. */
  tokens: { okta: string; azure: string };
  dataDir: string;
  /** SIGTERM, wait for exit (SIGKILL after a timeout), then remove the data directory. */
  stop(): Promise<void>;
  /** Everything the server wrote to stdout and stderr so far, for failure messages. */
  output(): string;
}

export interface StartServerOptions {
  /** Extra environment for the server; overrides the defaults set here. */
  env?: Record<string, string>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HEALTH_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_CHARS = 200_000;

/** Asks the OS for a free port by listening on port 0, then releases it for the server. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error(`could not read the probe port from ${String(address)}`));
        return;
      }
      const { port } = address;
      probe.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export async function startServer(opts: StartServerOptions = {}): Promise<StartedServer> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dataDir = await mkdtemp(join(tmpdir(), 'scim-bridge-test-'));
  const tokens = { okta: newToken('okta'), azure: newToken('azure') };
  const baseUrl = `http://${host}:${port}`;

  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS);
  };

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: host,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      BRIDGE_CONNECTIONS: `okta:${tokens.okta},azure-ad:${tokens.azure}`,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, STOP_TIMEOUT_MS);
        }
      }
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const explain = () => `server (port ${port}, DATA_DIR ${dataDir}) output:\n${output.trim() || '(no output)'}`;

  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        child.off('exit', onExit);
        child.off('error', onError);
        if (err) reject(err);
        else resolve();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        finish(new Error(`server exited before it was healthy (code ${code}, signal ${signal}); ${explain()}`));
      const onError = (err: Error) => finish(new Error(`could not spawn the server: ${err.message}; ${explain()}`));
      const deadline = setTimeout(
        () => finish(new Error(`server was not healthy within ${HEALTH_TIMEOUT_MS} ms; ${explain()}`)),
        HEALTH_TIMEOUT_MS,
      );
      child.once('exit', onExit);
      child.once('error', onError);

      const poll = async () => {
        while (!settled) {
          try {
            const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
            await res.arrayBuffer();
            if (res.status === 200) {
              finish();
              return;
            }
          } catch {
            // not listening yet
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      void poll();
    });
  } catch (err) {
    await stop();
    throw err;
  }

  return { baseUrl, port, tokens, dataDir, stop, output: () => output };
}
