/** `scim-bridge keys`: admin API keys. */
import type { Config } from '../config.js';
import {
  ADMIN_SCOPES,
  createAdminKey,
  getAdminKey,
  listAdminKeys,
  revokeAdminKey,
  type AdminKeyInfo,
  type AdminScope,
} from '../store/admin-keys.repo.js';
import { DEFAULT_ORGANIZATION_ID } from '../store/connections.repo.js';
import { EXIT, print, withDb, type ParsedArgs } from './common.js';

export const KEYS_HELP = `Usage: scim-bridge keys <subcommand> [--json]

  list                  List the admin keys with scopes, status and last use
  create [--name <name>] [--view-only]
                        Create a key and print its secret once. It has organization:manage
                        (writes and reads) unless --view-only gives it organization:view
  revoke <id>           Revoke a key at once

Keys belong to the default organization. The key of BRIDGE_ADMIN_KEY is listed with origin
"env"; revoking it lasts until the next start with the same BRIDGE_ADMIN_KEY.`;

const KEY_FLAGS: Record<string, string[]> = {
  list: ['--json'],
  create: ['--json', '--view-only', '--name'],
  revoke: ['--json'],
};

function keyLine(k: AdminKeyInfo): string {
  const status = k.revokedAt ? `revoked ${k.revokedAt}` : 'live';
  return `${k.id}\t${k.name}\t${k.scopes.join(',')}\t${k.origin}\t${status}\tlast used: ${k.lastUsedAt ?? 'never'}`;
}

export function keysCommand(config: Config, args: ParsedArgs): number {
  const [, sub, ...rest] = args.words;
  const allowed = sub ? KEY_FLAGS[sub] : undefined;
  if (!allowed) {
    process.stderr.write(`${KEYS_HELP}\n`);
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

