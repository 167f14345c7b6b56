import { randomUUID } from 'node:crypto';
import { ScimError } from '../scim/errors.js';
import type { FilterNode } from '../scim/filter-ast.js';
import { fold } from '../scim/fold.js';
import type { StoredResource } from '../scim/normalize.js';
import type { Db } from './db.js';
import { compileMemberFilter } from './member-filter-sql.js';
import { GROUPS, countRows, existingIds, listRows, toRecord, type ListQuery, type ScimRecord, type ScimRow } from './scim-rows.js';
import { isUniqueViolation } from './sqlite-errors.js';

export type GroupRecord = ScimRecord;

export interface MemberRecord {
  value: string;
  type: 'User' | 'Group';
  display: string | null;
}

function columns(resource: StoredResource) {
  const displayName = String(resource.displayName);
  return {
    display_name: displayName,
    display_name_key: fold(displayName),
    external_id: typeof resource.externalId === 'string' ? resource.externalId : null,
    resource: JSON.stringify(resource),
  };
}

function uniquenessError(resource: StoredResource): ScimError {
  return ScimError.uniqueness(`A group with displayName "${String(resource.displayName)}" already exists in this connection.`);
}

export function insertGroup(db: Db, connectionId: string, resource: StoredResource, now: string): GroupRecord {
  const id = randomUUID();
  let seq: number;
  try {
    seq = Number(
      db
        .prepare(
          `INSERT INTO scim_groups (id, connection_id, display_name, display_name_key, external_id, version,
             created_at, last_modified, resource)
           VALUES (@id, @connection_id, @display_name, @display_name_key, @external_id, 1, @now, @now, @resource)`,
        )
        .run({ ...columns(resource), id, connection_id: connectionId, now }).lastInsertRowid,
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw uniquenessError(resource);
    throw err;
  }
  return { seq, id, connectionId, resource, version: 1, createdAt: now, lastModified: now };
}

export function getGroup(db: Db, connectionId: string, id: string): GroupRecord | null {
  const row = db.prepare('SELECT * FROM scim_groups WHERE id = ? AND connection_id = ?').get(id, connectionId) as ScimRow | undefined;
  return row ? toRecord(row) : null;
}

/** Writes the group's attributes and bumps its version (membership changes bump it too). */
export function updateGroup(db: Db, current: GroupRecord, resource: StoredResource, now: string): GroupRecord {
  try {
    db.prepare(
      `UPDATE scim_groups SET display_name = @display_name, display_name_key = @display_name_key,
         external_id = @external_id, resource = @resource, version = version + 1, last_modified = @now
       WHERE seq = @seq`,
    ).run({ ...columns(resource), now, seq: current.seq });
  } catch (err) {
    if (isUniqueViolation(err)) throw uniquenessError(resource);
    throw err;
  }
  return { ...current, resource, version: current.version + 1, lastModified: now };
}

export function deleteGroup(db: Db, group: GroupRecord, now: string): void {
  db.prepare('DELETE FROM scim_groups WHERE seq = ?').run(group.seq);
  removeFromAllGroups(db, group.id, now);
}

/**
 * Removes a deleted user or group from every group it belonged to, bumping those groups'
 * versions so that their ETags change. Costs what the member belonged to.
 */
export function removeFromAllGroups(db: Db, memberId: string, now: string): string[] {
  const seqs = db.prepare('SELECT group_seq FROM scim_group_members WHERE member_id = ?').pluck().all(memberId) as number[];
  if (seqs.length === 0) return [];
  db.prepare('DELETE FROM scim_group_members WHERE member_id = ?').run(memberId);
  const touch = db.prepare('UPDATE scim_groups SET version = version + 1, last_modified = ? WHERE seq = ? RETURNING id');
  return seqs.map((seq) => touch.pluck().get(now, seq) as string);
}

export function listGroups(db: Db, connectionId: string, q: ListQuery): GroupRecord[] {
  return listRows(db, GROUPS, connectionId, q);
}

export function countGroups(db: Db, connectionId: string, filter: FilterNode | null): number {
  return countRows(db, GROUPS, connectionId, filter);
}

export function existingGroupIds(db: Db, connectionId: string, ids: string[]): Set<string> {
  return existingIds(db, GROUPS, connectionId, ids);
}

/** Adds members; one already present keeps its row. Returns the ids actually added, in input order. */
export function addMembers(db: Db, groupSeq: number, members: MemberRecord[]): string[] {
  if (members.length === 0) return [];
  // One statement for the whole list: a 1,000-member PATCH is not 1,000 round trips into SQLite.
  const inserted = new Set(
    db
      .prepare(
        `INSERT INTO scim_group_members (group_seq, member_id, member_type, display)
         SELECT ?, j.value ->> '$[0]', j.value ->> '$[1]', j.value ->> '$[2]' FROM json_each(?) j WHERE true
         ON CONFLICT (group_seq, member_id) DO NOTHING RETURNING member_id`,
      )
      .pluck()
      .all(groupSeq, JSON.stringify(members.map((m) => [m.value, m.type, m.display]))) as string[],
  );
  return members.filter((m) => inserted.has(m.value)).map((m) => m.value);
}

/** Removes the named members. Returns the ids actually removed, in input order. */
export function removeMembers(db: Db, groupSeq: number, named: string[]): string[] {
  const ids = [...new Set(named)];
  if (ids.length === 0) return [];
  const removed = new Set(
    db
      .prepare(
        `DELETE FROM scim_group_members WHERE group_seq = ? AND member_id IN (SELECT value FROM json_each(?))
         RETURNING member_id`,
      )
      .pluck()
      .all(groupSeq, JSON.stringify(ids)) as string[],
  );
  return ids.filter((id) => removed.has(id));
}

/**
 * Removes every member, or those `filter` matches (the inside of a PATCH path's `members[...]`,
 * over one membership). Returns the ids removed.
 */
export function removeMembersMatching(db: Db, groupSeq: number, filter: FilterNode | null = null): string[] {
  const where = filter ? compileMemberFilter(filter) : { sql: '1', params: [] };
  return db
    .prepare(`DELETE FROM scim_group_members AS m WHERE m.group_seq = ? AND (${where.sql}) RETURNING member_id`)
    .pluck()
    .all(groupSeq, ...where.params) as string[];
}

/**
 * A group's members, ordered by id (the primary key's order, so no sort is needed). `display` falls back to the member's own
 * displayName (or userName) when the IdP did not send one.
 */
export function listMembers(db: Db, groupSeq: number): MemberRecord[] {
  return db
    .prepare(
      `SELECT m.member_id AS value, m.member_type AS type,
              coalesce(m.display, json_extract(u.resource, '$.displayName'), u.user_name, g.display_name) AS display
         FROM scim_group_members m
         LEFT JOIN scim_users u ON m.member_type = 'User' AND u.id = m.member_id
         LEFT JOIN scim_groups g ON m.member_type = 'Group' AND g.id = m.member_id
        WHERE m.group_seq = ?
        ORDER BY m.member_id`,
    )
    .all(groupSeq) as MemberRecord[];
}

/** The groups each of `memberIds` belongs to directly, for the derived User.groups. */
export function groupsOfMembers(db: Db, memberIds: string[]): Map<string, { value: string; display: string }[]> {
  const out = new Map<string, { value: string; display: string }[]>();
  if (memberIds.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT m.member_id, g.id, g.display_name FROM scim_group_members m
         JOIN scim_groups g ON g.seq = m.group_seq
        WHERE m.member_id IN (SELECT value FROM json_each(?))
        ORDER BY g.display_name_key`,
    )
    .all(JSON.stringify(memberIds)) as { member_id: string; id: string; display_name: string }[];
  for (const r of rows) {
    const list = out.get(r.member_id) ?? [];
    list.push({ value: r.id, display: r.display_name });
    out.set(r.member_id, list);
  }
  return out;
}
