/** Health: what /readyz checks, and what to do about each. */
import { request } from '../api.js';
import { badge, h, loading, pageHeader, table } from '../dom.js';
import { errorBox } from '../badges.js';
import type { PageContext } from '../page.js';
import type { Readiness } from '../types.js';

const statusClass = (s: string): string => (s === 'ok' ? 'ok' : s === 'fail' ? 'bad' : 'warn');

export async function healthPage(view: HTMLElement, ctx: PageContext): Promise<void> {
  pageHeader(view, 'Health', 'What /readyz checks: the database, migrations, the sync backlog, the target and when each IdP last called.');
  const wait = loading(view);
  let res: { status: number; data: Readiness | null };
  try {
    res = await request<Readiness | null>('GET', '/readyz', undefined, [503]);
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the readiness checks'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const r = res.data ?? {};
  const overall = r.status ?? (res.status === 200 ? 'ok' : 'fail');
  view.appendChild(
    h(
      'p',
      { class: 'panel' },
      'Overall: ',
      badge(overall === 'ok' ? 'ready' : overall === 'fail' ? 'not ready' : overall, statusClass(overall)),
      ` (HTTP ${res.status})`,
    ),
  );
  view.appendChild(
    table(
      null,
      ['Check', 'Status', 'Detail', 'What to do'],
      (r.checks ?? []).map((c) =>
        h(
          'tr',
          { 'data-check': c.name },
          h('td', null, h('code', null, c.name)),
          h('td', null, badge(c.status, statusClass(c.status))),
          h('td', { class: 'wrap' }, c.detail ?? ''),
          h('td', { class: 'wrap' }, c.fix ?? ''),
        ),
      ),
      'No checks reported.',
    ),
  );
}
