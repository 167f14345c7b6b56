import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export interface MemberRow {
  id: string;
  organizationId: string;
  email: string;
  emailKey: string;
  name: string | null;
  role: 'ADMIN' | 'MEMBER' | 'EXTERNAL';
  adminDisabled: boolean;
  /** Every IdP identity of the person is inactive (false for a member with no identity). */
  idpDisabled: boolean;
  scimSources: string[];
  createdAt: string;
}

/** Effective status, derived in SQL so that lists, counts and guard rails agree. */
const SELECT = `
  SELECT m.*,
    (EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.id)
      AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.id AND i.active = 1)) AS idp_disabled,
    (SELECT group_concat(DISTINCT c.source) FROM member_identities i JOIN connections c ON c.id = i.connection_id
      WHERE i.member_id = m.id) AS sources
  FROM org_members m`;

const DISABLED = `(m.admin_disabled = 1 OR (EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.id)
  AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.id AND i.active = 1)))`;

interface Row {
  id: string;
  organization_id: string;
  email: string;
  email_key: string;
  name: string | null;
  role: MemberRow['role'];
  admin_disabled: number;
  idp_disabled: number;
  sources: string | null;
  created_at: string;
}

const toMember = (r: Row): MemberRow => ({
  id: r.id,
  organizationId: r.organization_id,
  email: r.email,
  emailKey: r.email_key,
  name: r.name,
  role: r.role,
  adminDisabled: r.admin_disabled === 1,
  idpDisabled: r.idp_disabled === 1,
  scimSources: r.sources ? r.sources.split(',').sort() : [],
  createdAt: r.created_at,
});

export function getMember(db: Db, organizationId: string, id: string): MemberRow | null {
  const row = db.prepare(`${SELECT} WHERE m.id = ? AND m.organization_id = ?`).get(id, organizationId) as Row | undefined;
  return row ? toMember(row) : null;
}

export function findMemberByEmailKey(db: Db, organizationId: string, emailKey: string): MemberRow | null {
  const row = db.prepare(`${SELECT} WHERE m.organization_id = ? AND m.email_key = ?`).get(organizationId, emailKey) as Row | undefined;
  return row ? toMember(row) : null;
}

export function listMembers(db: Db, organizationId: string, includeDisabled: boolean): MemberRow[] {
  const rows = db
    .prepare(`${SELECT} WHERE m.organization_id = ? ${includeDisabled ? '' : `AND NOT ${DISABLED}`} ORDER BY m.email_key`)
    .all(organizationId) as Row[];
  return rows.map(toMember);
}

/** Members with role ADMIN who are not disabled: the guard rails keep at least one. */
export function countActiveAdmins(db: Db, organizationId: string): number {
  return db
    .prepare(`SELECT count(*) FROM org_members m WHERE m.organization_id = ? AND m.role = 'ADMIN' AND NOT ${DISABLED}`)
    .pluck()
    .get(organizationId) as number;
}

export function insertMember(
  db: Db,
  m: { id: string; organizationId: string; email: string; emailKey: string; name: string | null; role: MemberRow['role'] },
  now: string,
): void {
  db.prepare(
    `INSERT INTO org_members (id, organization_id, email, email_key, name, role, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(m.id, m.organizationId, m.email, m.emailKey, m.name, m.role, now, now);
}

export function updateMember(
  db: Db,
  id: string,
  change: { email?: string; emailKey?: string; name?: string | null; role?: MemberRow['role']; adminDisabled?: boolean },
  now: string,
): void {
  const sets: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: unknown) => {
    sets.push(`${column} = ?`);
    params.push(value);
  };
  if (change.email !== undefined) add('email', change.email);
  if (change.emailKey !== undefined) add('email_key', change.emailKey);
  if (change.name !== undefined) add('name', change.name);
  if (change.role !== undefined) add('role', change.role);
  if (change.adminDisabled !== undefined) add('admin_disabled', change.adminDisabled ? 1 : 0);
  if (sets.length === 0) return;
  add('updated_at', now);
  db.prepare(`UPDATE org_members SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
}

/** Removes the member; their group memberships, grants and identities go with them (cascade). */
export function deleteMember(db: Db, id: string): void {
  db.prepare('DELETE FROM org_members WHERE id = ?').run(id);
}

export interface IdentityRow {
  scimUserId: string;
  memberId: string;
  connectionId: string;
  active: boolean;
}

export function getIdentity(db: Db, scimUserId: string): IdentityRow | null {
  const r = db.prepare('SELECT * FROM member_identities WHERE scim_user_id = ?').get(scimUserId) as
    { scim_user_id: string; member_id: string; connection_id: string; active: number } | undefined;
  return r ? { scimUserId: r.scim_user_id, memberId: r.member_id, connectionId: r.connection_id, active: r.active === 1 } : null;
}

export function upsertIdentity(db: Db, identity: IdentityRow): void {
  db.prepare(
    `INSERT INTO member_identities (scim_user_id, member_id, connection_id, active) VALUES (?, ?, ?, ?)
     ON CONFLICT (scim_user_id) DO UPDATE SET active = excluded.active`,
  ).run(identity.scimUserId, identity.memberId, identity.connectionId, identity.active ? 1 : 0);
}

export function deleteIdentity(db: Db, scimUserId: string): void {
  db.prepare('DELETE FROM member_identities WHERE scim_user_id = ?').run(scimUserId);
}

export function countIdentities(db: Db, memberId: string): number {
  return db.prepare('SELECT count(*) FROM member_identities WHERE member_id = ?').pluck().get(memberId) as number;
}

/** The member each of these SCIM users is, for those that are one (group projection). */
export function membersOfScimUsers(db: Db, scimUserIds: string[]): Map<string, string> {
  if (scimUserIds.length === 0) return new Map();
  const rows = db
    .prepare('SELECT scim_user_id, member_id FROM member_identities WHERE scim_user_id IN (SELECT value FROM json_each(?))')
    .raw()
    .all(JSON.stringify(scimUserIds)) as [string, string][];
  return new Map(rows);
}

export function recordConflict(
  db: Db,
  c: { organizationId: string; memberId: string; connectionId: string | null; kind: string; detail: string },
  now: string,
): void {
  db.prepare(
    `INSERT INTO member_conflicts (id, organization_id, member_id, connection_id, kind, detail, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(randomUUID(), c.organizationId, c.memberId, c.connectionId, c.kind, c.detail, now);
}

export function listConflicts(db: Db, memberId: string): { kind: string; detail: string; createdAt: string }[] {
  return db
    .prepare('SELECT kind, detail, created_at AS createdAt FROM member_conflicts WHERE member_id = ? ORDER BY created_at')
    .all(memberId) as { kind: string; detail: string; createdAt: string }[];
}
