import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { hashSecret, sameHash } from './secrets.js';

export const DEFAULT_ORGANIZATION_ID = 'default';

export interface Connection {
  id: string;
  organizationId: string;
  source: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface ConnectionRow {
  id: string;
  organization_id: string;
  source: string;
  created_at: string;
  last_used_at: string | null;
}

const toConnection = (r: ConnectionRow): Connection => ({
  id: r.id,
  organizationId: r.organization_id,
  source: r.source,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

export function ensureOrganization(db: Db, id: string, name: string): void {
  db.prepare('INSERT OR IGNORE INTO organizations (id, name, created_at) VALUES (?, ?, ?)').run(id, name, new Date().toISOString());
}

export function findConnection(db: Db, organizationId: string, source: string): Connection | null {
  const row = db.prepare('SELECT * FROM connections WHERE organization_id = ? AND source = ?').get(organizationId, source) as
    ConnectionRow | undefined;
  return row ? toConnection(row) : null;
}

export function getConnection(db: Db, id: string): Connection | null {
  const row = db.prepare('SELECT * FROM connections WHERE id = ?').get(id) as ConnectionRow | undefined;
  return row ? toConnection(row) : null;
}

export function listConnections(db: Db, organizationId: string): Connection[] {
  const rows = db.prepare('SELECT * FROM connections WHERE organization_id = ? ORDER BY source').all(organizationId) as ConnectionRow[];
  return rows.map(toConnection);
}

export function createConnection(db: Db, organizationId: string, source: string): Connection {
  const id = randomUUID();
  db.prepare('INSERT INTO connections (id, organization_id, source, created_at) VALUES (?, ?, ?, ?)').run(
    id,
    organizationId,
    source,
    new Date().toISOString(),
  );
  return getConnection(db, id)!;
}

export function addToken(db: Db, connectionId: string, token: string, origin: 'env' | 'cli'): string {
  const id = randomUUID();
  db.prepare('INSERT INTO connection_tokens (id, connection_id, token_hash, origin, created_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    connectionId,
    hashSecret(token),
    origin,
    new Date().toISOString(),
  );
  return id;
}

/**
 * Makes `token` the connection's only live token from the environment: the token that
 * BRIDGE_CONNECTIONS named before is revoked, so changing the variable rotates the secret.
 * Tokens made with the CLI are left alone.
 */
export function setEnvToken(db: Db, connectionId: string, token: string): void {
  const hash = hashSecret(token);
  const existing = db.prepare('SELECT id, connection_id, revoked_at FROM connection_tokens WHERE token_hash = ?').get(hash) as
    { id: string; connection_id: string; revoked_at: string | null } | undefined;
  if (existing && existing.connection_id !== connectionId) {
    throw new Error('the same token is configured for two connections');
  }
  const now = new Date().toISOString();
  db.prepare(
    `UPDATE connection_tokens SET revoked_at = ? WHERE connection_id = ? AND origin = 'env'
       AND revoked_at IS NULL AND token_hash <> ?`,
  ).run(now, connectionId, hash);
  if (existing) {
    db.prepare('UPDATE connection_tokens SET revoked_at = NULL WHERE id = ?').run(existing.id);
  } else {
    addToken(db, connectionId, token, 'env');
  }
}

export interface AuthenticatedConnection extends Connection {
  tokenId: string;
}

/** Finds the live connection a bearer token belongs to, or null. */
export function authenticateToken(db: Db, token: string): AuthenticatedConnection | null {
  const hash = hashSecret(token);
  const row = db
    .prepare(
      `SELECT t.id AS token_id, t.token_hash, c.* FROM connection_tokens t
         JOIN connections c ON c.id = t.connection_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
    )
    .get(hash) as (ConnectionRow & { token_id: string; token_hash: Buffer }) | undefined;
  if (!row || !sameHash(row.token_hash, hash)) return null;
  return { ...toConnection(row), tokenId: row.token_id };
}

/** Records the last use of a token and its connection (the caller throttles how often). */
export function touchToken(db: Db, tokenId: string, connectionId: string, at: string): void {
  db.prepare('UPDATE connection_tokens SET last_used_at = ? WHERE id = ?').run(at, tokenId);
  db.prepare('UPDATE connections SET last_used_at = ? WHERE id = ?').run(at, connectionId);
}

export interface TokenInfo {
  id: string;
  origin: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function listTokens(db: Db, connectionId: string): TokenInfo[] {
  return (
    db.prepare('SELECT * FROM connection_tokens WHERE connection_id = ? ORDER BY created_at').all(connectionId) as {
      id: string;
      origin: string;
      created_at: string;
      last_used_at: string | null;
      revoked_at: string | null;
    }[]
  ).map((r) => ({ id: r.id, origin: r.origin, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

export function revokeTokens(db: Db, connectionId: string, tokenId?: string): number {
  const now = new Date().toISOString();
  const res = tokenId
    ? db
        .prepare('UPDATE connection_tokens SET revoked_at = ? WHERE connection_id = ? AND id = ? AND revoked_at IS NULL')
        .run(now, connectionId, tokenId)
    : db.prepare('UPDATE connection_tokens SET revoked_at = ? WHERE connection_id = ? AND revoked_at IS NULL').run(now, connectionId);
  return res.changes;
}
