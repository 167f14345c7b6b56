import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export interface OrgGroupRow {
  id: string;
  organizationId: string;
  name: string;
  slug: string;
  externalId: string | null;
  scimSource: string | null;
  connectionId: string | null;
  memberCount: number;
  createdAt: string;
}

export interface BindingRow {
  id: string;
  groupId: string | null;
  memberId: string | null;
  role: 'ADMIN' | 'MEMBER' | 'VIEWER' | 'CUSTOM';
  customRoleId: string | null;
  scopeType: 'ORGANIZATION' | 'TEAM' | 'PROJECT';
  scopeId: string;
  createdAt: string;
}

const SELECT_GROUP = `
  SELECT g.id, g.organization_id AS organizationId, g.name, g.slug, g.external_id AS externalId,
         g.scim_source AS scimSource, g.connection_id AS connectionId, g.created_at AS createdAt,
         (SELECT count(*) FROM org_group_members gm WHERE gm.group_id = g.id) AS memberCount
    FROM org_groups g`;

export function getOrgGroup(db: Db, organizationId: string, id: string): OrgGroupRow | null {
  return (
    (db.prepare(`${SELECT_GROUP} WHERE g.id = ? AND g.organization_id = ?`).get(id, organizationId) as OrgGroupRow | undefined) ?? null
  );
}

export function listOrgGroups(db: Db, organizationId: string, offset: number, limit: number): OrgGroupRow[] {
  return db
    .prepare(`${SELECT_GROUP} WHERE g.organization_id = ? ORDER BY g.created_at, g.id LIMIT ? OFFSET ?`)
    .all(organizationId, limit, offset) as OrgGroupRow[];
}

export function countOrgGroups(db: Db, organizationId: string): number {
  return db.prepare('SELECT count(*) FROM org_groups WHERE organization_id = ?').pluck().get(organizationId) as number;
}

