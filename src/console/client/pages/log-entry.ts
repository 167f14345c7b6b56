/** One sync-log entry: the request, what it changed, and the calls it caused downstream. */
import { getJson } from '../api.js';
import { errorBox, idpName } from '../badges.js';
import { CALL_COLUMNS, callRow } from '../calls.js';
import { badge, empty, enc, h, loading, pageHeader, table } from '../dom.js';
import { timeEl } from '../format.js';
import { addedCount, removedCount, whoOf } from '../log-summary.js';
import { isGroupType, loadNames, resourceLink, type Names } from '../names.js';
import type { PageContext } from '../page.js';
import type { LogEntryDetail } from '../types.js';

const codes = (values: readonly string[]) => values.map((c, i) => [i ? ', ' : '', h('code', null, c)]);

function whatChanged(e: LogEntryDetail): HTMLElement {
  const s = e.summary ?? {};
  const items: HTMLElement[] = [];
  if (s.activation) items.push(h('li', null, `The user was ${s.activation}.`));
  if (s.changed?.length) items.push(h('li', null, 'Changed: ', codes(s.changed)));
  const added = addedCount(s);
  const removed = removedCount(s);
  if (added) items.push(h('li', null, `Members added (${added}): `, codes(s.membersAdded ?? [])));
  if (removed) items.push(h('li', null, `Members removed (${removed}): `, codes(s.membersRemoved ?? [])));
  for (const [k, v] of Object.entries(s.change ?? {})) items.push(h('li', null, `${k}: `, h('code', null, v === null ? '—' : String(v))));
  if (s.invited?.length) items.push(h('li', null, 'Invited: ', codes(s.invited)));
  if (s.repeated) items.push(h('li', null, `The same refusal ${s.repeated} more times from this address.`));
  return h(
    'section',
    { 'aria-labelledby': 'sum-title' },
    h('h2', { id: 'sum-title' }, 'What changed'),
    items.length
      ? h('ul', { class: 'summary-list' }, items)
      : empty('Nothing changed (a read, a refusal, or a write that repeated the stored state).'),
  );
}

function requestFacts(e: LogEntryDetail, names: Names): HTMLElement {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'req-title' },
    h('h2', { id: 'req-title' }, 'Request'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Time'),
      h('dd', null, timeEl(e.at, true)),
      h('dt', null, 'Made by'),
      h('dd', null, whoOf(e)),
      h('dt', null, 'Request'),
      h('dd', { class: 'mono' }, `${e.method} ${e.path}`),
      h('dt', null, 'Resource'),
      h('dd', null, resourceLink(e.resourceType, e.resourceId, names, e.resourceName)),
      h('dt', null, 'Answer'),
      h('dd', null, badge(e.outcome, e.outcome), ' ', h('span', { class: 'mono' }, String(e.status)), e.scimType ? ` (${e.scimType})` : ''),
      e.detail
        ? [
            h('dt', null, 'Detail'),
            h('dd', { 'data-testid': 'entry-detail' }, e.detail, e.errorCode ? h('span', { class: 'muted' }, ` (${e.errorCode})`) : null),
          ]
        : null,
      e.clientIp
        ? [h('dt', null, 'Client'), h('dd', { class: 'mono' }, e.clientIp, e.forwardedFor ? ` (X-Forwarded-For: ${e.forwardedFor})` : '')]
        : null,
      h('dt', null, 'Downstream'),
      h('dd', null, e.downstream === 'pending' ? badge('pending', 'pending') : badge('done', 'ok')),
      h('dt', null, 'Duration'),
      h('dd', null, e.durationMs === null ? '—' : `${Math.round(e.durationMs * 10) / 10} ms`),
      h('dt', null, 'Request id'),
      h('dd', { class: 'mono' }, e.requestId || '—'),
      h('dt', null, 'User agent'),
      h('dd', null, e.userAgent ?? '—'),
    ),
  );
}

export async function syncLogEntryPage(view: HTMLElement, id: string, ctx: PageContext): Promise<void> {
  view.appendChild(h('p', { class: 'crumbs' }, h('a', { href: '#/log' }, '← Sync log')));
  const wait = loading(view);
  let e: LogEntryDetail;
  let names: Names;
  try {
    [e, names] = await Promise.all([getJson<LogEntryDetail>(`/api/sync-logs/${enc(id)}`), loadNames()]);
  } catch (err) {
    pageHeader(view, `Sync log entry ${id}`);
    wait.remove();
    view.appendChild(errorBox(err, 'this entry'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const subject =
    (e.resourceId ? (isGroupType(e.resourceType) ? names.groups : names.users).get(e.resourceId) : undefined) ?? e.resourceName;
  pageHeader(
    view,
    `${e.kind === 'admin' ? 'Admin: ' : e.source ? `${idpName(e.source)}: ` : ''}${e.action} ${e.resourceType ?? ''}${subject ? ` ${subject}` : ''} (entry ${e.id})`,
  );
  view.appendChild(requestFacts(e, names));
  view.appendChild(whatChanged(e));
  view.appendChild(
    h(
      'section',
      { 'aria-labelledby': 'calls-title' },
      h('h2', { id: 'calls-title' }, 'Downstream calls'),
      table(
        null,
        CALL_COLUMNS,
        (e.deliveries ?? []).map((d) => callRow(d, names)),
        e.downstream === 'pending'
          ? 'No calls yet: what this request changed is waiting to be delivered (see Deliveries).'
          : 'No downstream calls: nothing had to be sent to the application (or the target is the embedded one).',
      ),
    ),
  );
}
