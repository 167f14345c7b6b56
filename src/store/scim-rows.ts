/**
 * What scim_users and scim_groups share: the record shape, paged listing with a compiled
 * filter, counting, and checking which ids exist in a connection.
 */
import type { StoredResource } from '../scim/normalize.js';
import type { Db } from './db.js';

export interface ScimRecord {
  seq: number;
  id: string;
  connectionId: string;
  resource: StoredResource;
  version: number;
  createdAt: string;
  lastModified: string;
}

export interface ScimRow {
  seq: number;
  id: string;
  connection_id: string;
  version: number;
  created_at: string;
  last_modified: string;
  resource: string;
}

export const toRecord = (r: ScimRow): ScimRecord => ({
  seq: r.seq,
  id: r.id,
  connectionId: r.connection_id,
  resource: JSON.parse(r.resource) as StoredResource,
  version: r.version,
  createdAt: r.created_at,
  lastModified: r.last_modified,
});

/** A compiled list request: WHERE and ORDER BY come from store/filter-sql.ts, never from clients. */
export interface ListQuery {
  where: string;
  params: unknown[];
  orderBy: string;
  offset: number;
  limit: number;
}

/** The two tables, with the alias the filter compiler writes its SQL against. */
export type ScimTable = { name: 'scim_users'; alias: 'u' } | { name: 'scim_groups'; alias: 'g' };
export const USERS: ScimTable = { name: 'scim_users', alias: 'u' };
export const GROUPS: ScimTable = { name: 'scim_groups', alias: 'g' };

export function listRows(db: Db, t: ScimTable, connectionId: string, q: ListQuery): ScimRecord[] {
  if (q.limit <= 0) return [];
  const rows = db
    .prepare(
      `SELECT ${t.alias}.* FROM ${t.name} ${t.alias} WHERE ${t.alias}.connection_id = ? AND (${q.where})
       ORDER BY ${q.orderBy} LIMIT ? OFFSET ?`,
    )
    .all(connectionId, ...q.params, q.limit, q.offset) as ScimRow[];
  return rows.map(toRecord);
}

/**
 * totalResults for a page of `q`. A page that is not full is the last one, so the total is known
 * without counting, unless it is empty past the first row (the results may end before the
 * offset): a filter lookup (`userName eq`, Entra's "does this user exist") costs one query.
 */
export function totalOf(q: ListQuery, pageLength: number, count: () => number): number {
  const last = pageLength < q.limit && (pageLength > 0 || q.offset === 0);
  return last ? q.offset + pageLength : count();
}

export function countRows(db: Db, t: ScimTable, connectionId: string, where: string, params: unknown[]): number {
  return db
    .prepare(`SELECT count(*) FROM ${t.name} ${t.alias} WHERE ${t.alias}.connection_id = ? AND (${where})`)
    .pluck()
    .get(connectionId, ...params) as number;
}

/**
 * The ids among `ids` that exist in the table for the connection. The ids go in as one JSON
 * array, so a PATCH naming 1,000 members is one statement with one SQL text.
 */
export function existingIds(db: Db, t: ScimTable, connectionId: string, ids: string[]): Set<string> {
  if (ids.length === 0) return new Set();
  // `+connection_id` keeps the planner on the id index: without statistics it would walk the
  // connection's whole (connection_id, seq) index instead, a cost that grows with the directory.
  const rows = db
    .prepare(`SELECT id FROM ${t.name} WHERE +connection_id = ? AND id IN (SELECT value FROM json_each(?))`)
    .pluck()
    .all(connectionId, JSON.stringify(ids)) as string[];
  return new Set(rows);
}