/** A URL-safe slug from the name, made unique in the organization with a numeric suffix. */
function uniqueSlug(db: Db, organizationId: string, name: string): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'group';
  const taken = new Set(
    db
      .prepare("SELECT slug FROM org_groups WHERE organization_id = ? AND (slug = ? OR slug LIKE ? || '-%')")
      .pluck()
      .all(organizationId, base, base) as string[],
  );
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export function insertOrgGroup(
  db: Db,
  g: {
    id: string;
    organizationId: string;
    name: string;
    externalId: string | null;
    scimSource: string | null;
    connectionId: string | null;
  },
  now: string,
): void {
  db.prepare(
    `INSERT INTO org_groups (id, organization_id, name, slug, external_id, scim_source, connection_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(g.id, g.organizationId, g.name, uniqueSlug(db, g.organizationId, g.name), g.externalId, g.scimSource, g.connectionId, now, now);
}

export function updateOrgGroup(db: Db, id: string, change: { name: string; externalId?: string | null }, now: string): void {
  if (change.externalId === undefined) {
    db.prepare('UPDATE org_groups SET name = ?, updated_at = ? WHERE id = ?').run(change.name, now, id);
  } else {
    db.prepare('UPDATE org_groups SET name = ?, external_id = ?, updated_at = ? WHERE id = ?').run(change.name, change.externalId, now, id);
  }
}

/** Deletes the group with its memberships and bindings (cascade). */
export function deleteOrgGroup(db: Db, id: string): void {
  db.prepare('DELETE FROM org_groups WHERE id = ?').run(id);
}

export function addGroupMember(db: Db, groupId: string, memberId: string, viaScimUserId: string | null, now: string): boolean {
  return (
    db
      .prepare(
        `INSERT INTO org_group_members (group_id, member_id, via_scim_user_id, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (group_id, member_id) DO NOTHING`,
      )
      .run(groupId, memberId, viaScimUserId, now).changes > 0
  );
}

/** Removes a membership; with `viaScimUserId`, only one that this identity brought. */
export function removeGroupMember(db: Db, groupId: string, memberId: string, viaScimUserId?: string): boolean {
  const res =
    viaScimUserId === undefined
      ? db.prepare('DELETE FROM org_group_members WHERE group_id = ? AND member_id = ?').run(groupId, memberId)
      : db
          .prepare('DELETE FROM org_group_members WHERE group_id = ? AND member_id = ? AND via_scim_user_id = ?')
          .run(groupId, memberId, viaScimUserId);
  return res.changes > 0;
}

/**
 * Adds, for each SCIM user, its member to the group through that identity; one statement for
 * the whole list (a 1,000-member PATCH). Users without an identity are skipped.
 */
export function addGroupMembersVia(db: Db, groupId: string, scimUserIds: string[], now: string): void {
  if (scimUserIds.length === 0) return;
  db.prepare(
    `INSERT INTO org_group_members (group_id, member_id, via_scim_user_id, created_at)
     SELECT @group, i.member_id, i.scim_user_id, @now FROM json_each(@ids) j JOIN member_identities i ON i.scim_user_id = j.value
     WHERE true ON CONFLICT (group_id, member_id) DO NOTHING`,
  ).run({ group: groupId, now, ids: JSON.stringify(scimUserIds) });
}

/** Removes the memberships these SCIM users brought to the group (only those, not an admin's). */
export function removeGroupMembersVia(db: Db, groupId: string, scimUserIds: string[]): void {
  if (scimUserIds.length === 0) return;
  db.prepare(
    `DELETE FROM org_group_members
      WHERE group_id = @group
        AND member_id IN (SELECT i.member_id FROM member_identities i WHERE i.scim_user_id IN (SELECT value FROM json_each(@ids)))
        AND via_scim_user_id IN (SELECT value FROM json_each(@ids))`,
  ).run({ group: groupId, ids: JSON.stringify(scimUserIds) });
}

/** The groups holding a member through this identity. */
export function groupsVia(db: Db, scimUserId: string): string[] {
  return db.prepare('SELECT group_id FROM org_group_members WHERE via_scim_user_id = ?').pluck().all(scimUserId) as string[];
}

/** Removes every membership an identity brought (when that SCIM user is deleted). */
export function removeMembershipsVia(db: Db, scimUserId: string): void {
  db.prepare('DELETE FROM org_group_members WHERE via_scim_user_id = ?').run(scimUserId);
}

export function isGroupMember(db: Db, groupId: string, memberId: string): boolean {
  return db.prepare('SELECT 1 FROM org_group_members WHERE group_id = ? AND member_id = ?').get(groupId, memberId) !== undefined;
}

export interface GroupMemberRow {
  userId: string;
  name: string | null;
  email: string;
  addedAt: string;
}

export function listGroupMembers(db: Db, groupId: string): GroupMemberRow[] {
  return db
    .prepare(
      `SELECT m.id AS userId, m.name, m.email, gm.created_at AS addedAt
         FROM org_group_members gm JOIN org_members m ON m.id = gm.member_id
        WHERE gm.group_id = ? ORDER BY m.email_key`,
    )
    .all(groupId) as GroupMemberRow[];
}

/** The groups a member belongs to. */
export function groupsOfMember(db: Db, memberId: string): OrgGroupRow[] {
  return db
    .prepare(`${SELECT_GROUP} JOIN org_group_members gm ON gm.group_id = g.id WHERE gm.member_id = ? ORDER BY g.name`)
    .all(memberId) as OrgGroupRow[];
}

const SELECT_BINDING = `SELECT id, group_id AS groupId, member_id AS memberId, role, custom_role_id AS customRoleId,
  scope_type AS scopeType, scope_id AS scopeId, created_at AS createdAt FROM role_bindings`;

export function insertBinding(
  db: Db,
  b: {
    organizationId: string;
    groupId: string | null;
    memberId: string | null;
    role: BindingRow['role'];
    customRoleId: string | null;
    scopeType: BindingRow['scopeType'];
    scopeId: string;
  },
  now: string,
): BindingRow {
  const id = randomUUID();
  db.prepare(
    `INSERT INTO role_bindings (id, organization_id, group_id, member_id, role, custom_role_id, scope_type, scope_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, b.organizationId, b.groupId, b.memberId, b.role, b.customRoleId, b.scopeType, b.scopeId, now);
  return {
    id,
    groupId: b.groupId,
    memberId: b.memberId,
    role: b.role,
    customRoleId: b.customRoleId,
    scopeType: b.scopeType,
    scopeId: b.scopeId,
    createdAt: now,
  };
}

export function bindingsOfGroups(db: Db, groupIds: string[]): Map<string, BindingRow[]> {
  const out = new Map<string, BindingRow[]>(groupIds.map((id) => [id, []]));
  const stmt = db.prepare(`${SELECT_BINDING} WHERE group_id = ? ORDER BY created_at, id`);
  for (const id of groupIds) out.set(id, stmt.all(id) as BindingRow[]);
  return out;
}

export function directGrants(db: Db, memberId: string): BindingRow[] {
  return db.prepare(`${SELECT_BINDING} WHERE member_id = ? ORDER BY created_at, id`).all(memberId) as BindingRow[];
}

export function deleteBinding(db: Db, groupId: string, bindingId: string): boolean {
  return db.prepare('DELETE FROM role_bindings WHERE id = ? AND group_id = ?').run(bindingId, groupId).changes > 0;
}
