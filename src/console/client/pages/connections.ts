/** Connections: the IdPs that push over SCIM, and when each last called. */
import { getJson } from '../api.js';
import { errorBox, ownerBadge } from '../badges.js';
import { h, loading, pageHeader, table } from '../dom.js';
import { timeEl } from '../format.js';
import type { PageContext } from '../page.js';
import type { Connection } from '../types.js';

export async function connectionsPage(view: HTMLElement, ctx: PageContext): Promise<void> {
  pageHeader(
    view,
    'Connections',
    'The IdP connections that push over SCIM, each with its own tokens. An IdP that has not called for a long time may have stopped provisioning.',
  );
  const wait = loading(view);
  let res: { data: Connection[] };
  try {
    res = await getJson<{ data: Connection[] }>('/api/connections');
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the connections'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  view.appendChild(
    table(
      null,
      ['Source', 'Connection id', ['Live tokens', 'num'], ['Created', 'nowrap'], ['Last used', 'nowrap']],
      res.data.map((c) =>
        h(
          'tr',
          { 'data-source': c.source },
          h('td', null, ownerBadge(c.source)),
          h('td', { class: 'mono' }, c.id),
          h('td', { class: 'num' }, c.liveTokens === undefined ? '' : String(c.liveTokens)),
          h('td', { class: 'nowrap' }, timeEl(c.createdAt)),
          h('td', { class: 'nowrap' }, timeEl(c.lastUsedAt, true)),
        ),
      ),
      'No connections yet. Create one with: scim-bridge connections create okta',
    ),
  );
}
