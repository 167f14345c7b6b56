import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { hashSecret, newSecret, sameHash } from './secrets.js';

export type AdminScope = 'organization:view' | 'organization:manage';
export const ADMIN_SCOPES: readonly AdminScope[] = ['organization:view', 'organization:manage'];

/** What listings show of a key: never its hash. */
export interface AdminKeyInfo {
  id: string;
  name: string;
  scopes: AdminScope[];
  /** 'env' for the key of BRIDGE_ADMIN_KEY, 'cli' for keys made with `scim-bridge keys create`. */
  origin: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuthenticatedAdminKey {
  keyId: string;
  organizationId: string;
  scopes: AdminScope[];
}

interface AdminKeyRow {
  id: string;
  organization_id: string;
  name: string;
  key_hash: Buffer;
  scopes: string;
  origin: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Last-use times are written at most once a minute per key, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/** Only known scopes survive a read, so a hand-edited row never grants something unnamed. */
function parseScopes(json: string): AdminScope[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  return Array.isArray(value) ? ADMIN_SCOPES.filter((s) => value.includes(s)) : [];
}

const toInfo = (r: AdminKeyRow): AdminKeyInfo => ({
  id: r.id,
  name: r.name,
  scopes: parseScopes(r.scopes),
  origin: r.origin,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/**
 * Makes `key` the organization's live admin key from BRIDGE_ADMIN_KEY (with
 * organization:manage), revoking the one the variable named before.
 */
export function setEnvAdminKey(db: Db, organizationId: string, key: string): void {
  const hash = hashSecret(key);
  const now = new Date().toISOString();
  db.prepare(
    `UPDATE admin_keys SET revoked_at = ? WHERE organization_id = ? AND origin = 'env'
       AND revoked_at IS NULL AND key_hash <> ?`,
  ).run(now, organizationId, hash);
  const existing = db.prepare('SELECT id FROM admin_keys WHERE key_hash = ?').get(hash) as { id: string } | undefined;
  if (existing) {
    db.prepare('UPDATE admin_keys SET revoked_at = NULL WHERE id = ?').run(existing.id);
    return;
  }
  const scopes: AdminScope[] = ['organization:view', 'organization:manage'];
  db.prepare(
    `INSERT INTO admin_keys (id, organization_id, name, key_hash, scopes, origin, created_at)
     VALUES (?, ?, 'BRIDGE_ADMIN_KEY', ?, ?, 'env', ?)`,
  ).run(randomUUID(), organizationId, hash, JSON.stringify(scopes), now);
}

/** A new key for the organization. The secret is returned here once and stored only hashed. */
export function createAdminKey(db: Db, organizationId: string, name: string, scopes: AdminScope[]): { id: string; key: string } {
  const id = randomUUID();
  const key = newSecret('sk-bridge');
  const known = ADMIN_SCOPES.filter((s) => scopes.includes(s));
  db.prepare(
    `INSERT INTO admin_keys (id, organization_id, name, key_hash, scopes, origin, created_at)
     VALUES (?, ?, ?, ?, ?, 'cli', ?)`,
  ).run(id, organizationId, name, hashSecret(key), JSON.stringify(known), new Date().toISOString());
  return { id, key };
}

/** Every key of the organization, revoked ones included (with `revokedAt`), oldest first. */
export function listAdminKeys(db: Db, organizationId: string): AdminKeyInfo[] {
  const rows = db
    .prepare('SELECT * FROM admin_keys WHERE organization_id = ? ORDER BY created_at, id')
    .all(organizationId) as AdminKeyRow[];
  return rows.map(toInfo);
}

export function getAdminKey(db: Db, organizationId: string, id: string): AdminKeyInfo | null {
  const row = db.prepare('SELECT * FROM admin_keys WHERE organization_id = ? AND id = ?').get(organizationId, id) as
    AdminKeyRow | undefined;
  return row ? toInfo(row) : null;
}

/** Revokes a live key of the organization; false when there is no such live key. */
export function revokeAdminKey(db: Db, organizationId: string, id: string): boolean {
  const res = db
    .prepare('UPDATE admin_keys SET revoked_at = ? WHERE organization_id = ? AND id = ? AND revoked_at IS NULL')
    .run(new Date().toISOString(), organizationId, id);
  return res.changes > 0;
}

/**
 * The live key a bearer secret belongs to, or null (unknown or revoked). Records the key's last
 * use when the stored time is more than a minute old, so a busy client costs one write a minute
 * and the throttle holds across processes sharing the database.
 */
export function authenticateAdminKey(db: Db, key: string, nowMs = Date.now()): AuthenticatedAdminKey | null {
  const hash = hashSecret(key);
  const row = db
    .prepare('SELECT id, organization_id, key_hash, scopes, last_used_at FROM admin_keys WHERE key_hash = ? AND revoked_at IS NULL')
    .get(hash) as Pick<AdminKeyRow, 'id' | 'organization_id' | 'key_hash' | 'scopes' | 'last_used_at'> | undefined;
  if (!row || !sameHash(row.key_hash, hash)) return null;
  const lastUsedMs = row.last_used_at ? Date.parse(row.last_used_at) : Number.NaN;
  if (!(nowMs - lastUsedMs <= TOUCH_INTERVAL_MS)) {
    db.prepare('UPDATE admin_keys SET last_used_at = ? WHERE id = ?').run(new Date(nowMs).toISOString(), row.id);
  }
  return { keyId: row.id, organizationId: row.organization_id, scopes: parseScopes(row.scopes) };
}
