#!/usr/bin/env node
import { ConfigError, SOURCE_PATTERN, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import {
  DEFAULT_ORGANIZATION_ID,
  addToken,
  createConnection,
  ensureOrganization,
  findConnection,
  listConnections,
  listTokens,
  revokeTokens,
} from './store/connections.repo.js';
import { join } from 'node:path';
import { migrate, openDb } from './store/db.js';
import { newSecret } from './store/secrets.js';
import { DB_FILE, openDataDir, startServer } from './server.js';

/** Exit codes scripts can rely on. */
const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const HELP: Record<string, string> = {
  main: `Usage: scim-bridge <command> [options]

Commands:
  serve                       Start the bridge (the default; what npm start runs)
  migrate                     Apply database migrations and exit
  connections <subcommand>    Manage IdP connections and their SCIM tokens

Run "scim-bridge <command> --help" for a command's options.
Configuration comes from the environment: PORT, HOST, DATA_DIR, LOG_LEVEL,
BRIDGE_CONNECTIONS, BRIDGE_ADMIN_KEY, PUBLIC_URL (see README.md).`,
  serve: `Usage: scim-bridge serve

Starts the HTTP server on HOST:PORT with its database under DATA_DIR.
Stops gracefully on SIGTERM or SIGINT.`,
  migrate: `Usage: scim-bridge migrate [--json]

Applies the numbered migrations the database has not seen yet.`,
  connections: `Usage: scim-bridge connections <subcommand> [--json]

  list                  List connections with their last use
  create <source>       Create a connection (if needed) and print a new token once
  rotate <source>       Print a new token once and revoke every older token
  revoke <source>       Revoke every token of the connection

<source> names the IdP: okta, azure-ad, or another lowercase name.`,
};

function parseArgs(argv: string[]) {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const words = argv.filter((a) => !a.startsWith('--'));
  return { words, json: flags.has('--json'), help: flags.has('--help') || flags.has('-h') || words[0] === 'help' };
}

function print(json: boolean, value: unknown, text: string) {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text + '\n');
}

function withDb<T>(config: Config, fn: (db: ReturnType<typeof openDataDir>) => T): T {
  const db = openDataDir(config);
  try {
    ensureOrganization(db, DEFAULT_ORGANIZATION_ID, 'Default organization');
    return fn(db);
  } finally {
    db.close();
  }
}

function connectionsCommand(config: Config, words: string[], json: boolean): number {
  const [sub, source] = words;
  if (sub === 'list') {
    return withDb(config, (db) => {
      const rows = listConnections(db, DEFAULT_ORGANIZATION_ID).map((c) => ({
        ...c,
        tokens: listTokens(db, c.id).filter((t) => !t.revokedAt).length,
      }));
      const text = rows.length
        ? rows.map((c) => `${c.source}\t${c.id}\tlive tokens: ${c.tokens}\tlast used: ${c.lastUsedAt ?? 'never'}`).join('\n')
        : 'No connections yet. Create one with: scim-bridge connections create <source>';
      print(json, rows, text);
      return EXIT.ok;
    });
  }
  if (sub !== 'create' && sub !== 'rotate' && sub !== 'revoke') {
    process.stderr.write(`${HELP.connections}\n`);
    return EXIT.usage;
  }
  if (!source || !SOURCE_PATTERN.test(source)) {
    process.stderr.write(`connections ${sub}: give a source name (lowercase letters, digits, "-"), e.g. okta\n`);
    return EXIT.usage;
  }
  return withDb(config, (db) =>
    db.transaction(() => {
      let connection = findConnection(db, DEFAULT_ORGANIZATION_ID, source);
      if (!connection && sub !== 'create') {
        process.stderr.write(`No connection "${source}". Create it with: scim-bridge connections create ${source}\n`);
        return EXIT.failure;
      }
      connection ??= createConnection(db, DEFAULT_ORGANIZATION_ID, source);
      if (sub === 'revoke') {
        const revoked = revokeTokens(db, connection.id);
        print(json, { source, revoked }, `Revoked ${revoked} token(s) of ${source}.`);
        return EXIT.ok;
      }
      if (sub === 'rotate') revokeTokens(db, connection.id);
      const token = newSecret('scim');
      addToken(db, connection.id, token, 'cli');
      print(
        json,
        { source, connectionId: connection.id, token },
        `Token for ${source} (shown once; store it in the IdP's SCIM settings):\n${token}`,
      );
      return EXIT.ok;
    })(),
  );
}

async function main(argv: string[]): Promise<number> {
  const { words, json, help } = parseArgs(argv);
  const command = words[0] ?? 'serve';
  if (help) {
    process.stdout.write(`${HELP[words[0] === 'help' ? (words[1] ?? 'main') : command] ?? HELP.main}\n`);
    return EXIT.ok;
  }
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
