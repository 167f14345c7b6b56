/** `scim-bridge connections`: IdP connections and their SCIM tokens. */
import { SOURCE_PATTERN } from '../config.js';
import {
  DEFAULT_ORGANIZATION_ID,
  addToken,
  createConnection,
  findConnection,
  listConnections,
  listTokens,
  revokeTokens,
} from '../store/connections.repo.js';
import { auditedCliWrite, cliDraft } from '../directory/sync-log-admin.js';
import { newSecret } from '../store/secrets.js';
import { JSON_OPTION, UsageError, type CommandSpec, type Input } from './args.js';
import { EXIT, cliConfig, flag, print, withDb } from './common.js';

const SOURCE_ARG = { name: 'source', missing: 'give a source name, e.g. okta' };
const SOURCE_HELP = '<source> names the IdP: okta, azure-ad, or another lowercase name.';

function list(input: Input): number {
  const json = flag(input.values, 'json');
  return withDb(cliConfig(), (db) => {
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

function change(sub: 'create' | 'rotate' | 'revoke', input: Input): number {
  const json = flag(input.values, 'json');
  const source = input.positionals[0]!;
  if (!SOURCE_PATTERN.test(source)) {
    throw new UsageError(input.path, `"${source}" is not a source name (lowercase letters, digits, "-"), e.g. okta`);
  }
  return withDb(cliConfig(), (db) => {
    if (!findConnection(db, DEFAULT_ORGANIZATION_ID, source) && sub !== 'create') {
      process.stderr.write(`No connection "${source}". Create it with: scim-bridge connections create ${source}\n`);
      return EXIT.failure;
    }
    // One transaction with its audit entry in the sync log (never the token).
    const done = auditedCliWrite(db, cliDraft(DEFAULT_ORGANIZATION_ID, `connections ${sub}`, `connection.${sub}`, 'Connection'), () => {
      const connection = findConnection(db, DEFAULT_ORGANIZATION_ID, source) ?? createConnection(db, DEFAULT_ORGANIZATION_ID, source);
      const revoked = sub === 'create' ? 0 : revokeTokens(db, connection.id);
      const token = sub === 'revoke' ? null : newSecret('scim');
      if (token) addToken(db, connection.id, token, 'cli');
      return { result: { connectionId: connection.id, revoked, token }, outcome: { resourceId: connection.id, resourceName: source } };
    });
    if (!done.token) {
      print(json, { source, revoked: done.revoked }, `Revoked ${done.revoked} token(s) of ${source}.`);
      return EXIT.ok;
    }
    print(
      json,
      { source, connectionId: done.connectionId, token: done.token },
      `Token for ${source} (shown once; store it in the IdP's SCIM settings):\n${done.token}`,
    );
    return EXIT.ok;
  });
}

export const CONNECTIONS_COMMAND: CommandSpec = {
  name: 'connections',
  summary: 'Manage IdP connections and their SCIM tokens',
  description: `Manage IdP connections and their SCIM tokens.\n${SOURCE_HELP}`,
  subcommands: [
    { name: 'list', summary: 'List connections with their last use', options: { json: JSON_OPTION }, run: list },
    {
      name: 'create',
      summary: 'Create a connection (if needed) and print a new token once',
      description: `Create a connection (if needed) and print a new token once.\n${SOURCE_HELP}`,
      args: [SOURCE_ARG],
      options: { json: JSON_OPTION },
      run: (input) => change('create', input),
    },
    {
      name: 'rotate',
      summary: 'Print a new token once and revoke every older token',
      description: `Print a new token once and revoke every older token.\n${SOURCE_HELP}`,
      args: [SOURCE_ARG],
      options: { json: JSON_OPTION },
      run: (input) => change('rotate', input),
    },
    {
      name: 'revoke',
      summary: 'Revoke every token of the connection',
      description: `Revoke every token of the connection.\n${SOURCE_HELP}`,
      args: [SOURCE_ARG],
      options: { json: JSON_OPTION },
      run: (input) => change('revoke', input),
    },
  ],
};
