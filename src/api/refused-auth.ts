/**
 * Requests refused for authentication (401), on the SCIM endpoint and the admin API, go to the
 * sync log with where they came from and never with what they presented: no token, no
 * Authorization header, no body. They are written within bounds (a first entry per address a
 * minute, then counts: src/directory/sync-log-refusals.ts), so a flood of bad tokens costs the
 * bridge no write per request.
 */
import { isIP } from 'node:net';
import type { Context } from 'hono';
import { DEFAULT_ORGANIZATION_ID } from '../store/connections.repo.js';
import type { LogKind } from '../store/sync-log.repo.js';
import type { AppEnv } from './env.js';

/** The TCP peer's address (`::ffff:` dropped from IPv4); null when the request did not come over a socket (app.request in tests). */
export function clientAddress(c: Context<AppEnv>): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  if (!address) return null;
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * X-Forwarded-For as a proxy (or the client itself) set it: kept beside the peer address, as a
 * claim, when every hop in it is an IP address; anything else is dropped rather than logged.
 */
export function forwardedFor(c: Context<AppEnv>): string | null {
  const raw = c.req.header('x-forwarded-for');
  if (!raw) return null;
  const hops = raw.split(',').map((h) => h.trim());
  if (hops.length > 10 || hops.some((h) => isIP(h) === 0)) return null;
  return hops.join(', ');
}

/**
 * Logs a 401 about to be answered. An unauthenticated request belongs to no organization, so
 * it is logged in the default one, the operator's.
 */
export function recordRefusedAuthentication(c: Context<AppEnv>, kind: LogKind, detail: string): void {
  const path = new URL(c.req.url).pathname;
  c.get('deps').syncLog.refusedAuthentication({
    at: new Date().toISOString(),
    organizationId: DEFAULT_ORGANIZATION_ID,
    connectionId: null,
    source: null,
    requestId: c.get('requestId'),
    method: c.req.method,
    path: path.slice(0, 500),
    resourceType: null,
    resourceId: null,
    action: 'authenticate',
    status: 401,
    scimType: null,
    outcome: 'failed',
    durationMs: null,
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    userKey: null,
    emailKey: null,
    groupKey: null,
    summary: {},
    kind,
    detail,
    clientIp: clientAddress(c),
    forwardedFor: forwardedFor(c),
  });
}
