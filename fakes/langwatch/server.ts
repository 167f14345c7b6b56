/**
 * Starts the LangWatch stand-in as a real HTTP server (for the bridge's tests and for
 * `npm run fake:langwatch`). Port 0 picks a free port; `close()` ends hung requests too.
 */
import type { Faults } from '../faults.js';
import { createLangWatchFake, type LangWatchFakeOptions } from './app.js';
import { listenFake } from '../listen.js';
import type { LangWatchState, SeededOrganization } from './state.js';

export interface StartLangWatchFakeOptions extends LangWatchFakeOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningLangWatchFake {
  /** `http://<host>:<port>` without a trailing slash. */
  url: string;
  port: number;
  state: LangWatchState;
  faults: Faults;
  /** The organization it started with (after a reset, the same ids and keys). */
  organization: SeededOrganization;
  close(): Promise<void>;
}

export async function startLangWatchFake(opts: StartLangWatchFakeOptions = {}): Promise<RunningLangWatchFake> {
  const fake = createLangWatchFake(opts);
  const { url, port, close } = await listenFake(fake.app, fake.faults, opts);

  const organization = fake.organization();
  if (!organization && opts.organization !== false) throw new Error('the LangWatch stand-in started without its organization');
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
