import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { hashSecret } from './secrets.js';

export type AdminScope = 'organization:view' | 'organization:manage';

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
