/**
 * Signing in and out. The admin key is read from the sign-in field, sent once to POST
 * /admin/session and forgotten: the browser keeps only the HttpOnly session cookie.
 */
import { ApiError, messageOf, request } from './api.js';
import { announce, field, h } from './dom.js';
import { state } from './state.js';
import type { Session } from './types.js';

const main = (): HTMLElement => document.getElementById('main')!;

export function setSession(session: Session | null): void {
  state.session = session;
  document.getElementById('top')!.hidden = !session;
  document.getElementById('who')!.textContent = session
    ? session.scopes.includes('organization:manage')
      ? 'Signed in · view and manage'
      : 'Signed in · view only'
    : '';
}

/** The session the browser's cookie holds, or null. */
export async function currentSession(): Promise<Session | null> {
  try {
    return (await request<Session>('GET', '/admin/session')).data;
  } catch {
    return null;
  }
}

export function showSignIn(onSignedIn: () => Promise<void>, message?: string): void {
  setSession(null);
  document.title = 'Sign in · scim-bridge';
  const input = h('input', { type: 'password', name: 'key', id: 'admin-key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const problem = h('div', { id: 'signin-error', role: 'alert' });
  if (message) problem.appendChild(h('p', { class: 'notice info' }, message));
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'panel signin', 'aria-labelledby': 'signin-title', novalidate: true },
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to scim-bridge'),
    h(
      'p',
      { class: 'muted' },
      'Use an admin key: the one of BRIDGE_ADMIN_KEY, or one made with scim-bridge keys create. ' +
        'The key is exchanged for a session cookie and is not kept in this browser.',
    ),
    field('Admin key', input),
    problem,
    h('p', null, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const key = input.value.trim();
      problem.textContent = '';
      if (!key) {
        problem.appendChild(h('p', { class: 'error' }, 'Enter an admin key.'));
        input.focus();
        return;
      }
      submit.disabled = true;
      try {
        const { data } = await request<Session>('POST', '/admin/session', { key });
        input.value = '';
        setSession(data);
        if (!location.hash || location.hash === '#') location.hash = '#/log';
        await onSignedIn();
        announce('Signed in.');
      } catch (err) {
        input.value = '';
        const text =
          err instanceof ApiError && err.status === 401
            ? 'That admin key is not valid: it is unknown or has been revoked.'
            : `Could not sign in: ${messageOf(err)}`;
        problem.appendChild(h('p', { class: 'error' }, text));
        input.focus();
      } finally {
        submit.disabled = false;
      }
    })();
  });
  main().replaceChildren(form);
  input.focus();
}

export async function signOut(): Promise<void> {
  try {
    await request('POST', '/admin/logout');
  } catch {
    // The session is gone either way.
  }
  setSession(null);
  state.renderId++;
}
