#!/usr/bin/env node
import { DELIVERIES_HELP, deliveriesCommand } from './cli/deliveries.js';
import { LOGS_HELP, LOGS_OPTIONS, logsCommand } from './cli/logs.js';
import { DOCTOR_HELP, doctorCommand } from './cli/doctor.js';
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
import {
  ADMIN_SCOPES,
  createAdminKey,
  getAdminKey,
  listAdminKeys,
  revokeAdminKey,
  type AdminKeyInfo,
  type AdminScope,
} from './store/admin-keys.repo.js';
import { migrate, openDb } from './store/db.js';
import { newSecret } from './store/secrets.js';
import { DB_FILE, openDataDir, startServer } from './server.js';

/** Exit codes scripts can rely on. */
const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

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
  connections: `Usage: scim-bridge connections <subcommand> [--json]

  list                  List connections with their last use
  create <source>       Create a connection (if needed) and print a new token once
  rotate <source>       Print a new token once and revoke every older token
  revoke <source>       Revoke every token of the connection

<source> names the IdP: okta, azure-ad, or another lowercase name.`,
  keys: `Usage: scim-bridge keys <subcommand> [--json]

  list                  List the admin keys with scopes, status and last use
  create [--name <name>] [--view-only]
                        Create a key and print its secret once. It has organization:manage
                        (writes and reads) unless --view-only gives it organization:view
  revoke <id>           Revoke a key at once

Keys belong to the default organization. The key of BRIDGE_ADMIN_KEY is listed with origin
"env"; revoking it lasts until the next start with the same BRIDGE_ADMIN_KEY.`,
};

/** Options that take a value: `--name <value>` or `--name=value`. */
const VALUE_OPTIONS = new Set(['--name', ...LOGS_OPTIONS]);

function parseArgs(argv: string[]) {
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

const KEY_FLAGS: Record<string, string[]> = {
  list: ['--json'],
  create: ['--json', '--view-only', '--name'],
  revoke: ['--json'],
};

function keyLine(k: AdminKeyInfo): string {
  const status = k.revokedAt ? `revoked ${k.revokedAt}` : 'live';
  return `${k.id}\t${k.name}\t${k.scopes.join(',')}\t${k.origin}\t${status}\tlast used: ${k.lastUsedAt ?? 'never'}`;
}

function keysCommand(config: Config, args: ReturnType<typeof parseArgs>): number {
  const [, sub, ...rest] = args.words;
  const allowed = sub ? KEY_FLAGS[sub] : undefined;
  if (!allowed) {
    process.stderr.write(`${HELP.keys}\n`);
    return EXIT.usage;
  }
  const unknown = [...args.flags, ...args.values.keys()].find((f) => !allowed.includes(f));
  const wanted = sub === 'revoke' ? 1 : 0;
  const why = args.missing
    ? `${args.missing} needs a value`
    : unknown
      ? `unknown option ${unknown}`
      : rest.length < wanted
        ? 'give the id of the key to revoke (see: scim-bridge keys list)'
        : rest.length > wanted
          ? `unexpected argument "${rest[wanted]}"`
          : undefined;
  if (why) {
    process.stderr.write(`keys ${sub}: ${why}\n`);
    return EXIT.usage;
  }
  const id = rest[0];
  const { json } = args;
  if (sub === 'list') {
    return withDb(config, (db) => {
      const keys = listAdminKeys(db, DEFAULT_ORGANIZATION_ID);
      print(json, keys, keys.length ? keys.map(keyLine).join('\n') : 'No admin keys yet. Create one with: scim-bridge keys create');
      return EXIT.ok;
    });
  }
  if (sub === 'create') {
    const name = (args.values.get('--name') ?? `cli ${new Date().toISOString().slice(0, 10)}`).trim();
    if (name.length < 1 || name.length > 100) {
      process.stderr.write('keys create: --name must be 1 to 100 characters\n');
      return EXIT.usage;
    }
    const scopes: AdminScope[] = args.flags.has('--view-only') ? ['organization:view'] : [...ADMIN_SCOPES];
    return withDb(config, (db) => {
      const { id: keyId, key } = createAdminKey(db, DEFAULT_ORGANIZATION_ID, name, scopes);
      print(
        json,
        { id: keyId, name, scopes, key },
        `Admin key ${keyId} "${name}" (${scopes.join(', ')}), shown once; send it as Authorization: Bearer <key>:\n${key}`,
      );
      return EXIT.ok;
    });
  }
  return withDb(config, (db) => {
    const revoked = revokeAdminKey(db, DEFAULT_ORGANIZATION_ID, id!);
    const key = getAdminKey(db, DEFAULT_ORGANIZATION_ID, id!);
    if (!key) {
      process.stderr.write(`No admin key "${id}". List them with: scim-bridge keys list\n`);
      return EXIT.failure;
    }
    if (key.origin === 'env') {
      process.stderr.write('Note: this key comes from BRIDGE_ADMIN_KEY; a start with the same value restores it.\n');
    }
    print(
      json,
      { id: key.id, name: key.name, revokedAt: key.revokedAt, alreadyRevoked: !revoked },
      revoked ? `Revoked admin key ${key.id} "${key.name}".` : `Admin key ${key.id} "${key.name}" was already revoked at ${key.revokedAt}.`,
    );
    return EXIT.ok;
  });
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const { words, json, help } = args;
  const command = words[0] ?? 'serve';
  if (help) {
    process.stdout.write(`${HELP[words[0] === 'help' ? (words[1] ?? 'main') : command] ?? HELP.main}\n`);
    return EXIT.ok;
  }
  // The doctor loads the configuration itself: a bad one is one of the things it reports.
  if (command === 'doctor') return doctorCommand(words.slice(1), new Set([...args.flags, ...args.values.keys()]), print);
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
      return withDb(config, (db) => deliveriesCommand({ db, organizationId: DEFAULT_ORGANIZATION_ID }, words.slice(1), json, print));
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
