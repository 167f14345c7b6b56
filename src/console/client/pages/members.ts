/** Members: everyone in the organization, their role and status, who pushes them, and which wait on a delivery. */
import { getJson } from '../api.js';
import { errorBox, roleBadge } from '../badges.js';
import { pushedBy, statusCell } from '../people.js';
import { enc, filterBox, h, loading, pageHeader, table } from '../dom.js';
import type { PageContext } from '../page.js';
import { loadPending, pendingBadge, pendingOf, type PendingMarks } from '../pending.js';
import type { MemberSummary } from '../types.js';
import { memberDetailPage } from './member.js';

export async function membersPage(view: HTMLElement, ctx: PageContext): Promise<void> {
  if (ctx.rest[0]) return memberDetailPage(view, ctx.rest[0], ctx);
  pageHeader(
    view,
    'Members',
    'Everyone in the organization, with their role, status and the IdPs that push them. Open a member to see their effective access and where it comes from, or to change their role.',
  );
  const wait = loading(view);
  let res: { data: MemberSummary[] };
  let pending: PendingMarks;
  try {
    [res, pending] = await Promise.all([
      getJson<{ data: MemberSummary[] }>('/api/organization/members?includeDisabled=true'),
      loadPending(),
    ]);
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the members'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const rows = res.data.map((m) => {
    const waiting = pendingBadge(pendingOf(pending, 'member', m.userId));
    return h(
      'tr',
      { 'data-name': `${m.name ?? ''} ${m.email}`.toLowerCase(), 'data-user-id': m.userId },
      h('td', null, h('a', { href: `#/members/${enc(m.userId)}` }, m.name ?? m.email), waiting ? [' ', waiting] : null),
      h('td', null, m.email),
      h('td', null, roleBadge(m.role)),
      h('td', null, statusCell(m)),
      h('td', null, pushedBy(m.scimSources)),
    );
  });
  view.appendChild(
    filterBox('Filter members by name or email', (q) => {
      for (const r of rows) r.hidden = !!q && !(r.dataset.name ?? '').includes(q);
    }),
  );
  view.appendChild(table(`Members (${res.data.length})`, ['Name', 'Email', 'Role', 'Status', 'Pushed by'], rows, 'No members yet.'));
}
