import type { Connection } from '../store/connections.repo.js';
import type { Db } from '../store/db.js';
import type { LogDraft } from './sync-log.js';

/** Who is asking: every SCIM operation is scoped to the authenticated connection. */
export interface ScimContext {
  db: Db;
  connection: Connection;
  /** The request's sync-log draft; writes complete it in their own transaction. */
  log?: LogDraft;
}

export const now = () => new Date().toISOString();
