import { randomUUID } from 'node:crypto';
import { ScimError } from '../scim/errors.js';
import type { FilterNode } from '../scim/filter-ast.js';
import { fold } from '../scim/fold.js';
import type { StoredResource } from '../scim/normalize.js';
import type { Db } from './db.js';
import { USERS, countRows, existingIds, listRows, toRecord, type ListQuery, type ScimRecord, type ScimRow } from './scim-rows.js';
import { isUniqueViolation } from './sqlite-errors.js';

export type UserRecord = ScimRecord;

/** The multi-valued attributes indexed in scim_user_values (see migration 0001). */
const INDEXED_MULTI_VALUED = ['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'];

function columns(resource: StoredResource) {
  const userName = String(resource.userName);
  const displayName = typeof resource.displayName === 'string' ? resource.displayName : null;
  return {
    user_name: userName,
    user_name_key: fold(userName),
    external_id: typeof resource.externalId === 'string' ? resource.externalId : null,
    display_name_key: displayName === null ? null : fold(displayName),
    active: resource.active === false ? 0 : 1,
    resource: JSON.stringify(resource),
  };
}

function uniquenessError(resource: StoredResource): ScimError {
  return ScimError.uniqueness(`A user with userName "${String(resource.userName)}" already exists in this connection.`);
}

/** Writes the indexed values of a user; `replacing` drops the previous ones first (a new user has none). */
function writeValues(db: Db, seq: number, connectionId: string, resource: StoredResource, replacing: boolean): void {
  if (replacing) db.prepare('DELETE FROM scim_user_values WHERE user_seq = ?').run(seq);
  const insert = db.prepare(
    `INSERT INTO scim_user_values (user_seq, connection_id, attr, position, value_key, type_key, is_primary)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const attr of INDEXED_MULTI_VALUED) {
    const list = resource[attr];
    if (!Array.isArray(list)) continue;
    list.forEach((el: unknown, position) => {
      const e = (el ?? {}) as Record<string, unknown>;
      const value = attr === 'addresses' ? e.formatted : e.value;
      insert.run(
        seq,
        connectionId,
        attr,
        position,
        typeof value === 'string' ? fold(value) : null,
        typeof e.type === 'string' ? fold(e.type) : null,
        e.primary === true ? 1 : 0,
      );
    });
  }
}

export function insertUser(db: Db, connectionId: string, resource: StoredResource, now: string): UserRecord {
  const c = columns(resource);
  const id = randomUUID();
  let seq: number;
  try {
    seq = Number(
      db
        .prepare(
          `INSERT INTO scim_users (id, connection_id, user_name, user_name_key, external_id, display_name_key,
             active, version, created_at, last_modified, resource)
           VALUES (@id, @connection_id, @user_name, @user_name_key, @external_id, @display_name_key,
             @active, 1, @now, @now, @resource)`,
        )
        .run({ ...c, id, connection_id: connectionId, now }).lastInsertRowid,
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw uniquenessError(resource);
    throw err;
  }
  writeValues(db, seq, connectionId, resource, false);
  return { seq, id, connectionId, resource, version: 1, createdAt: now, lastModified: now };
}

export function getUser(db: Db, connectionId: string, id: string): UserRecord | null {
  const row = db.prepare('SELECT * FROM scim_users WHERE id = ? AND connection_id = ?').get(id, connectionId) as ScimRow | undefined;
  return row ? toRecord(row) : null;
}

export function updateUser(db: Db, current: UserRecord, resource: StoredResource, now: string): UserRecord {
  const c = columns(resource);
  try {
    db.prepare(
      `UPDATE scim_users SET user_name = @user_name, user_name_key = @user_name_key, external_id = @external_id,
         display_name_key = @display_name_key, active = @active, resource = @resource,
         version = version + 1, last_modified = @now
       WHERE seq = @seq`,
    ).run({ ...c, now, seq: current.seq });
  } catch (err) {
    if (isUniqueViolation(err)) throw uniquenessError(resource);
    throw err;
  }
  writeValues(db, current.seq, current.connectionId, resource, true);
  return { ...current, resource, version: current.version + 1, lastModified: now };
}

export function deleteUser(db: Db, user: UserRecord): void {
  db.prepare('DELETE FROM scim_users WHERE seq = ?').run(user.seq);
}

export function listUsers(db: Db, connectionId: string, q: ListQuery): UserRecord[] {
  return listRows(db, USERS, connectionId, q);
}

export function countUsers(db: Db, connectionId: string, filter: FilterNode | null): number {
  return countRows(db, USERS, connectionId, filter);
}

/** The ids among `ids` that are users of the connection. */
export function existingUserIds(db: Db, connectionId: string, ids: string[]): Set<string> {
  return existingIds(db, USERS, connectionId, ids);
}
