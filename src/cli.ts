#!/usr/bin/env node
import { join } from 'node:path';
import { EXIT, parseArgs, print, withDb } from './cli/common.js';
import { CONNECTIONS_HELP, connectionsCommand } from './cli/connections.js';
import { DELIVERIES_HELP, deliveriesCommand } from './cli/deliveries.js';
import { DOCTOR_HELP, doctorCommand } from './cli/doctor.js';
import { KEYS_HELP, keysCommand } from './cli/keys.js';
import { LOGS_HELP, logsCommand } from './cli/logs.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { DEFAULT_ORGANIZATION_ID } from './store/connections.repo.js';
import { migrate, openDb } from './store/db.js';
import { DB_FILE, openDataDir, startServer } from './server.js';

const HELP: Record<string, string> = {
  deliveries: DELIVERIES_HELP,
  logs: LOGS_HELP,
  doctor: DOCTOR_HELP,
  main: `Usage: scim-bridge <command> [options]

Commands:
  serve                       Start the bridge (the default; what npm start runs)
  migrate                     Apply database migrations and exit
  connections <subcommand>    Manage IdP connections and their SCIM tokens
  keys <subcommand>           Manage admin API keys
  deliveries <subcommand>     List, retry, approve or drop deliveries to the target
  logs [--follow] [filters]   Print (and follow) the sync log
  doctor                      Check configuration, database, backlog, target credentials and
                              connections, and say what to fix

Run "scim-bridge <command> --help" for a command's options.
Configuration comes from the environment: PORT, HOST, DATA_DIR, LOG_LEVEL,
BRIDGE_CONNECTIONS, BRIDGE_ADMIN_KEY, PUBLIC_URL, TARGET... (see README.md).`,
  serve: `Usage: scim-bridge serve

Starts the HTTP server on HOST:PORT with its database under DATA_DIR.
Stops gracefully on SIGTERM or SIGINT.`,
  migrate: `Usage: scim-bridge migrate [--json]

Applies the numbered migrations the database has not seen yet.`,
  connections: CONNECTIONS_HELP,
  keys: KEYS_HELP,
};

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const { words, json, help } = args;
  const command = words[0] ?? 'serve';
  if (help) {
    process.stdout.write(`${HELP[words[0] === 'help' ? (words[1] ?? 'main') : command] ?? HELP.main}\n`);
    return EXIT.ok;
  }
  // The doctor loads the configuration itself: a bad one is one of the things it reports.
  if (command === 'doctor') return doctorCommand(words.slice(1), new Set([...args.flags, ...args.values.keys()]));
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`scim-bridge: ${err.message}\n`);
      return EXIT.failure;
    }
    throw err;
  }
  switch (command) {
    case 'serve': {
      const logger = createLogger(config.LOG_LEVEL);
      const server = await startServer(config, logger);
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        void server.close().then(() => process.exit(EXIT.ok));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      return new Promise<number>(() => {});
    }
    case 'migrate': {
      const db = openDb(join(config.DATA_DIR, DB_FILE));
      try {
        const applied = migrate(db);
        print(json, { applied }, applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date.');
        return EXIT.ok;
      } finally {
        db.close();
      }
    }
    case 'connections':
      return connectionsCommand(config, words.slice(1), json);
    case 'keys':
      return keysCommand(config, args);
    case 'logs': {
      const db = openDataDir(config);
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      try {
        return await logsCommand(db, DEFAULT_ORGANIZATION_ID, args.values, args.flags, json, stop.signal);
      } finally {
        db.close();
      }
    }
    case 'deliveries':
      return withDb(config, (db) => deliveriesCommand({ db, organizationId: DEFAULT_ORGANIZATION_ID }, words.slice(1), json));
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP.main}\n`);
      return EXIT.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`scim-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.failure);
  },
);
