/** What the CLI's commands share: exit codes, output, the configuration and the database. */
import { loadConfig, type Config } from '../config.js';
import { openDataDir } from '../server.js';
import { DEFAULT_ORGANIZATION_ID, ensureOrganization } from '../store/connections.repo.js';
import type { Db } from '../store/db.js';

export { EXIT } from './args.js';

export function print(json: boolean, value: unknown, text: string) {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text + '\n');
}

/** The environment's configuration; a bad one throws ConfigError (one line, exit 1). */
export function cliConfig(): Config {
  return loadConfig();
}

export function withDb<T>(config: Config, fn: (db: Db) => T): T {
  const db = openDataDir(config);
  try {
    ensureOrganization(db, DEFAULT_ORGANIZATION_ID, 'Default organization');
    return fn(db);
  } finally {
    db.close();
  }
}

/** A boolean option's value. */
export const flag = (values: Record<string, unknown>, name: string): boolean => values[name] === true;
/** A string option's value (after its schema, if any). */
export const option = <T = string>(values: Record<string, unknown>, name: string): T | undefined => values[name] as T | undefined;
