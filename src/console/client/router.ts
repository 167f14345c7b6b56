/** Hash routing: #/<page>/<rest>?<params>, one render at a time. */
import { errorBox } from './badges.js';
import { h } from './dom.js';
import type { PageRender } from './page.js';
import { connectionsPage } from './pages/connections.js';
import { deliveriesPage } from './pages/deliveries.js';
import { groupsPage } from './pages/groups.js';
import { healthPage } from './pages/health.js';
import { syncLogPage } from './pages/log.js';
import { membersPage } from './pages/members.js';
import { state } from './state.js';

const PAGES: Record<string, PageRender> = {
  log: syncLogPage,
  groups: groupsPage,
  members: membersPage,
  connections: connectionsPage,
  deliveries: deliveriesPage,
  health: healthPage,
};

function parseHash(): { parts: string[]; params: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?');
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { parts, params: new URLSearchParams(query) };
}

/** Draws the page the address names; `signIn` when nobody is signed in. */
export async function route(signIn: () => void): Promise<void> {
  if (!state.session) return signIn();
  const { parts, params } = parseHash();
  const name = parts[0] && PAGES[parts[0]] ? parts[0] : 'log';
  const render = PAGES[name]!;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a[data-page]')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const id = ++state.renderId;
  const live = () => id === state.renderId;
  const main = document.getElementById('main')!;
  const view = h('div', { 'data-page': name });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  try {
    await render(view, { rest: parts.slice(1), params, live, reload: () => route(signIn) });
  } catch (err) {
    if (live()) view.appendChild(errorBox(err, 'this page'));
  }
  if (!live()) return;
  main.removeAttribute('aria-busy');
  if (state.navigated) view.querySelector('h1')?.focus();
  state.navigated = true;
}
