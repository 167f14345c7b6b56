/**
 * Where the vendor suites are read from: SCIM_SUITES_DIR (default ../shared/scim-suites, which CI
 * clones beside the repository), then .scim-suites/ (filled by `npm run suites:download`). A fresh
 * clone has neither, and then the suite tests are skipped with one line saying how to get them;
 * SCIM_SUITES_REQUIRED=1 turns that skip into a failure, for a CI that must not lose them quietly.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOWNLOAD_DIR } from '../../scripts/suites/manifest.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type SuiteLocation = { path: string; skip?: undefined } | { path?: undefined; skip: string };

export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  /** The repository root the default folders hang from. */
  root?: string;
}

/** The folders searched, in order. */
export function suiteDirs({ env = process.env, root = REPO_ROOT }: LocateOptions = {}): string[] {
  const first = env.SCIM_SUITES_DIR ? resolve(env.SCIM_SUITES_DIR) : resolve(root, '../shared/scim-suites');
  return [first, resolve(root, DOWNLOAD_DIR)];
}

/** `file` (a path under a suites folder, as in scripts/suites/manifest.ts) in the first folder that has it. */
export function locateSuite(file: string, options: LocateOptions = {}): SuiteLocation {
  const env = options.env ?? process.env;
  const dirs = suiteDirs(options);
  for (const dir of dirs) {
    const path = resolve(dir, file);
    if (existsSync(path)) return { path };
  }
  const looked = dirs.map(shortPath).join(' and ');
  const reason = `vendor suite ${file} is not in ${looked}: run "npm run suites:download" or set SCIM_SUITES_DIR (docs/testing.md)`;
  if (env.SCIM_SUITES_REQUIRED === '1') throw new Error(`${reason} (SCIM_SUITES_REQUIRED=1)`);
  return { skip: reason };
}

/** Relative to the working directory when that reads better (`../shared/scim-suites`), else absolute. */
export function shortPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel.startsWith('../..') || rel === '' ? dir : rel;
}
