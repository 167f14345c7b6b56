import { ScimError } from '../scim/errors.js';
import { parseFilter } from '../scim/filter.js';
import type { ResourceKind } from '../scim/schema-defs.js';
import { parseSort } from '../scim/sort.js';
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

/**
 * Turns SCIM list parameters into the store's list request: the filter parsed into its tree
 * and the sort read, both against the schema (malformed ones are a 400 here). The store
 * compiles them to SQL, and refuses with a 400 too what it has no SQL for.
 */
export function buildListQuery(kind: ResourceKind, p: ListParams): { query: ListQuery; startIndex: number } {
  // RFC 7644 §3.4.2.4: a startIndex below 1 is read as 1, a negative count as 0.
  const startIndex = Math.max(1, p.startIndex ?? 1);
  const count = Math.min(MAX_COUNT, Math.max(0, p.count ?? DEFAULT_COUNT));
  const filter = p.filter !== undefined && p.filter.trim() !== '' ? parseFilter(p.filter, kind) : null;
  const query: ListQuery = {
    filter,
    sort: parseSort(p.sortBy, p.sortOrder, kind),
    offset: startIndex - 1,
    limit: count,
  };
  return { query, startIndex };
}
