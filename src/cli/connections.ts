/** `scim-bridge connections`: IdP connections and their SCIM tokens. */
import { SOURCE_PATTERN, type Config } from '../config.js';
import {
  DEFAULT_ORGANIZATION_ID,
  addToken,
  createConnection,
  findConnection,
  listConnections,
  listTokens,
  revokeTokens,
} from '../store/connections.repo.js';
import { newSecret } from '../store/secrets.js';
import { EXIT, print, withDb } from './common.js';

export const CONNECTIONS_HELP = `Usage: scim-bridge connections <subcommand> [--json]

  list                  List connections with their last use
  create <source>       Create a connection (if needed) and print a new token once
  rotate <source>       Print a new token once and revoke every older token
  revoke <source>       Revoke every token of the connection

<source> names the IdP: okta, azure-ad, or another lowercase name.`;

export function connectionsCommand(config: Config, words: string[], json: boolean): number {
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
    process.stderr.write(`${CONNECTIONS_HELP}\n`);
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

