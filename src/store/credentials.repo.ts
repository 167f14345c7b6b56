/** What the start banner and the first run need to know about SCIM tokens and admin keys. */
import type { Db } from './db.js';

export interface CredentialCounts {
  /** Connections and admin keys ever made, revoked ones included. */
  connections: number;
  adminKeys: number;
  /** Connections with at least one live token, and live admin keys: what can be used now. */
  liveConnections: number;
  liveAdminKeys: number;
}

/** Across every organization. */
export function credentialCounts(db: Db): CredentialCounts {
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM connections) AS connections,
              (SELECT count(*) FROM admin_keys) AS adminKeys,
              (SELECT count(DISTINCT connection_id) FROM connection_tokens WHERE revoked_at IS NULL) AS liveConnections,
              (SELECT count(*) FROM admin_keys WHERE revoked_at IS NULL) AS liveAdminKeys`,
    )
    .get() as CredentialCounts;
}
