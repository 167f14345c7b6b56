/**
 * Names for the ids the log and the deliveries carry: members by userId, groups by id. Best
 * effort (a view that cannot load them shows the ids), kept for a few seconds across pages.
 */
import { getJson } from './api.js';
import { enc, h } from './dom.js';
import type { GroupSummary, MemberSummary, Page } from './types.js';

export interface Names {
  at: number;
  users: Map<string, string>;
  groups: Map<string, string>;
}

const KEEP_MS = 10_000;
let cache: Names | null = null;

export async function loadNames(): Promise<Names> {
  if (cache && Date.now() - cache.at < KEEP_MS) return cache;
  const [members, groups] = await Promise.all([
    getJson<{ data: MemberSummary[] }>('/api/organization/members?includeDisabled=true').catch(() => null),
    getJson<Page<GroupSummary>>('/api/groups?limit=1000').catch(() => null),
  ]);
  cache = {
    at: Date.now(),
    users: new Map((members?.data ?? []).map((m) => [m.userId, m.name ?? m.email])),
    groups: new Map((groups?.data ?? []).map((g) => [g.id, g.name])),
  };
  return cache;
}

/** After a rename or a membership change, the next page asks again. */
export function forgetNames(): void {
  cache = null;
}

export const isGroupType = (type: string | null | undefined): boolean => type === 'Group' || type === 'group';

/** "User Ana Lima" linking to the member, "Group Engineering" linking to the group, else the id. */
export function resourceLink(
  type: string | null | undefined,
  id: string | null | undefined,
  names: Names | null,
  knownAs?: string | null,
): HTMLElement {
  if (!id) return h('span', { class: 'muted' }, knownAs ? `${type ?? ''} ${knownAs}`.trim() : (type ?? '—'));
  const isGroup = isGroupType(type);
  // The name today, else the one the entry recorded (a resource since deleted or renamed).
  const name = (names ? (isGroup ? names.groups.get(id) : names.users.get(id)) : undefined) ?? knownAs ?? undefined;
  const prefix = type ? `${type} ` : '';
  if (isGroup) return h('a', { href: `#/groups/${enc(id)}`, title: id }, prefix + (name ?? id));
  if (name) return h('a', { href: `#/members/${enc(id)}`, title: id }, prefix + name);
  return h('span', null, prefix, h('span', { class: 'mono' }, id));
}
