/**
 * The Chromium the console tests drive, found the way Playwright users expect: CHROMIUM_PATH
 * when set (used as given, so a wrong path fails loudly at launch), else /usr/bin/chromium
 * (Debian's package, which .ci/run installs), else google-chrome, chromium-browser or chromium on
 * PATH. Tests never install one: without a browser only the end-to-end console tests are
 * skipped, with `reason` saying how to point them at one.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Browser = { path: string; reason?: undefined } | { path?: undefined; reason: string };

const DEBIAN = '/usr/bin/chromium';
const ON_PATH = ['google-chrome', 'chromium-browser', 'chromium'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Debian's fixed path; a parameter only so tests can take it away. */
  debian?: string;
}

export function findChromium({ env = process.env, debian = DEBIAN }: FindOptions = {}): Browser {
  if (env.CHROMIUM_PATH) return { path: env.CHROMIUM_PATH };
  if (isExecutable(debian)) return { path: debian };
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ON_PATH) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutable(path)) return { path };
    }
  }
  return {
    reason: `no Chromium found (${debian}, or ${ON_PATH.join(', ')} on PATH): install one or set CHROMIUM_PATH to a Chromium or Chrome executable`,
  };
}
