import type { Connection } from '../store/connections.repo.js';
import type { Db } from '../store/db.js';

/**
 * What the HTTP layer knows of a SCIM request before any rule runs: the start of its sync-log
 * entry, which a write completes in its own transaction (./sync-log.ts). It lives here, beside
 * the context that carries it, so that the sync log depends on the context and not both ways.
 */
export interface LogDraft {
  requestId: string;
  method: string;
  path: string;
  userAgent: string | null;
  /** performance.now() at arrival, for the duration. */
  startedMs: number;
  at: string;
  /** Set once an entry was written for the request (so the HTTP layer does not add another). */
  written: boolean;
}

/** Who is asking: every SCIM operation is scoped to the authenticated connection. */
export interface ScimContext {
  db: Db;
  connection: Connection;
  /** The request's sync-log draft; writes complete it in their own transaction. */
  log?: LogDraft;
}

export const now = () => new Date().toISOString();
