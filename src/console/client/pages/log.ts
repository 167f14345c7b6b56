/** The sync log: every SCIM request an IdP sent, newest first, filtered, a page at a time. */
import { getJson } from '../api.js';
import { errorBox } from '../badges.js';
import { badge, empty, field, h, loading, pageHeader, select } from '../dom.js';
import { formatTime, localToIso } from '../format.js';
import { WRITE_ACTIONS, summaryText, whoOf } from '../log-summary.js';
import { loadNames, resourceLink } from '../names.js';
import type { PageContext } from '../page.js';
import type { Connection, LogEntry, LogPage } from '../types.js';
import { syncLogEntryPage } from './log-entry.js';

const LOG_FILTERS = ['kind', 'source', 'resourceType', 'outcome', 'user', 'group', 'q', 'from', 'to'] as const;
const LOG_PAGE_SIZE = 50;

function outcomeCell(entry: LogEntry): (Node | string | null)[] {
  return [
    badge(entry.outcome, entry.outcome),
    ' ',
    h('span', { class: 'mono' }, String(entry.status)),
    entry.downstream === 'pending' ? h('span', null, ' ', badge('downstream pending', 'pending')) : null,
  ];
}

function filterForm(ctx: PageContext): HTMLFormElement {
  const { params } = ctx;
  const sourceList = h(
    'datalist',
    { id: 'log-sources' },
    ['okta', 'azure-ad'].map((s) => h('option', { value: s })),
  );
  const control = (name: string, type: string, extra: Record<string, string> = {}) =>
    h('input', { type, name, value: params.get(name) ?? '', ...extra });
  const form = h(
    'form',
    { class: 'panel filters', role: 'search', 'aria-label': 'Sync log filters' },
    field(
      'Made by',
      select(
        'kind',
        [
          ['', 'IdPs and admins'],
          ['scim', 'IdPs (SCIM)'],
          ['admin', 'Admins (API, console, CLI)'],
        ],
        params.get('kind'),
      ),
    ),
    field('Source', control('source', 'text', { list: 'log-sources', placeholder: 'okta, azure-ad…' })),
    field(
      'Resource type',
      select(
        'resourceType',
        [
          ['', 'Any'],
          ['User', 'User'],
          ['Group', 'Group'],
        ],
        params.get('resourceType'),
      ),
    ),
    field(
      'Outcome',
      select(
        'outcome',
        [
          ['', 'Any'],
          ['success', 'Success'],
          ['failed', 'Failed'],
          ['pending', 'Downstream pending'],
        ],
        params.get('outcome'),
      ),
    ),
    field('User', control('user', 'search', { placeholder: 'userName or email' })),
    field('Group', control('group', 'search', { placeholder: 'group id or name' })),
    field('Text in path', control('q', 'search')),
    field('From', control('from', 'datetime-local')),
    field('To', control('to', 'datetime-local')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('button', { type: 'button', class: 'secondary', onclick: () => void (location.hash = '#/log') }, 'Clear'),
    ),
    sourceList,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    const data = new FormData(form);
    for (const name of LOG_FILTERS) {
      const raw = data.get(name);
      const v = typeof raw === 'string' ? raw.trim() : '';
      if (v) q.set(name, v);
    }
    const hash = `#/log${q.size ? `?${q.toString()}` : ''}`;
    if (location.hash === hash) void ctx.reload();
    else location.hash = hash;
  });

  // The known sources make the Source field's suggestions; without /api/connections the defaults stay.
  getJson<{ data: Connection[] }>('/api/connections').then(
    (res) => {
      if (res.data.length) sourceList.replaceChildren(...res.data.map((c) => h('option', { value: c.source })));
    },
    () => {},
  );
  return form;
}

/** The filters of the page's address, as the API takes them (times as ISO instants). */
function apiQuery(params: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of LOG_FILTERS) {
    const v = params.get(name);
    if (!v) continue;
    if (name === 'from' || name === 'to') {
      const iso = localToIso(v);
      if (iso) query.set(name, iso);
    } else {
      query.set(name, v);
    }
  }
  return query;
}

export async function syncLogPage(view: HTMLElement, ctx: PageContext): Promise<void> {
  if (ctx.rest[0]) return syncLogEntryPage(view, ctx.rest[0], ctx);
  pageHeader(
    view,
    'Sync log',
    'Every request an IdP sent over SCIM and every change an admin made, newest first. Open an entry to see what it changed and the calls it caused downstream.',
  );
  view.appendChild(filterForm(ctx));

  const query = apiQuery(ctx.params);
  const filtered = query.size > 0;
  query.set('limit', String(LOG_PAGE_SIZE));

  const results = h('section', { 'aria-label': 'Entries' });
  view.appendChild(results);
  const wait = loading(results);
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  let cursor: number | null = null;
  let shown = 0;
  const names = await loadNames();
  if (!ctx.live()) return;

  const rowOf = (e: LogEntry) => {
    const href = `#/log/${e.id}`;
    const open = (event: MouseEvent) => {
      if (!(event.target instanceof Element && event.target.closest('a'))) location.hash = href;
    };
    return h(
      'tr',
      { class: 'clickable', 'data-id': e.id, onclick: open },
      h('td', { class: 'nowrap' }, h('a', { href, title: `Open entry ${e.id}` }, formatTime(e.at))),
      h('td', null, whoOf(e)),
      h(
        'td',
        null,
        h('span', { class: 'mono' }, e.method),
        WRITE_ACTIONS.includes(e.action) ? null : [' ', h('span', { class: 'muted' }, e.action)],
      ),
      h('td', null, resourceLink(e.resourceType, e.resourceId, names, e.resourceName)),
      h('td', null, outcomeCell(e)),
      h('td', { class: 'wrap' }, summaryText(e.summary) || e.detail || h('span', { class: 'muted' }, '—')),
    );
  };

  async function load(): Promise<void> {
    more.disabled = true;
    const q = new URLSearchParams(query);
    if (cursor !== null) q.set('cursor', String(cursor));
    try {
      const page = await getJson<LogPage>(`/api/sync-logs?${q.toString()}`);
      if (!ctx.live()) return;
      wait.remove();
      for (const e of page.data) tbody.appendChild(rowOf(e));
      shown += page.data.length;
      cursor = page.nextCursor ?? null;
      more.hidden = cursor === null;
      count.textContent = shown === 0 ? '' : `${shown}${shown === 1 ? ' entry' : ' entries'}${more.hidden ? '' : ' so far'}`;
      if (shown === 0) results.replaceChildren(empty(filtered ? 'No entries match these filters.' : 'No SCIM requests logged yet.'));
    } catch (err) {
      if (!ctx.live()) return;
      wait.remove();
      results.appendChild(errorBox(err, 'the sync log'));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => void load());
  results.appendChild(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        h('caption', { class: 'visually-hidden' }, 'Sync log entries, newest first'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Time', 'Made by', 'Request', 'Resource', 'Outcome', 'What changed'].map((x) => h('th', { scope: 'col' }, x)),
          ),
        ),
        tbody,
      ),
    ),
  );
  results.appendChild(h('div', { class: 'toolbar' }, more, count));
  await load();
}
