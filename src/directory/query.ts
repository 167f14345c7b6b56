import { ScimError } from '../scim/errors.js';
import { parseFilter } from '../scim/filter.js';
import type { ResourceKind } from '../scim/schema-defs.js';
import { compileFilter, compileSort } from '../store/filter-sql.js';
import type { ListQuery } from '../store/scim-rows.js';

/** The documented maximum page size; larger `count`s are cut to it (RFC 7644 §3.4.2.4). */
export const MAX_COUNT = 1000;
export const DEFAULT_COUNT = 100;

export interface ListParams {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex?: number;
  count?: number;
}

/** Reads an integer paging parameter; RFC 7644 §3.4.2.4 says how to treat odd values. */
export function pagingNumber(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'number' && typeof raw !== 'string') throw ScimError.invalidValue(`${name} must be an integer.`);
  const n = typeof raw === 'number' ? raw : Number(raw.trim());
  if (!Number.isInteger(n)) throw ScimError.invalidValue(`${name} must be an integer, got "${String(raw)}".`);
  // Beyond 2^53 the number cannot be bound as an SQL integer; any such startIndex is past the end.
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, n));
}

/** Turns SCIM list parameters into the store's WHERE / ORDER BY / LIMIT for one connection. */
export function buildListQuery(kind: ResourceKind, connectionId: string, p: ListParams) {
  // RFC 7644 §3.4.2.4: a startIndex below 1 is read as 1, a negative count as 0.
  const startIndex = Math.max(1, p.startIndex ?? 1);
  const count = Math.min(MAX_COUNT, Math.max(0, p.count ?? DEFAULT_COUNT));
  let where = '1';
  let params: unknown[] = [];
  if (p.filter !== undefined && p.filter.trim() !== '') {
    const compiled = compileFilter(parseFilter(p.filter, kind), kind, connectionId);
    where = compiled.sql;
    params = compiled.params;
  }
  const query: ListQuery = {
    where,
    params,
    orderBy: compileSort(p.sortBy, p.sortOrder, kind),
    offset: startIndex - 1,
    limit: count,
  };
  return { query, startIndex };
}
