/**
 * Serves a stand-in's Hono app on a real socket (port 0 picks a free one), with a close()
 * that also ends requests held by a latency or timeout fault, so nothing keeps a run alive.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Faults } from './faults.js';

export interface Listening {
  /** `http://<host>:<port>` without a trailing slash. */
  url: string;
  port: number;
  /** Bound to its server: may be taken off the object (`const { close } = ...`). */
  close: () => Promise<void>;
}

/** Anything @hono/node-server can serve: a Hono app of any env. */
type Servable = Pick<Parameters<typeof serve>[0], 'fetch'>;

export async function listenFake(app: Servable, faults: Faults, opts: { port?: number; host?: string }): Promise<Listening> {
  const host = opts.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      faults.release();
      server.close((err) => (err ? reject(err) : resolve()));
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    }));
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close };
}
