/**
 * Console sessions: after a sign-in with an admin key the browser holds only an opaque random
 * id in an HttpOnly cookie; the id maps, in this process's memory, to the key's id,
 * organization and scopes (never the key itself). The admin API accepts the cookie in place of
 * `Authorization: Bearer` only on requests that also carry `X-Requested-With:
 * scim-bridge-console` (a header no cross-site form or link can send), besides SameSite=Strict.
 *
 * Sessions live as long as the process, at most SESSION_IDLE_MS without use and
 * SESSION_MAX_MS in all, and end at once when their key is revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../api/env.js';
import { getAdminKey, type AdminScope, type AuthenticatedAdminKey } from '../store/admin-keys.repo.js';
import type { Db } from '../store/db.js';

/** The cookie over plain HTTP; over HTTPS the `__Host-` form, which browsers bind to the exact origin. */
export const SESSION_COOKIE = 'scim_bridge_console';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
/** What the console sends on every API call; without it the cookie authenticates nothing. */
export const CONSOLE_HEADER = 'X-Requested-With';
export const CONSOLE_HEADER_VALUE = 'scim-bridge-console';

export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 24 * 60 * 60 * 1000;
/** Beyond this many live sessions the least recently used one is ended. */
export const MAX_SESSIONS = 10_000;

export interface ConsoleSession {
  keyId: string;
  organizationId: string;
  scopes: AdminScope[];
  createdAt: number;
  lastSeenAt: number;
}

/** Ids are kept as SHA-256 hashes, so even this process's memory holds no usable cookie. */
const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

export class SessionStore {
  /** Insertion order is use order: a use moves the session to the end. */
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    readonly idleMs = SESSION_IDLE_MS,
    readonly maxMs = SESSION_MAX_MS,
    readonly maxSessions = MAX_SESSIONS,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** A new session for a key that was just authenticated; returns the id for the cookie. */
  create(key: AuthenticatedAdminKey, nowMs = Date.now()): string {
    this.sweep(nowMs);
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(digest(id), {
      keyId: key.keyId,
      organizationId: key.organizationId,
      scopes: [...key.scopes],
      createdAt: nowMs,
      lastSeenAt: nowMs,
    });
    return id;
  }

  /** The live session of `id`, its idle time restarted; null when unknown or expired (and then forgotten). */
  touch(id: string, nowMs = Date.now()): ConsoleSession | null {
    const h = digest(id);
    const s = this.sessions.get(h);
    if (!s) return null;
    if (this.expired(s, nowMs)) {
      this.sessions.delete(h);
      return null;
    }
    s.lastSeenAt = nowMs;
    this.sessions.delete(h);
    this.sessions.set(h, s);
    return s;
  }

  /** When the session ends if unused from now on. */
  expiresAt(s: ConsoleSession): number {
    return Math.min(s.lastSeenAt + this.idleMs, s.createdAt + this.maxMs);
  }

  delete(id: string): boolean {
    return this.sessions.delete(digest(id));
  }

  /** Forgets every expired session (run at each sign-in, so the map never holds many dead ones). */
  sweep(nowMs = Date.now()): void {
    for (const [h, s] of this.sessions) {
      if (this.expired(s, nowMs)) this.sessions.delete(h);
    }
  }

  private expired(s: ConsoleSession, nowMs: number): boolean {
    return nowMs >= this.expiresAt(s);
  }
}

/** One store per database: each app (and each test harness) has its own sessions. */
const stores = new WeakMap<Db, SessionStore>();

export function sessionStore(db: Db): SessionStore {
  let store = stores.get(db);
  if (!store) {
    store = new SessionStore();
    stores.set(db, store);
  }
  return store;
}

/** The session id the request's cookie carries, if any. */
export function sessionIdOf(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SECURE_SESSION_COOKIE) ?? getCookie(c, SESSION_COOKIE);
}

/**
 * The session of a request, as the admin API's auth needs it: the caller's organization,
 * scopes and key id. Null unless the request carries the console header and the cookie of a
 * live session whose key is not revoked. The scopes are read from the key again, so a change
 * to the key applies to its sessions at once.
 */
export function consoleSession(c: Context<AppEnv>, nowMs = Date.now()): AppEnv['Variables']['admin'] | null {
  if (c.req.header(CONSOLE_HEADER) !== CONSOLE_HEADER_VALUE) return null;
  const id = sessionIdOf(c);
  if (!id) return null;
  const db = c.get('deps').db;
  const store = sessionStore(db);
  const session = store.touch(id, nowMs);
  if (!session) return null;
  const key = getAdminKey(db, session.organizationId, session.keyId);
  if (!key || key.revokedAt) {
    store.delete(id);
    return null;
  }
  session.scopes = key.scopes;
  return { organizationId: session.organizationId, scopes: key.scopes, keyId: session.keyId };
}
