/** `scim-bridge keys`: admin API keys. */
import { auditedCliWrite, cliDraft } from '../directory/sync-log-admin.js';
import { z } from 'zod';
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
import { JSON_OPTION, type CommandSpec, type Input } from './args.js';
import { EXIT, cliConfig, flag, option, print, withDb } from './common.js';

function keyLine(k: AdminKeyInfo): string {
  const status = k.revokedAt ? `revoked ${k.revokedAt}` : 'live';
  return `${k.id}\t${k.name}\t${k.scopes.join(',')}\t${k.origin}\t${status}\tlast used: ${k.lastUsedAt ?? 'never'}`;
}

function list(input: Input): number {
  return withDb(cliConfig(), (db) => {
    const keys = listAdminKeys(db, DEFAULT_ORGANIZATION_ID);
    print(
      flag(input.values, 'json'),
      keys,
      keys.length ? keys.map(keyLine).join('\n') : 'No admin keys yet. Create one with: scim-bridge keys create',
    );
    return EXIT.ok;
  });
}

function create(input: Input): number {
  const name = option(input.values, 'name') ?? `cli ${new Date().toISOString().slice(0, 10)}`;
  const scopes: AdminScope[] = flag(input.values, 'view-only') ? ['organization:view'] : [...ADMIN_SCOPES];
  return withDb(cliConfig(), (db) => {
    const { id, key } = auditedCliWrite(db, cliDraft(DEFAULT_ORGANIZATION_ID, 'keys create', 'key.create', 'AdminKey'), () => {
      const made = createAdminKey(db, DEFAULT_ORGANIZATION_ID, name, scopes);
      return { result: made, outcome: { resourceId: made.id, resourceName: name } };
    });
    print(
      flag(input.values, 'json'),
      { id, name, scopes, key },
      `Admin key ${id} "${name}" (${scopes.join(', ')}), shown once; send it as Authorization: Bearer <key>:\n${key}`,
    );
    return EXIT.ok;
  });
}

function revoke(input: Input): number {
  const id = input.positionals[0]!;
  return withDb(cliConfig(), (db) => {
    const revoked = getAdminKey(db, DEFAULT_ORGANIZATION_ID, id)
      ? auditedCliWrite(db, cliDraft(DEFAULT_ORGANIZATION_ID, 'keys revoke', 'key.revoke', 'AdminKey', id), () => ({
          result: revokeAdminKey(db, DEFAULT_ORGANIZATION_ID, id),
          outcome: { resourceId: id },
        }))
      : false;
    const key = getAdminKey(db, DEFAULT_ORGANIZATION_ID, id);
    if (!key) {
      process.stderr.write(`No admin key "${id}". List them with: scim-bridge keys list\n`);
      return EXIT.failure;
    }
    if (key.origin === 'env') {
      process.stderr.write('Note: this key comes from BRIDGE_ADMIN_KEY; a start with the same value restores it.\n');
    }
    print(
      flag(input.values, 'json'),
      { id: key.id, name: key.name, revokedAt: key.revokedAt, alreadyRevoked: !revoked },
      revoked ? `Revoked admin key ${key.id} "${key.name}".` : `Admin key ${key.id} "${key.name}" was already revoked at ${key.revokedAt}.`,
    );
    return EXIT.ok;
  });
}

export const KEYS_COMMAND: CommandSpec = {
  name: 'keys',
  summary: 'Manage admin API keys',
  description: `Manage admin API keys.
Keys belong to the default organization. The key of BRIDGE_ADMIN_KEY is listed with origin
"env"; revoking it lasts until the next start with the same BRIDGE_ADMIN_KEY.`,
  subcommands: [
    { name: 'list', summary: 'List the admin keys with scopes, status and last use', options: { json: JSON_OPTION }, run: list },
    {
      name: 'create',
      summary:
        'Create a key and print its secret once. It has organization:manage\n(writes and reads) unless --view-only gives it organization:view',
      options: {
        name: {
          type: 'string',
          value: '<name>',
          help: 'what the key is for, as listed (default: "cli <date>")',
          schema: z.string().trim().min(1, 'must be 1 to 100 characters').max(100, 'must be 1 to 100 characters'),
        },
        'view-only': { type: 'boolean', help: 'organization:view only: reads, no writes' },
        json: JSON_OPTION,
      },
      run: create,
    },
    {
      name: 'revoke',
      summary: 'Revoke a key at once',
      args: [{ name: 'id', missing: 'give the id of the key to revoke, as scim-bridge keys list shows it' }],
      options: { json: JSON_OPTION },
      run: revoke,
    },
  ],
};
