/**
 * The admin console's script, served as /admin/console.js: these modules, bundled by esbuild
 * (src/console/bundle.ts). It wires sign-in, sign-out and the router together.
 */
import { onUnauthorized } from './api.js';
import { announce } from './dom.js';
import { route } from './router.js';
import { currentSession, setSession, showSignIn, signOut } from './session.js';
import { state } from './state.js';

const signIn = (message?: string): void => showSignIn(() => route(() => signIn()), message);
const render = (): Promise<void> => route(() => signIn());

onUnauthorized(() => {
  if (!state.session) return;
  setSession(null);
  state.renderId++;
  signIn('Your session has ended. Sign in again with an admin key.');
});

async function boot(): Promise<void> {
  document.getElementById('sign-out')!.addEventListener('click', () => {
    void signOut().then(() => {
      signIn('You are signed out.');
      announce('Signed out.');
    });
  });
  document.getElementById('skip-link')!.addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('main')!.focus();
  });
  window.addEventListener('hashchange', () => {
    if (state.session) void render();
  });
  setSession(await currentSession());
  await render();
}

void boot();
