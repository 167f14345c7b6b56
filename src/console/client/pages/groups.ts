/** Groups: who owns each (an IdP, or manual), members, bindings, and which wait on a delivery. */
import { getJson } from '../api.js';
import { errorBox, lockBadge, lockSvg, ownerBadge } from '../badges.js';
import { bindingText } from '../binding-form.js';
import { enc, filterBox, h, loading, pageHeader, table } from '../dom.js';
import type { PageContext } from '../page.js';
import { loadPending, pendingBadge, pendingOf, type PendingMarks } from '../pending.js';
import type { GroupSummary, Page } from '../types.js';
import { groupDetailPage } from './group.js';

export async function groupsPage(view: HTMLElement, ctx: PageContext): Promise<void> {
  if (ctx.rest[0]) return groupDetailPage(view, ctx.rest[0], ctx);
  pageHeader(view, 'Groups');
  view.appendChild(
    h(
      'p',
      { class: 'notice info' },
      lockSvg(),
      ' ',
      'A locked group is owned by the IdP that pushes it (okta, azure-ad): its name and members change only there, ' +
        "and the bridge refuses such edits here. Its role bindings stay editable: what a group may do is this application's decision. " +
        'Groups marked manual were made through the admin API: open one to rename it or change its members.',
    ),
  );
  const wait = loading(view);
  let page: Page<GroupSummary>;
  let pending: PendingMarks;
  try {
    [page, pending] = await Promise.all([getJson<Page<GroupSummary>>('/api/groups?limit=1000'), loadPending()]);
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the groups'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const rows = page.data.map((g) => {
    const waiting = pendingBadge(pendingOf(pending, 'group', g.id));
    return h(
      'tr',
      { 'data-name': `${g.name} ${g.scimSource ?? 'manual'}`.toLowerCase(), 'data-group-id': g.id },
      h('td', null, h('a', { href: `#/groups/${enc(g.id)}` }, g.name), waiting ? [' ', waiting] : null),
      h('td', null, ownerBadge(g.scimSource), g.scimSource ? [' ', lockBadge(g.scimSource)] : null),
      h('td', { class: 'num' }, String(g.memberCount)),
      h(
        'td',
        null,
        g.bindings.length
          ? h(
              'ul',
              { class: 'plain' },
              g.bindings.map((b) => h('li', null, bindingText(b))),
            )
          : h('span', { class: 'muted' }, 'none'),
      ),
    );
  });
  view.appendChild(
    filterBox('Filter groups', (q) => {
      for (const r of rows) r.hidden = !!q && !(r.dataset.name ?? '').includes(q);
    }),
  );
  view.appendChild(
    table(
      `Groups (${page.pagination.total})`,
      ['Name', 'Owner', ['Members', 'num'], 'Role bindings'],
      rows,
      'No groups yet: push groups from an IdP, or make one through the admin API.',
    ),
  );
  if (page.pagination.total > page.data.length) {
    view.appendChild(h('p', { class: 'muted' }, `Showing the first ${page.data.length} of ${page.pagination.total} groups.`));
  }
}
