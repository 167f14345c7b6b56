/**
 * The console's script, served as /admin/console.js (a module script, no dependencies, no build
 * step). It is kept here as a string so the TypeScript build ships it; it must therefore contain
 * no backtick and no dollar-brace sequence.
 *
 * Everything on screen is built with DOM calls and textContent, never innerHTML, so nothing the
 * IdPs or the admin API send can become markup. The admin key is read from the sign-in field,
 * sent once to POST /admin/session and forgotten: the browser keeps only the HttpOnly session
 * cookie, which the admin API accepts with the X-Requested-With header sent by every call here.
 */
export const CONSOLE_JS = String.raw`
'use strict';

const CONSOLE_HEADER = 'X-Requested-With';
const CONSOLE_HEADER_VALUE = 'scim-bridge-console';

const main = document.getElementById('main');
const topBar = document.getElementById('top');
const who = document.getElementById('who');
const announcer = document.getElementById('announcer');

const state = { session: null, renderId: 0, navigated: false };

// ---- small helpers -------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message, path) {
    super(message);
    this.status = status;
    this.code = code;
    this.path = path;
  }
}

function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
  } else if (child instanceof Node) {
    el.appendChild(child);
  } else {
    el.appendChild(document.createTextNode(String(child)));
  }
}

/** h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', otherNode, [more]) */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const name of Object.keys(props)) {
      const value = props[name];
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
      else if (name === 'class') el.className = value;
      else if (name === 'value') el.value = value;
      else if (value === true) el.setAttribute(name, '');
      else el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

const enc = encodeURIComponent;
let uid = 0;
const nextId = (prefix) => prefix + '-' + (++uid);

function announce(message) {
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = message; }, 30);
}

const pad = (n) => String(n).padStart(2, '0');

/** 2024-05-01 14:03:09 in the browser's time zone; the ISO time is in the title. */
function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
    pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function ago(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return '';
  const s = Math.round(ms / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return s + ' s ago';
  const m = Math.round(s / 60);
  if (m < 60) return m + ' min ago';
  const hrs = Math.round(m / 60);
  if (hrs < 48) return hrs + ' h ago';
  return Math.round(hrs / 24) + ' days ago';
}

function timeEl(iso, relative) {
  if (!iso) return h('span', { class: 'muted' }, 'never');
  const label = relative ? formatTime(iso) + ' (' + ago(iso) + ')' : formatTime(iso);
  return h('time', { datetime: iso, title: iso, class: 'nowrap' }, label);
}

const IDP_NAMES = { okta: 'Okta', 'azure-ad': 'Microsoft Entra ID (azure-ad)' };
const idpName = (source) => IDP_NAMES[source] || source;

/** The owner badge: okta, azure-ad, another IdP's source, or manual (made through the admin API). */
function ownerBadge(source) {
  if (!source) return h('span', { class: 'badge manual', title: 'Made through the admin API; no IdP owns it' }, 'manual');
  const cls = source === 'okta' || source === 'azure-ad' ? source : 'other-idp';
  return h('span', { class: 'badge ' + cls, title: 'Pushed by ' + idpName(source) }, source);
}

function lockSvg() {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', 'M4 7V5a4 4 0 1 1 8 0v2h1a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h1zm2 0h4V5a2 2 0 1 0-4 0v2z');
  svg.appendChild(path);
  return svg;
}

function lockBadge(source) {
  return h('span', { class: 'lock', title: 'Locked: its name and members are managed in ' + idpName(source) },
    lockSvg(), 'Locked');
}

function badge(text, cls, title) {
  return h('span', { class: 'badge ' + (cls || text), title: title || null }, text);
}

function empty(message) {
  return h('p', { class: 'empty' }, message);
}

/** A missing endpoint (a bridge without this feature yet) reads differently from a real error. */
function errorBox(err, what) {
  if (err instanceof ApiError && err.status === 404 && /^No such endpoint/.test(err.message)) {
    return h('p', { class: 'empty', 'data-state': 'unavailable' },
      'This bridge does not offer ' + what + ' yet (' + err.path + ' answered 404).');
  }
  if (err instanceof ApiError && err.status === 403) {
    return h('p', { class: 'error', role: 'alert' }, 'Your admin key may not do this: ' + err.message);
  }
  const message = err instanceof ApiError ? err.message + ' (' + err.status + ' ' + err.code + ')' : String(err && err.message || err);
  return h('p', { class: 'error', role: 'alert' }, 'Could not load ' + what + ': ' + message);
}

function table(caption, headers, rows, emptyMessage) {
  if (rows.length === 0 && emptyMessage) return empty(emptyMessage);
  return h('div', { class: 'table-wrap' },
    h('table', null,
      caption ? h('caption', null, caption) : null,
      h('thead', null, h('tr', null, headers.map((x) => {
        const [label, cls] = Array.isArray(x) ? x : [x, null];
        return h('th', { scope: 'col', class: cls }, label);
      }))),
      h('tbody', null, rows)));
}

function field(label, control, hint) {
  const id = control.id || nextId('f');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'muted' }, hint) : null);
}

function select(name, options, value) {
  return h('select', { name }, options.map(([v, label]) => h('option', { value: v, selected: v === (value || '') }, label)));
}

const canManage = () => !!state.session && state.session.scopes.includes('organization:manage');
const MANAGE_HINT = 'Your admin key is view-only (organization:view)';

// ---- the API -------------------------------------------------------------------------------

async function request(method, path, body, acceptStatuses) {
  const headers = { Accept: 'application/json' };
  headers[CONSOLE_HEADER] = CONSOLE_HEADER_VALUE;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'network_error', 'The bridge did not answer (' + err.message + ')', path);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  if (res.ok || (acceptStatuses && acceptStatuses.includes(res.status))) return { status: res.status, data };
  const error = data && data.error ? data.error : {};
  const err = new ApiError(res.status, error.code || 'http_' + res.status, error.message || res.status + ' ' + res.statusText, path);
  if (res.status === 401 && path.startsWith('/api/')) sessionEnded();
  throw err;
}

const getJson = async (path) => (await request('GET', path)).data;

// ---- sign in and out -------------------------------------------------------------------------

function setSession(session) {
  state.session = session;
  topBar.hidden = !session;
  if (session) {
    who.textContent = session.scopes.includes('organization:manage') ? 'Signed in · view and manage' : 'Signed in · view only';
  } else {
    who.textContent = '';
  }
}

function sessionEnded() {
  if (!state.session) return;
  setSession(null);
  state.renderId++;
  showSignIn('Your session has ended. Sign in again with an admin key.');
}

function showSignIn(message) {
  setSession(null);
  document.title = 'Sign in · scim-bridge';
  const input = h('input', { type: 'password', name: 'key', id: 'admin-key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const problem = h('div', { id: 'signin-error', role: 'alert' });
  if (message) problem.appendChild(h('p', { class: 'notice info' }, message));
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'panel signin', 'aria-labelledby': 'signin-title', novalidate: true },
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to scim-bridge'),
    h('p', { class: 'muted' }, 'Use an admin key: the one of BRIDGE_ADMIN_KEY, or one made with scim-bridge keys create. ' +
      'The key is exchanged for a session cookie and is not kept in this browser.'),
    field('Admin key', input),
    problem,
    h('p', null, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    problem.textContent = '';
    if (!key) {
      problem.appendChild(h('p', { class: 'error' }, 'Enter an admin key.'));
      input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await request('POST', '/admin/session', { key });
      input.value = '';
      setSession(data);
      if (!location.hash || location.hash === '#') location.hash = '#/log';
      await route();
      announce('Signed in.');
    } catch (err) {
      input.value = '';
      const text = err instanceof ApiError && err.status === 401
        ? 'That admin key is not valid: it is unknown or has been revoked.'
        : 'Could not sign in: ' + err.message;
      problem.appendChild(h('p', { class: 'error' }, text));
      input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  main.replaceChildren(form);
  input.focus();
}

async function signOut() {
  try { await request('POST', '/admin/logout'); } catch (e) { /* the session is gone either way */ }
  setSession(null);
  state.renderId++;
  showSignIn('You are signed out.');
  announce('Signed out.');
}

// ---- pages -----------------------------------------------------------------------------------

function pageHeader(view, title, intro) {
  document.title = title + ' · scim-bridge';
  view.appendChild(h('h1', { tabindex: '-1' }, title));
  if (intro) view.appendChild(h('p', { class: 'muted' }, intro));
}

function loading(view) {
  const el = h('p', { class: 'muted', 'aria-busy': 'true' }, 'Loading…');
  view.appendChild(el);
  return el;
}

// Sync log ----------------------------------------------------------------------------------

const LOG_FILTERS = ['source', 'resourceType', 'outcome', 'user', 'group', 'q', 'from', 'to'];

function summaryText(s) {
  if (!s) return '';
  const parts = [];
  if (s.activation) parts.push(s.activation);
  if (s.changed && s.changed.length) parts.push('changed ' + s.changed.join(', '));
  const added = s.membersAddedCount !== undefined ? s.membersAddedCount : (s.membersAdded || []).length;
  const removed = s.membersRemovedCount !== undefined ? s.membersRemovedCount : (s.membersRemoved || []).length;
  if (added) parts.push('+' + added + (added === 1 ? ' member' : ' members'));
  if (removed) parts.push('−' + removed + (removed === 1 ? ' member' : ' members'));
  return parts.join('; ');
}

function outcomeCell(entry) {
  return [
    badge(entry.outcome, entry.outcome),
    ' ',
    h('span', { class: 'mono' }, String(entry.status)),
    entry.downstream === 'pending' ? [' ', badge('downstream pending', 'pending')] : null,
  ];
}

/**
 * Names for the ids the log and the deliveries carry: members by userId, groups by id. Best
 * effort (a view that cannot load them shows the ids), kept for a few seconds across pages.
 */
let namesCache = null;
async function loadNames() {
  if (namesCache && Date.now() - namesCache.at < 10000) return namesCache;
  const [members, groups] = await Promise.all([
    getJson('/api/organization/members?includeDisabled=true').catch(() => null),
    getJson('/api/groups?limit=1000').catch(() => null),
  ]);
  namesCache = {
    at: Date.now(),
    users: new Map(((members && members.data) || []).map((m) => [m.userId, m.name || m.email])),
    groups: new Map(((groups && groups.data) || []).map((g) => [g.id, g.name])),
  };
  return namesCache;
}

/** "User Ana Lima" linking to the member, "Group Engineering" linking to the group, else the id. */
function resourceLink(type, id, names) {
  if (!id) return h('span', { class: 'muted' }, type || '—');
  const isGroup = type === 'Group' || type === 'group';
  const name = names ? (isGroup ? names.groups.get(id) : names.users.get(id)) : undefined;
  const prefix = type ? type + ' ' : '';
  if (isGroup) return h('a', { href: '#/groups/' + enc(id), title: id }, prefix + (name || id));
  if (name) return h('a', { href: '#/members/' + enc(id), title: id }, prefix + name);
  return h('span', null, prefix, h('span', { class: 'mono' }, id));
}

const WRITE_ACTIONS = ['create', 'replace', 'patch', 'delete'];

/** A datetime-local value (local time) as an ISO instant, or null. */
function localToIso(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

async function syncLogPage(view, rest, params, ctx) {
  if (rest[0]) return syncLogDetail(view, rest[0], ctx);
  pageHeader(view, 'Sync log', 'Every request an IdP sent over SCIM, newest first. Open an entry to see what it changed and the calls it caused downstream.');

  const sourceList = h('datalist', { id: 'log-sources' }, ['okta', 'azure-ad'].map((s) => h('option', { value: s })));
  const control = (name, type, extra) => h('input', Object.assign({ type, name, value: params.get(name) || '' }, extra || {}));
  const form = h('form', { class: 'panel filters', role: 'search', 'aria-label': 'Sync log filters' },
    field('Source', control('source', 'text', { list: 'log-sources', placeholder: 'okta, azure-ad…' })),
    field('Resource type', select('resourceType', [['', 'Any'], ['User', 'User'], ['Group', 'Group']], params.get('resourceType'))),
    field('Outcome', select('outcome', [['', 'Any'], ['success', 'Success'], ['failed', 'Failed'], ['pending', 'Downstream pending']], params.get('outcome'))),
    field('User', control('user', 'search', { placeholder: 'userName or email' })),
    field('Group', control('group', 'search', { placeholder: 'group id or name' })),
    field('Text in path', control('q', 'search')),
    field('From', control('from', 'datetime-local')),
    field('To', control('to', 'datetime-local')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { location.hash = '#/log'; } }, 'Clear')),
    sourceList);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    const data = new FormData(form);
    for (const name of LOG_FILTERS) {
      const v = String(data.get(name) || '').trim();
      if (v) q.set(name, v);
    }
    const hash = '#/log' + (q.toString() ? '?' + q.toString() : '');
    if (location.hash === hash) route();
    else location.hash = hash;
  });
  view.appendChild(form);

  // The known sources make the Source field's suggestions; without /api/connections the defaults stay.
  getJson('/api/connections').then((res) => {
    if (!res || !res.data || !res.data.length) return;
    sourceList.replaceChildren(...res.data.map((c) => h('option', { value: c.source })));
  }, () => {});

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
  query.set('limit', '50');

  const results = h('section', { 'aria-label': 'Entries' });
  view.appendChild(results);
  const wait = loading(results);
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  let cursor = null;
  let shown = 0;
  const names = await loadNames();
  if (!ctx.live()) return;

  const rowOf = (e) => {
    const href = '#/log/' + e.id;
    return h('tr', { class: 'clickable', 'data-id': e.id, onclick: (event) => { if (!event.target.closest('a')) location.hash = href; } },
      h('td', null, h('a', { href, title: 'Open entry ' + e.id }, formatTime(e.at))),
      h('td', null, e.source ? ownerBadge(e.source) : h('span', { class: 'muted' }, '—')),
      h('td', null, h('span', { class: 'mono' }, e.method), WRITE_ACTIONS.includes(e.action) ? null : [' ', h('span', { class: 'muted' }, e.action)]),
      h('td', null, resourceLink(e.resourceType, e.resourceId, names)),
      h('td', null, outcomeCell(e)),
      h('td', null, summaryText(e.summary) || h('span', { class: 'muted' }, '—')));
  };

  async function load() {
    more.disabled = true;
    const q = new URLSearchParams(query);
    if (cursor !== null) q.set('cursor', String(cursor));
    try {
      const page = await getJson('/api/sync-logs?' + q.toString());
      if (!ctx.live()) return;
      wait.remove();
      for (const e of page.data) tbody.appendChild(rowOf(e));
      shown += page.data.length;
      cursor = page.nextCursor;
      more.hidden = cursor === null || cursor === undefined;
      count.textContent = shown === 0 ? '' : shown + (shown === 1 ? ' entry' : ' entries') + (more.hidden ? '' : ' so far');
      if (shown === 0) results.replaceChildren(empty(query.toString() === 'limit=50'
        ? 'No SCIM requests logged yet.' : 'No entries match these filters.'));
    } catch (err) {
      if (!ctx.live()) return;
      wait.remove();
      results.appendChild(errorBox(err, 'the sync log'));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', load);
  results.appendChild(h('div', { class: 'table-wrap' },
    h('table', null,
      h('caption', { class: 'visually-hidden' }, 'Sync log entries, newest first'),
      h('thead', null, h('tr', null, ['Time', 'Source', 'Request', 'Resource', 'Outcome', 'What changed'].map((x) => h('th', { scope: 'col' }, x)))),
      tbody)));
  results.appendChild(h('div', { class: 'toolbar' }, more, count));
  await load();
}

async function syncLogDetail(view, id, ctx) {
  view.appendChild(h('p', { class: 'crumbs' }, h('a', { href: '#/log' }, '← Sync log')));
  const wait = loading(view);
  let e;
  let names;
  try {
    e = await getJson('/api/sync-logs/' + enc(id));
    names = await loadNames();
  } catch (err) {
    pageHeader(view, 'Sync log entry ' + id);
    wait.remove();
    view.appendChild(errorBox(err, 'this entry'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const subject = e.resourceType === 'Group' ? names.groups.get(e.resourceId) : e.resourceType === 'User' ? names.users.get(e.resourceId) : null;
  pageHeader(view, (e.source ? idpName(e.source) + ': ' : '') + e.action + ' ' + (e.resourceType || '') +
    (subject ? ' ' + subject : '') + ' (entry ' + e.id + ')');

  view.appendChild(h('section', { class: 'panel', 'aria-labelledby': 'req-title' },
    h('h2', { id: 'req-title' }, 'Request'),
    h('dl', { class: 'facts' },
      h('dt', null, 'Time'), h('dd', null, timeEl(e.at, true)),
      h('dt', null, 'Source'), h('dd', null, e.source ? ownerBadge(e.source) : '—'),
      h('dt', null, 'Request'), h('dd', { class: 'mono' }, e.method + ' ' + e.path),
      h('dt', null, 'Resource'), h('dd', null, resourceLink(e.resourceType, e.resourceId, names)),
      h('dt', null, 'Answer'), h('dd', null, badge(e.outcome, e.outcome), ' ', h('span', { class: 'mono' }, String(e.status)), e.scimType ? ' (' + e.scimType + ')' : ''),
      h('dt', null, 'Downstream'), h('dd', null, e.downstream === 'pending' ? badge('pending', 'pending') : e.downstream ? badge('done', 'ok') : '—'),
      h('dt', null, 'Duration'), h('dd', null, e.durationMs === null || e.durationMs === undefined ? '—' : Math.round(e.durationMs * 10) / 10 + ' ms'),
      h('dt', null, 'Request id'), h('dd', { class: 'mono' }, e.requestId || '—'),
      h('dt', null, 'User agent'), h('dd', null, e.userAgent || '—'))));

  const s = e.summary || {};
  const items = [];
  if (s.activation) items.push(h('li', null, 'The user was ' + s.activation + '.'));
  if (s.changed && s.changed.length) items.push(h('li', null, 'Changed: ', s.changed.map((c, i) => [i ? ', ' : '', h('code', null, c)])));
  const addedN = s.membersAddedCount !== undefined ? s.membersAddedCount : (s.membersAdded || []).length;
  const removedN = s.membersRemovedCount !== undefined ? s.membersRemovedCount : (s.membersRemoved || []).length;
  if (addedN) items.push(h('li', null, 'Members added (' + addedN + '): ', (s.membersAdded || []).map((m, i) => [i ? ', ' : '', h('code', null, m)])));
  if (removedN) items.push(h('li', null, 'Members removed (' + removedN + '): ', (s.membersRemoved || []).map((m, i) => [i ? ', ' : '', h('code', null, m)])));
  view.appendChild(h('section', { 'aria-labelledby': 'sum-title' },
    h('h2', { id: 'sum-title' }, 'What changed'),
    items.length ? h('ul', { class: 'summary-list' }, items) : empty('Nothing changed (a read, a refusal, or a write that repeated the stored state).')));

  const calls = e.deliveries || [];
  view.appendChild(h('section', { 'aria-labelledby': 'calls-title' },
    h('h2', { id: 'calls-title' }, 'Downstream calls'),
    table(null, ['Started', 'Entity', 'Call', ['Status', 'num'], 'Outcome', 'Detail', ['Duration', 'num']], calls.map((d) => h('tr', null,
      h('td', null, timeEl(d.startedAt)),
      h('td', null, resourceLink(d.entityType, d.entityId, names)),
      h('td', { class: 'mono' }, d.method + ' ' + d.path),
      h('td', { class: 'num' }, d.status === null || d.status === undefined ? '—' : String(d.status)),
      h('td', null, badge(d.outcome, d.outcome)),
      h('td', null, d.detail || ''),
      h('td', { class: 'num' }, d.durationMs === undefined || d.durationMs === null ? '' : d.durationMs + ' ms'))),
    e.downstream === 'pending'
      ? 'No calls yet: what this request changed is waiting to be delivered (see Deliveries).'
      : 'No downstream calls: nothing had to be sent to the application (or the target is the embedded one).')));
}

// Groups --------------------------------------------------------------------------------------

function bindingText(b) {
  const role = b.role === 'CUSTOM' ? 'CUSTOM ' + (b.customRoleName || b.customRoleId || '') : b.role;
  return role + ' on ' + b.scopeType + (b.scopeType === 'ORGANIZATION' ? '' : ' ' + b.scopeId);
}

function filterBox(label, onInput) {
  const input = h('input', { type: 'search', placeholder: 'Type to filter' });
  input.addEventListener('input', () => onInput(input.value.trim().toLowerCase()));
  return h('div', { class: 'toolbar' }, field(label, input));
}

async function groupsPage(view, rest, params, ctx) {
  if (rest[0]) return groupDetail(view, rest[0], ctx);
  pageHeader(view, 'Groups');
  view.appendChild(h('p', { class: 'notice info' }, lockSvg(), ' ',
    'A locked group is owned by the IdP that pushes it (okta, azure-ad): its name and members change only there, ' +
    'and the bridge refuses such edits here. Its role bindings stay editable: what a group may do is this application\'s decision. ' +
    'Groups marked manual were made through the admin API.'));
  const wait = loading(view);
  let page;
  try {
    page = await getJson('/api/groups?limit=1000');
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the groups'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const rows = page.data.map((g) => h('tr', { 'data-name': (g.name + ' ' + (g.scimSource || 'manual')).toLowerCase(), 'data-group-id': g.id },
    h('td', null, h('a', { href: '#/groups/' + enc(g.id) }, g.name)),
    h('td', null, ownerBadge(g.scimSource), g.scimSource ? [' ', lockBadge(g.scimSource)] : null),
    h('td', { class: 'num' }, String(g.memberCount)),
    h('td', null, g.bindings.length
      ? h('ul', { class: 'plain' }, g.bindings.map((b) => h('li', null, bindingText(b))))
      : h('span', { class: 'muted' }, 'none'))));
  view.appendChild(filterBox('Filter groups', (q) => {
    for (const r of rows) r.hidden = !!q && !r.dataset.name.includes(q);
  }));
  view.appendChild(table('Groups (' + page.pagination.total + ')', ['Name', 'Owner', ['Members', 'num'], 'Role bindings'], rows,
    'No groups yet: push groups from an IdP, or make one through the admin API.'));
  if (page.pagination.total > page.data.length) {
    view.appendChild(h('p', { class: 'muted' }, 'Showing the first ' + page.data.length + ' of ' + page.pagination.total + ' groups.'));
  }
}

function bindingForm(groupId, onDone) {
  const role = select('role', [['ADMIN', 'ADMIN'], ['MEMBER', 'MEMBER'], ['VIEWER', 'VIEWER'], ['CUSTOM', 'CUSTOM']], 'MEMBER');
  const scopeType = select('scopeType', [['TEAM', 'TEAM'], ['PROJECT', 'PROJECT'], ['ORGANIZATION', 'ORGANIZATION']], 'TEAM');
  const scopeId = h('input', { type: 'text', name: 'scopeId', autocomplete: 'off' });
  const customRoleId = h('input', { type: 'text', name: 'customRoleId', autocomplete: 'off' });
  const customField = field('Custom role id', customRoleId);
  const scopeField = field('Scope id', scopeId, 'team or project id');
  customField.hidden = true;
  role.addEventListener('change', () => { customField.hidden = role.value !== 'CUSTOM'; });
  scopeType.addEventListener('change', () => { scopeField.hidden = scopeType.value === 'ORGANIZATION'; });
  const problem = h('div', { role: 'alert' });
  const submit = h('button', { type: 'submit', disabled: !canManage(), title: canManage() ? null : MANAGE_HINT }, 'Add binding');
  const form = h('form', { class: 'panel inline', 'aria-label': 'Add a role binding' },
    field('Role', role), customField, field('Scope type', scopeType), scopeField, submit, problem);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = '';
    const body = { role: role.value, scopeType: scopeType.value };
    if (scopeType.value !== 'ORGANIZATION') body.scopeId = scopeId.value.trim();
    if (role.value === 'CUSTOM') body.customRoleId = customRoleId.value.trim();
    submit.disabled = true;
    try {
      await request('POST', '/api/groups/' + enc(groupId) + '/bindings', body);
      announce('Binding added: ' + bindingText(Object.assign({ scopeId: body.scopeId || '' }, body)) + '.');
      await onDone();
    } catch (err) {
      problem.appendChild(h('p', { class: 'error' }, 'Not added: ' + err.message));
      submit.disabled = false;
    }
  });
  return form;
}

async function groupDetail(view, id, ctx) {
  view.appendChild(h('p', { class: 'crumbs' }, h('a', { href: '#/groups' }, '← Groups')));
  const wait = loading(view);
  let g;
  try {
    g = await getJson('/api/groups/' + enc(id));
  } catch (err) {
    pageHeader(view, 'Group');
    wait.remove();
    view.appendChild(errorBox(err, 'this group'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  pageHeader(view, g.name);
  view.appendChild(h('p', null, ownerBadge(g.scimSource), g.scimSource ? [' ', lockBadge(g.scimSource)] : null));
  if (g.scimSource) {
    view.appendChild(h('div', { class: 'notice', 'data-testid': 'lock-notice' }, lockSvg(), ' ',
      h('strong', null, 'Managed by ' + idpName(g.scimSource) + '. '),
      'Rename this group or change its members in ' + idpName(g.scimSource) + ': such changes made here are refused (409 scim_managed_group). ' +
      'Its role bindings below stay editable here.'));
  } else {
    view.appendChild(h('p', { class: 'notice info' }, 'Made through the admin API (manual): its name, members and bindings are edited here.'));
  }
  view.appendChild(h('dl', { class: 'facts panel' },
    h('dt', null, 'Id'), h('dd', { class: 'mono' }, g.id),
    h('dt', null, 'Slug'), h('dd', { class: 'mono' }, g.slug),
    g.externalId ? [h('dt', null, 'External id'), h('dd', { class: 'mono' }, g.externalId)] : null,
    h('dt', null, 'Members'), h('dd', null, String(g.memberCount)),
    h('dt', null, 'Created'), h('dd', null, timeEl(g.createdAt)),
    h('dt', null, 'History'), h('dd', null, h('a', { href: '#/log?group=' + enc(g.id) }, 'Sync log for this group'))));

  const reload = () => route();
  view.appendChild(h('h2', null, 'Role bindings'));
  view.appendChild(table(null, ['Role', 'Scope', 'Scope id', ['', null]], g.bindings.map((b) => h('tr', null,
    h('td', null, badge(b.role === 'CUSTOM' ? 'CUSTOM ' + (b.customRoleName || b.customRoleId) : b.role, 'role')),
    h('td', null, b.scopeType),
    h('td', { class: 'mono' }, b.scopeId),
    h('td', null, h('button', {
      type: 'button', class: 'danger small', disabled: !canManage(), title: canManage() ? null : MANAGE_HINT,
      'aria-label': 'Remove binding ' + bindingText(b),
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        try {
          await request('DELETE', '/api/groups/' + enc(g.id) + '/bindings/' + enc(b.id));
          announce('Binding removed.');
          await reload();
        } catch (err) {
          view.appendChild(errorBox(err, 'the change'));
        }
      },
    }, 'Remove')))), 'No role bindings: membership in this group grants nothing yet.'));
  view.appendChild(bindingForm(g.id, reload));

  view.appendChild(h('h2', null, 'Members'));
  view.appendChild(table(null, ['Name', 'Email', 'Added'], g.members.map((m) => h('tr', null,
    h('td', null, h('a', { href: '#/members/' + enc(m.userId) }, m.name || m.email)),
    h('td', null, m.email),
    h('td', null, timeEl(m.addedAt)))), 'No members.'));
}

// Members -------------------------------------------------------------------------------------

function pushedBy(sources) {
  if (!sources || !sources.length) return badge('manual', 'manual', 'Added through the admin API');
  return sources.map((s, i) => [i ? ' ' : '', ownerBadge(s)]);
}

function statusCell(m) {
  return [badge(m.status, m.status), m.disabledBy && m.disabledBy.length
    ? h('span', { class: 'muted' }, ' by ' + m.disabledBy.map((x) => (x === 'idp' ? 'the IdP' : 'an admin')).join(' and '))
    : null];
}

async function membersPage(view, rest, params, ctx) {
  if (rest[0]) return memberDetail(view, rest[0], ctx);
  pageHeader(view, 'Members', 'Everyone in the organization, with their role, status and the IdPs that push them. Open a member to see their effective access and where it comes from.');
  const wait = loading(view);
  let res;
  try {
    res = await getJson('/api/organization/members?includeDisabled=true');
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the members'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const rows = res.data.map((m) => h('tr', { 'data-name': ((m.name || '') + ' ' + m.email).toLowerCase(), 'data-user-id': m.userId },
    h('td', null, h('a', { href: '#/members/' + enc(m.userId) }, m.name || m.email)),
    h('td', null, m.email),
    h('td', null, badge(m.role, 'role')),
    h('td', null, statusCell(m)),
    h('td', null, pushedBy(m.scimSources))));
  view.appendChild(filterBox('Filter members by name or email', (q) => {
    for (const r of rows) r.hidden = !!q && !r.dataset.name.includes(q);
  }));
  view.appendChild(table('Members (' + res.data.length + ')', ['Name', 'Email', 'Role', 'Status', 'Pushed by'], rows, 'No members yet.'));
}

function sourceItem(src) {
  const role = badge(src.role === 'CUSTOM' ? 'CUSTOM ' + (src.customRoleId || '') : src.role, 'role');
  if (src.via === 'organizationRole') return h('li', null, role, ' from the organization role');
  if (src.via === 'direct') return h('li', null, role, ' from a direct grant (an invite)');
  return h('li', null, role, ' from group ',
    h('a', { href: '#/groups/' + enc(src.groupId || '') }, src.groupName || src.groupId), ' ',
    ownerBadge(src.scimSource || null),
    src.bindingId ? h('span', { class: 'muted' }, ' · binding ', h('code', null, src.bindingId)) : null,
    src.groupId ? [' · ', h('a', { href: '#/log?group=' + enc(src.groupId) }, 'group history')] : null);
}

async function memberDetail(view, id, ctx) {
  view.appendChild(h('p', { class: 'crumbs' }, h('a', { href: '#/members' }, '← Members')));
  const wait = loading(view);
  let m;
  let access;
  try {
    [m, access] = await Promise.all([
      getJson('/api/organization/members/' + enc(id)),
      getJson('/api/organization/members/' + enc(id) + '/access'),
    ]);
  } catch (err) {
    pageHeader(view, 'Member');
    wait.remove();
    view.appendChild(errorBox(err, 'this member'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  pageHeader(view, m.name || m.email);
  const logHref = '#/log?user=' + enc(m.email);
  const lastChange = h('dd', null, h('span', { class: 'muted' }, 'looking…'));
  view.appendChild(h('dl', { class: 'facts panel' },
    h('dt', null, 'Email'), h('dd', null, m.email),
    h('dt', null, 'User id'), h('dd', { class: 'mono' }, m.userId),
    h('dt', null, 'Organization role'), h('dd', null, badge(m.role, 'role')),
    h('dt', null, 'Status'), h('dd', null, statusCell(m)),
    h('dt', null, 'Pushed by'), h('dd', null, pushedBy(m.scimSources)),
    h('dt', null, 'Last IdP change'), lastChange,
    h('dt', null, 'History'), h('dd', null, h('a', { href: logHref }, 'Sync log for this person'))));

  // The newest change an IdP made to this person (a write that succeeded), from the sync log.
  getJson('/api/sync-logs?limit=20&outcome=success&user=' + enc(m.email)).then((page) => {
    const write = (page.data || []).find((e) => WRITE_ACTIONS.includes(e.action));
    lastChange.replaceChildren(write
      ? h('span', null, h('a', { href: '#/log/' + write.id }, formatTime(write.at)), ' by ', ownerBadge(write.source),
        ' (' + write.action + (summaryText(write.summary) ? ': ' + summaryText(write.summary) : '') + ')')
      : h('span', { class: 'muted' }, 'none logged'));
  }, (err) => {
    lastChange.replaceChildren(h('span', { class: 'muted' }, err.status === 404 ? 'the sync log is not available' : 'unknown (' + err.message + ')'));
  });

  view.appendChild(h('h2', { id: 'access-title' }, 'Effective access'));
  view.appendChild(h('p', { class: 'muted' }, 'On each scope the highest built-in role wins (ADMIN > MEMBER > VIEWER); custom roles are listed beside it. Every source that contributes is shown, the winning ones first.'));
  view.appendChild(table(null, ['Scope', 'Effective role', 'Sources'], access.effective.map((e) => h('tr', null,
    h('td', null, e.scopeType, e.scopeType === 'ORGANIZATION' ? '' : [' ', h('code', null, e.scopeId)]),
    h('td', null, e.role ? badge(e.role, 'role') : h('span', { class: 'muted' }, 'custom only'),
      e.customRoleIds.length ? [' + custom ', e.customRoleIds.map((c, i) => [i ? ', ' : '', h('code', null, c)])] : null),
    h('td', null, h('ul', { class: 'plain sources' }, e.sources.map(sourceItem))))), 'No access: this member is in no group with a binding and has no grants.'));

  view.appendChild(h('h2', null, 'Groups'));
  view.appendChild(table(null, ['Group', 'Owner', 'Bindings'], access.groups.map((g) => h('tr', null,
    h('td', null, h('a', { href: '#/groups/' + enc(g.id) }, g.name)),
    h('td', null, ownerBadge(g.scimSource), g.scimSource ? [' ', lockBadge(g.scimSource)] : null),
    h('td', null, g.bindings.length ? h('ul', { class: 'plain' }, g.bindings.map((b) => h('li', null, bindingText(b)))) : h('span', { class: 'muted' }, 'none')))),
  'In no group.'));

  if (access.directGrants.length) {
    view.appendChild(h('h2', null, 'Direct grants'));
    view.appendChild(h('ul', null, access.directGrants.map((b) => h('li', null, bindingText(b)))));
  }
}

// Connections ---------------------------------------------------------------------------------

async function connectionsPage(view, rest, params, ctx) {
  pageHeader(view, 'Connections', 'The IdP connections that push over SCIM, each with its own tokens. An IdP that has not called for a long time may have stopped provisioning.');
  const wait = loading(view);
  let res;
  try {
    res = await getJson('/api/connections');
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the connections'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  view.appendChild(table(null, ['Source', 'Connection id', ['Live tokens', 'num'], 'Created', 'Last used'], res.data.map((c) => h('tr', { 'data-source': c.source },
    h('td', null, ownerBadge(c.source)),
    h('td', { class: 'mono' }, c.id),
    h('td', { class: 'num' }, c.liveTokens === undefined ? '' : String(c.liveTokens)),
    h('td', null, timeEl(c.createdAt)),
    h('td', null, timeEl(c.lastUsedAt, true)))),
  'No connections yet. Create one with: scim-bridge connections create okta'));
}

// Deliveries ----------------------------------------------------------------------------------

const STATE_TEXT = { pending: 'pending', retrying: 'retrying', parked: 'parked', awaiting_approval: 'held for approval' };

async function deliveriesPage(view, rest, params, ctx) {
  pageHeader(view, 'Deliveries', 'What sync still has to deliver to the application: pending, retrying, parked (refused in a way waiting cannot fix) and removals held for approval.');
  const wait = loading(view);
  let d;
  let names;
  try {
    [d, names] = await Promise.all([getJson('/api/deliveries'), loadNames()]);
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the deliveries'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const t = d.target || {};
  view.appendChild(h('dl', { class: 'facts panel', 'aria-label': 'Target' },
    h('dt', null, 'Target'), h('dd', null, t.kind || '—', t.url ? [' ', h('code', null, t.url)] : null),
    h('dt', null, 'Last success'), h('dd', null, timeEl(t.lastSuccessAt, true)),
    h('dt', null, 'Last failure'), h('dd', null, timeEl(t.lastFailureAt, true)),
    t.lastError ? [h('dt', null, 'Last error'), h('dd', null, t.lastError)] : null,
    d.reconcile ? [h('dt', null, 'Reconciliation'), h('dd', { 'data-reconcile': d.reconcile.phase ? 'running' : 'done' },
      d.reconcile.phase
        ? 'under way: ' + d.reconcile.done + ' of ' + d.reconcile.total + ' members and groups looked at'
        : d.reconcile.done + ' members and groups looked at, finished ', d.reconcile.phase ? null : timeEl(d.reconcile.finishedAt, true))] : null));

  const act = (label, cls, path, confirmText, doneText, ariaLabel, method) => h('button', {
    type: 'button', class: cls + ' small', disabled: !canManage(), title: canManage() ? null : MANAGE_HINT,
    'aria-label': ariaLabel || null,
    onclick: async (event) => {
      if (confirmText && !window.confirm(confirmText)) return;
      event.currentTarget.disabled = true;
      try {
        await request(method || 'POST', path);
        announce(doneText);
        await route();
        announce(doneText);
      } catch (err) {
        view.appendChild(errorBox(err, 'the change'));
      }
    },
  }, label);

  if (t.kind && t.kind !== 'embedded') {
    view.appendChild(h('p', null, act('Reconcile everything', 'secondary', '/api/deliveries/reconcile',
      'Compare every member and group with the application again? Use it after a restore, or when the application was emptied.',
      'Reconciliation started.')));
  }

  const held = d.pending.filter((p) => p.state === 'awaiting_approval');
  view.appendChild(h('h2', null, 'Needing attention'));
  if (held.length) {
    view.appendChild(h('div', { class: 'notice' },
      held.length + (held.length === 1 ? ' removal is' : ' removals are') + ' held back by the mass-removal guard. ',
      act('Approve all held removals', 'secondary', '/api/deliveries/approve', 'Approve every held removal? The people will be removed from the application.', 'Every held removal is approved.')));
  }
  view.appendChild(table(null, ['Entity', 'State', ['Attempts', 'num'], 'Next attempt', 'Last error', 'Actions'], d.pending.map((p) => {
    const path = '/api/deliveries/' + enc(p.entityType) + '/' + enc(p.entityId);
    const who = p.entityType + ' ' + ((p.entityType === 'group' ? names.groups : names.users).get(p.entityId) || p.label || p.entityId);
    return h('tr', { 'data-entity': p.entityType + ':' + p.entityId },
      h('td', null, resourceLink(p.entityType, p.entityId, names)),
      h('td', null, badge(STATE_TEXT[p.state] || p.state, p.state)),
      h('td', { class: 'num' }, String(p.attempts)),
      h('td', null, p.state === 'awaiting_approval' || p.state === 'parked' ? '—' : timeEl(p.nextAttemptAt)),
      h('td', null, p.lastError || h('span', { class: 'muted' }, '—')),
      h('td', { class: 'nowrap' },
        p.state === 'awaiting_approval'
          ? act('Approve', '', path + '/approve', 'Approve the removal of ' + who + '?', 'Approved: ' + who + '.', 'Approve ' + who)
          : act('Retry', '', path + '/retry', null, 'Retry scheduled: ' + who + '.', 'Retry ' + who),
        ' ',
        act('Drop', 'secondary', path, 'Drop the delivery of ' + who + '? The application is left as it is until the next change.',
          'Dropped: ' + who + '.', 'Drop ' + who, 'DELETE')));
  }), 'Nothing needs attention: every change has been delivered.'));

  view.appendChild(h('h2', null, 'Recent calls'));
  view.appendChild(table(null, ['Started', 'Entity', 'Call', ['Status', 'num'], 'Outcome', 'Detail', ['Duration', 'num']], d.recent.map((c) => h('tr', null,
    h('td', null, timeEl(c.startedAt)),
    h('td', null, resourceLink(c.entityType, c.entityId, names)),
    h('td', { class: 'mono' }, c.method + ' ' + c.path),
    h('td', { class: 'num' }, c.status === null ? '—' : String(c.status)),
    h('td', null, badge(c.outcome, c.outcome)),
    h('td', null, c.detail || ''),
    h('td', { class: 'num' }, c.durationMs + ' ms'))),
  'No calls to the application yet.'));
}

// Health --------------------------------------------------------------------------------------

async function healthPage(view, rest, params, ctx) {
  pageHeader(view, 'Health', 'What /readyz checks: the database, migrations, the sync backlog, the target and when each IdP last called.');
  const wait = loading(view);
  let res;
  try {
    res = await request('GET', '/readyz', undefined, [503]);
  } catch (err) {
    wait.remove();
    view.appendChild(errorBox(err, 'the readiness checks'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  const r = res.data || {};
  const overall = r.status || (res.status === 200 ? 'ok' : 'fail');
  view.appendChild(h('p', { class: 'panel' }, 'Overall: ',
    badge(overall === 'ok' ? 'ready' : overall === 'fail' ? 'not ready' : overall, overall === 'ok' ? 'ok' : overall === 'fail' ? 'bad' : 'warn'),
    ' (HTTP ' + res.status + ')'));
  const checks = r.checks || [];
  view.appendChild(table(null, ['Check', 'Status', 'Detail', 'What to do'], checks.map((c) => h('tr', { 'data-check': c.name },
    h('td', null, h('code', null, c.name)),
    h('td', null, badge(c.status, c.status === 'ok' ? 'ok' : c.status === 'fail' ? 'bad' : 'warn')),
    h('td', null, c.detail || ''),
    h('td', null, c.fix || ''))), 'No checks reported.'));
}

// ---- routing ---------------------------------------------------------------------------------

const PAGES = {
  log: syncLogPage,
  groups: groupsPage,
  members: membersPage,
  connections: connectionsPage,
  deliveries: deliveriesPage,
  health: healthPage,
};

function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  const [path, query] = raw.split('?');
  const parts = (path || '').split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch (e) { return p; } });
  return { parts, params: new URLSearchParams(query || '') };
}

async function route() {
  if (!state.session) {
    showSignIn();
    return;
  }
  const { parts, params } = parseHash();
  const name = PAGES[parts[0]] ? parts[0] : 'log';
  for (const a of document.querySelectorAll('nav a[data-page]')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const id = ++state.renderId;
  const ctx = { live: () => id === state.renderId };
  const view = h('div', { 'data-page': name });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  try {
    await PAGES[name](view, parts.slice(1), params, ctx);
  } catch (err) {
    if (ctx.live()) view.appendChild(errorBox(err, 'this page'));
  }
  if (!ctx.live()) return;
  main.removeAttribute('aria-busy');
  if (state.navigated) {
    const heading = view.querySelector('h1');
    if (heading) heading.focus();
  }
  state.navigated = true;
}

async function boot() {
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  window.addEventListener('hashchange', () => { if (state.session) route(); });
  try {
    const { data } = await request('GET', '/admin/session');
    setSession(data);
  } catch (e) {
    setSession(null);
  }
  await route();
}

boot();
`;
