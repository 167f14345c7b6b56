/**
 * Serves a stand-in's Hono app on a real socket (port 0 picks a free one), with a close()
 * that also ends requests held by a latency or timeout fault, so nothing keeps a run alive.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Faults } from './faults.js';

export interface Listening {
  /** `http://<host>:<port>` without a trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function listenFake(app: Hono<any>, faults: Faults, opts: { port?: number; host?: string }): Promise<Listening> {
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
