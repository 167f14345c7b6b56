/** How a member's status and origin read, in the list and on their page. */
import { ownerBadge } from './badges.js';
import { badge, h, type Child } from './dom.js';
import type { MemberSummary } from './types.js';

export function pushedBy(sources: readonly string[]): Child {
  if (!sources.length) return badge('manual', 'manual', 'Added through the admin API');
  return sources.map((s, i) => [i ? ' ' : '', ownerBadge(s)]);
}

export function statusCell(m: Pick<MemberSummary, 'status' | 'disabledBy'>): Child {
  return [
    badge(m.status, m.status),
    m.disabledBy.length
      ? h('span', { class: 'muted' }, ` by ${m.disabledBy.map((x) => (x === 'idp' ? 'the IdP' : 'an admin')).join(' and ')}`)
      : null,
  ];
}
