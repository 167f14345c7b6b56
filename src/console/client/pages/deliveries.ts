/**
 * Deliveries: what sync still has to deliver to the application (with Retry, Approve and Drop),
 * reconciliation, and the recent calls to the application, a page at a time.
 */
import { actionButton, type Action } from '../actions.js';
import { getJson } from '../api.js';
import { errorBox } from '../badges.js';
import { CALL_COLUMNS, callRow } from '../calls.js';
import { badge, enc, h, loading, pageHeader } from '../dom.js';
import { plural, timeEl } from '../format.js';
import { loadNames, resourceLink, type Names } from '../names.js';
import type { PageContext } from '../page.js';
import { pagedTable } from '../pager.js';
import { STATE_TEXT } from '../pending.js';
import type { Deliveries, PendingDelivery } from '../types.js';

/** How many recent calls the page reads (the API's most is 1000); they are shown a page at a time. */
const RECENT_CALLS = 500;

function targetFacts(d: Deliveries): HTMLElement {
  const t = d.target;
  const r = d.reconcile;
  return h(
    'dl',
    { class: 'facts panel', 'aria-label': 'Target' },
    h('dt', null, 'Target'),
    h('dd', null, t.kind, t.url ? [' ', h('code', null, t.url)] : null),
    h('dt', null, 'Last success'),
    h('dd', null, timeEl(t.lastSuccessAt, true)),
    h('dt', null, 'Last failure'),
    h('dd', null, timeEl(t.lastFailureAt, true)),
    t.lastError ? [h('dt', null, 'Last error'), h('dd', null, t.lastError)] : null,
    r
      ? [
          h('dt', null, 'Reconciliation'),
          h(
            'dd',
            { 'data-reconcile': r.phase ? 'running' : 'done' },
            r.phase
              ? [
                  `under way: ${r.done} of ${r.total} members and groups looked at `,
                  h('progress', { max: Math.max(r.total, 1), value: r.done, 'aria-label': 'Reconciliation progress' }),
                ]
              : [`${r.done} members and groups looked at, finished `, timeEl(r.finishedAt, true)],
          ),
        ]
      : null,
  );
}

function pendingRow(
  p: PendingDelivery,
  names: Names,
  act: (a: Omit<Action, 'errors' | 'reload'>) => HTMLButtonElement,
): HTMLTableRowElement {
  const path = `/api/deliveries/${enc(p.entityType)}/${enc(p.entityId)}`;
  const who = `${p.entityType} ${(p.entityType === 'group' ? names.groups : names.users).get(p.entityId) ?? p.label ?? p.entityId}`;
  return h(
    'tr',
    { 'data-entity': `${p.entityType}:${p.entityId}` },
    h('td', { class: 'entity' }, resourceLink(p.entityType, p.entityId, names)),
    h('td', null, badge(STATE_TEXT[p.state], p.state)),
    h('td', { class: 'num' }, String(p.attempts)),
    h('td', { class: 'nowrap' }, p.state === 'awaiting_approval' || p.state === 'parked' ? '—' : timeEl(p.nextAttemptAt)),
    h('td', { class: 'wrap' }, p.lastError ?? h('span', { class: 'muted' }, '—')),
    h(
      'td',
      { class: 'nowrap' },
      p.state === 'awaiting_approval'
        ? act({
            label: 'Approve',
            method: 'POST',
            path: `${path}/approve`,
            confirm: `Approve the removal of ${who}?`,
            done: `Approved: ${who}.`,
            ariaLabel: `Approve ${who}`,
          })
        : act({ label: 'Retry', method: 'POST', path: `${path}/retry`, done: `Retry scheduled: ${who}.`, ariaLabel: `Retry ${who}` }),
      ' ',
      act({
        label: 'Drop',
        cls: 'secondary',
        method: 'DELETE',
        path,
        confirm: `Drop the delivery of ${who}? The application is left as it is until the next change.`,
        done: `Dropped: ${who}.`,
        ariaLabel: `Drop ${who}`,
      }),
    ),
  );
}

export async function deliveriesPage(view: HTMLElement, ctx: PageContext): Promise<void> {
  pageHeader(
    view,
    'Deliveries',
    'What sync still has to deliver to the application: pending, retrying, parked (refused in a way waiting cannot fix) and removals held for approval.',
  );
  const wait = loading(view);
  let d: Deliveries;
  let names: Names;
  try {
    [d, names] = await Promise.all([getJson<Deliveries>(`/api/deliveries?limit=${RECENT_CALLS}`), loadNames()]);
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the deliveries'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const errors = h('div');
  const act = (a: Omit<Action, 'errors' | 'reload'>) => actionButton({ ...a, errors, reload: ctx.reload });
  view.appendChild(targetFacts(d));
  view.appendChild(errors);

  if (d.target.kind !== 'embedded') {
    view.appendChild(
      h(
        'p',
        null,
        act({
          label: 'Reconcile everything',
          cls: 'secondary',
          method: 'POST',
          path: '/api/deliveries/reconcile',
          confirm:
            'Compare every member and group with the application again? Use it after a restore, or when the application was emptied.',
          done: 'Reconciliation started.',
        }),
      ),
    );
  }

  const held = d.pending.filter((p) => p.state === 'awaiting_approval');
  view.appendChild(h('h2', null, 'Needing attention'));
  if (held.length) {
    view.appendChild(
      h(
        'div',
        { class: 'notice' },
        `${held.length === 1 ? '1 removal is' : `${held.length} removals are`} held back by the mass-removal guard. `,
        act({
          label: 'Approve all held removals',
          cls: 'secondary',
          method: 'POST',
          path: '/api/deliveries/approve',
          confirm: 'Approve every held removal? The people will be removed from the application.',
          done: 'Every held removal is approved.',
        }),
      ),
    );
  }
  view.appendChild(
    pagedTable(
      'deliveries needing attention',
      ['Entity', 'State', ['Attempts', 'num'], ['Next attempt', 'nowrap'], 'Last error', 'Actions'],
      d.pending.map((p) => pendingRow(p, names, act)),
      'Nothing needs attention: every change has been delivered.',
    ),
  );

  view.appendChild(h('h2', null, 'Recent calls'));
  if (d.recent.length >= RECENT_CALLS)
    view.appendChild(h('p', { class: 'muted' }, `The newest ${plural(RECENT_CALLS, 'call')}, newest first.`));
  view.appendChild(
    pagedTable(
      'recent calls',
      CALL_COLUMNS,
      d.recent.map((c) => callRow(c, names)),
      'No calls to the application yet.',
    ),
  );
}
