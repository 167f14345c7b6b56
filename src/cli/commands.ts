/** Every command of `scim-bridge`, as one tree (src/cli/args.ts parses it and makes its help). */
import { join } from 'node:path';
import { DB_FILE, migrate, openDb, prepareDataDir } from '../store/db.js';
import { JSON_OPTION, UsageError, type CommandSpec } from './args.js';
import { EXIT, cliConfig, flag, print } from './common.js';
import { CONNECTIONS_COMMAND } from './connections.js';
import { DELIVERIES_COMMAND } from './deliveries.js';
import { DOCTOR_COMMAND } from './doctor.js';
import { KEYS_COMMAND } from './keys.js';
import { LOGS_COMMAND } from './logs.js';
import { SERVE_COMMAND } from './serve.js';
import { packageVersion } from './version.js';

const MIGRATE_COMMAND: CommandSpec = {
  name: 'migrate',
  summary: 'Apply database migrations and exit',
  description: 'Applies the numbered migrations the database under DATA_DIR has not seen yet (serve does it too).',
  options: { json: JSON_OPTION },
  run: ({ values }) => {
    const db = openDb(join(prepareDataDir(cliConfig().DATA_DIR), DB_FILE));
    try {
      const applied = migrate(db);
      print(flag(values, 'json'), { applied }, applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date.');
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};

export const ROOT_COMMAND: CommandSpec = {
  name: 'scim-bridge',
  summary: 'SCIM 2.0 bridge between identity providers and applications',
  description: `SCIM 2.0 bridge between identity providers and applications. With no command, it serves.

Configuration comes from the environment: PORT, HOST, DATA_DIR, LOG_LEVEL, BRIDGE_CONNECTIONS,
BRIDGE_ADMIN_KEY, PUBLIC_URL, TARGET... (see README.md). Exit codes: 0 done, 1 failed, 2 usage error.`,
  options: { version: { type: 'boolean', help: 'print the version and exit' } },
  subcommands: [SERVE_COMMAND, MIGRATE_COMMAND, CONNECTIONS_COMMAND, KEYS_COMMAND, DELIVERIES_COMMAND, LOGS_COMMAND, DOCTOR_COMMAND],
  run: ({ values, path }) => {
    if (!flag(values, 'version')) throw new UsageError(path, 'give a command, or --help to list them');
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  },
};
