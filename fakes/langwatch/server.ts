/**
 * Starts the LangWatch stand-in as a real HTTP server (for the bridge's tests and for
 * `npm run fake:langwatch`). Port 0 picks a free port; `close()` ends hung requests too.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Faults } from '../faults.js';
import { createLangWatchFake, type LangWatchFakeOptions } from './app.js';
import type { LangWatchState, SeededOrganization } from './state.js';

export interface StartLangWatchFakeOptions extends LangWatchFakeOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningLangWatchFake {
  /** `http://<host>:<port>` without a trailing slash. */
  url: string;
  port: number;
  state: LangWatchState;
  faults: Faults;
  /** The organization it started with (after a reset, the same ids and keys). */
  organization: SeededOrganization;
  close(): Promise<void>;
}

export async function startLangWatchFake(opts: StartLangWatchFakeOptions = {}): Promise<RunningLangWatchFake> {
  const host = opts.host ?? '127.0.0.1';
  const fake = createLangWatchFake(opts);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: fake.app.fetch, port: opts.port ?? 0, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      // Delays and hangs end first, so no request keeps the server (or a test run) alive.
      fake.faults.release();
      server.close((err) => (err ? reject(err) : resolve()));
      const http = server as { closeAllConnections?: () => void };
      http.closeAllConnections?.();
    }));

  const organization = fake.organization();
  if (!organization && opts.organization !== false) throw new Error('the LangWatch stand-in started without its organization');
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state: fake.state,
    faults: fake.faults,
    get organization() {
      return fake.organization() as SeededOrganization;
    },
    close,
  };
}
