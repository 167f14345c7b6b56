/** What the CLI's commands share: argument parsing, exit codes, output and the database. */
import type { Config } from '../config.js';
import { openDataDir } from '../server.js';
import { DEFAULT_ORGANIZATION_ID, ensureOrganization } from '../store/connections.repo.js';
import { LOGS_OPTIONS } from './logs.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Options that take a value: `--name <value>` or `--name=value`. */
const VALUE_OPTIONS = new Set(['--name', ...LOGS_OPTIONS]);

export function parseArgs(argv: string[]) {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const words: string[] = [];
  /** A value option given without its value: a usage error. */
  let missing: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.add('--help');
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      if (!VALUE_OPTIONS.has(name)) flags.add(arg);
      else {
        const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) missing = name;
        else values.set(name, value);
      }
    } else {
      words.push(arg);
    }
  }
  return { words, flags, values, missing, json: flags.has('--json'), help: flags.has('--help') || words[0] === 'help' };
}

export function print(json: boolean, value: unknown, text: string) {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text + '\n');
}

export function withDb<T>(config: Config, fn: (db: ReturnType<typeof openDataDir>) => T): T {
  const db = openDataDir(config);
  try {
    ensureOrganization(db, DEFAULT_ORGANIZATION_ID, 'Default organization');
    return fn(db);
  } finally {
    db.close();
  }
}

export type ParsedArgs = ReturnType<typeof parseArgs>;
