/**
 * The paged member lists (TARGETS.md §B S4b; ls-spec `get_current_active_org_members`,
 * `get_current_pending_org_members` and their workspace twins): bare arrays, no total, no
 * next link. Parameters as ls-spec declares them:
 *   limit 1..500 (default 50), offset >= 0 (default 0), emails (repeated), q (email or name),
 *   sort_by name|email|role|created_at (default created_at), sort_by_desc (default **true**:
 *   newest first), and on the active lists ls_user_ids, user_ids (deprecated), is_disabled.
 * A client knows it has read everything when a page holds fewer than `limit` rows.
 */
import { z } from 'zod';
import { normEmail } from './model.js';
import { optional, queryBool, queryEnum, queryInt, queryStrings, queryUuids } from './validation.js';

const SORT_FIELDS = ['name', 'email', 'role', 'created_at'] as const;

export const PendingListQuery = z.object({
  limit: queryInt(1, 500, 50),
  offset: queryInt(0, null, 0),
  emails: queryStrings,
  q: optional(z.string()),
  sort_by: queryEnum(SORT_FIELDS, 'created_at'),
  sort_by_desc: queryBool(true),
});

export const ActiveListQuery = PendingListQuery.extend({
  ls_user_ids: queryUuids,
  user_ids: queryUuids,
  is_disabled: queryBool(null),
});

/** Query names read as repeated parameters (`?emails=a&emails=b`). `emails[]` is not one of them. */
export const ARRAY_PARAMS = ['emails', 'ls_user_ids', 'user_ids'] as const;

type Row = Record<string, unknown>;
type Query = z.output<typeof PendingListQuery> &
  Partial<Pick<z.output<typeof ActiveListQuery>, 'ls_user_ids' | 'user_ids' | 'is_disabled'>>;

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** Filters, sorts and slices rendered member or pending rows. */
export function page(rows: Row[], q: Query): Row[] {
  const emails = q.emails.map(normEmail).filter(Boolean);
  const needle = q.q?.trim().toLowerCase();
  const filtered = rows.filter((r) => {
    if (emails.length > 0 && !emails.includes(normEmail(text(r['email'])))) return false;
    if (needle && !text(r['email']).toLowerCase().includes(needle) && !text(r['full_name']).toLowerCase().includes(needle)) return false;
    if (q.ls_user_ids && q.ls_user_ids.length > 0 && !q.ls_user_ids.includes(text(r['ls_user_id']))) return false;
    if (q.user_ids && q.user_ids.length > 0 && !q.user_ids.includes(text(r['user_id']))) return false;
    if (q.is_disabled !== undefined && q.is_disabled !== null && r['is_disabled'] !== q.is_disabled) return false;
    return true;
  });
  const key = (r: Row) =>
    q.sort_by === 'email'
      ? text(r['email'])
      : q.sort_by === 'name'
        ? text(r['full_name'])
        : q.sort_by === 'role'
          ? text(r['role_name'])
          : text(r['created_at']);
  const sign = q.sort_by_desc ? -1 : 1;
  filtered.sort((a, b) => sign * (key(a).localeCompare(key(b)) || text(a['created_at']).localeCompare(text(b['created_at']))));
  return filtered.slice(q.offset, q.offset + q.limit);
}
