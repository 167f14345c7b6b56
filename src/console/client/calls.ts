/** Rows of the calls the sync worker made to the application (Deliveries, and a log entry's). */
import { badge, h, type Column } from './dom.js';
import { timeEl } from './format.js';
import { resourceLink, type Names } from './names.js';
import type { DeliveryCall } from './types.js';

export const CALL_COLUMNS: readonly Column[] = [
  ['Started', 'nowrap'],
  'Entity',
  'Call',
  ['Status', 'num'],
  'Outcome',
  'Detail',
  ['Duration', 'num nowrap'],
];

/** Long paths and error details wrap inside their cell, so the table fits its container. */
export function callRow(c: DeliveryCall, names: Names | null): HTMLTableRowElement {
  return h(
    'tr',
    null,
    h('td', { class: 'nowrap' }, timeEl(c.startedAt)),
    h('td', { class: 'entity' }, resourceLink(c.entityType, c.entityId, names)),
    h('td', { class: 'mono wrap call' }, `${c.method} ${c.path}`),
    h('td', { class: 'num' }, c.status === null || c.status === undefined ? '—' : String(c.status)),
    h('td', null, badge(c.outcome, c.outcome)),
    h('td', { class: 'wrap' }, c.detail ?? ''),
    h('td', { class: 'num nowrap' }, c.durationMs === null || c.durationMs === undefined ? '' : `${c.durationMs} ms`),
  );
}
