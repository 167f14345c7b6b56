/**
 * Starts the LangSmith stand-in as a real HTTP server (for the bridge's tests and for
 * `npm run fake:langsmith`). Port 0 picks a free port; `close()` ends hung requests too.
 *
 * Invites stay pending until accepted through `POST /_fake/invites/:id/accept` (TARGETS.md §B
 * S5); a suite that wants people to join at once passes `settings: { autoAcceptInvites: true }`.
 */
import type { Faults } from '../faults.js';
import { listenFake } from '../listen.js';
import { createLangSmithFake, type LangSmithFakeOptions } from './app.js';
import type { LangSmithState, SeededOrganization } from './state.js';

export interface StartLangSmithFakeOptions extends LangSmithFakeOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningLangSmithFake {
  /** `http://<host>:<port>` without a trailing slash; the API is under `${url}/api/v1`. */
  url: string;
  port: number;
  state: LangSmithState;
  faults: Faults;
  /** The organization it started with (after a reset, the same ids and key). */
  organization: SeededOrganization;
  close(): Promise<void>;
}

export async function startLangSmithFake(opts: StartLangSmithFakeOptions = {}): Promise<RunningLangSmithFake> {
  const fake = createLangSmithFake(opts);
  const { url, port, close } = await listenFake(fake.app, fake.faults, opts);
  if (!fake.organization() && opts.organization !== false) throw new Error('the LangSmith stand-in started without its organization');
  return {
    url,
    port,
    state: fake.state,
    faults: fake.faults,
    get organization() {
      return fake.organization() as SeededOrganization;
    },
    close,
  };
}
