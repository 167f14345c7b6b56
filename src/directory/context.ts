import type { Connection } from '../store/connections.repo.js';
import type { Db } from '../store/db.js';

/** Who is asking: every SCIM operation is scoped to the authenticated connection. */
export interface ScimContext {
  db: Db;
  connection: Connection;
}

export const now = () => new Date().toISOString();
