/**
 * What scim_users and scim_groups share: the record shape, paged listing by a filter tree,
 * counting, and checking which ids exist in a connection.
 */
import type { FilterNode } from '../scim/filter-ast.js';
import type { StoredResource } from '../scim/normalize.js';
import type { ResourceKind } from '../scim/schema-defs.js';
import type { SortSpec } from '../scim/sort.js';
import type { Db } from './db.js';
import { compileFilter, compileSort } from './filter-sql.js';

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

/**
 * A list request as the directory hands it over: the parsed filter and sort, never SQL. The
 * store compiles them (store/filter-sql.ts) into parameterised SQL.
 */
export interface ListQuery {
  /** Null: every resource of the connection. */
  filter: FilterNode | null;
  sort: SortSpec;
  offset: number;
  limit: number;
}

/** The two tables, with the resource kind they hold and the alias the filter compiler writes its SQL against. */
export type ScimTable = { name: 'scim_users'; alias: 'u'; kind: 'User' } | { name: 'scim_groups'; alias: 'g'; kind: 'Group' };
export const USERS: ScimTable = { name: 'scim_users', alias: 'u', kind: 'User' };
export const GROUPS: ScimTable = { name: 'scim_groups', alias: 'g', kind: 'Group' };

function where(kind: ResourceKind, connectionId: string, filter: FilterNode | null): { sql: string; params: unknown[] } {
  return filter ? compileFilter(filter, kind, connectionId) : { sql: '1', params: [] };
}

export function listRows(db: Db, t: ScimTable, connectionId: string, q: ListQuery): ScimRecord[] {
  if (q.limit <= 0) return [];
  const w = where(t.kind, connectionId, q.filter);
  const rows = db
    .prepare(
      `SELECT ${t.alias}.* FROM ${t.name} ${t.alias} WHERE ${t.alias}.connection_id = ? AND (${w.sql})
       ORDER BY ${compileSort(q.sort, t.kind)} LIMIT ? OFFSET ?`,
    )
    .all(connectionId, ...w.params, q.limit, q.offset) as ScimRow[];
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

export function countRows(db: Db, t: ScimTable, connectionId: string, filter: FilterNode | null): number {
  const w = where(t.kind, connectionId, filter);
  return db
    .prepare(`SELECT count(*) FROM ${t.name} ${t.alias} WHERE ${t.alias}.connection_id = ? AND (${w.sql})`)
    .pluck()
    .get(connectionId, ...w.params) as number;
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
