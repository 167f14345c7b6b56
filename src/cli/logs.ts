/**
 * `scim-bridge logs`: the sync log in a terminal. Prints the newest entries that match the
 * filters (oldest of them first, like `tail`), and with --follow keeps printing new ones until
 * interrupted. Reads the database directly, so it works beside a running bridge.
 */
import { z } from 'zod';
import { DEFAULT_ORGANIZATION_ID } from '../store/connections.repo.js';
import type { Db } from '../store/db.js';
import { latestLogId } from '../store/log-tail.repo.js';
import { listLogs, type LogFilters, type LogView } from '../store/sync-log.repo.js';
import { openDataDir } from '../server.js';
import type { CommandSpec, Input } from './args.js';
import { EXIT, cliConfig, flag, option } from './common.js';

function line(e: LogView): string {
  const s = e.summary;
  const what = [
    s.changed?.length ? `changed ${s.changed.join(',')}` : '',
    s.membersAdded?.length ? `+${s.membersAddedCount ?? s.membersAdded.length} members` : '',
    s.membersRemoved?.length ? `-${s.membersRemovedCount ?? s.membersRemoved.length} members` : '',
    s.activation ?? '',
  ]
    .filter(Boolean)
    .join('; ');
  // An admin's action is named by the key that made it; a refusal by what the caller was told.
  const who =
    e.kind === 'admin' ? `admin:${e.actor?.name ?? e.actor?.keyId ?? '?'}${e.actor ? ` (${e.actor.via})` : ''}` : (e.source ?? '-');
  const why = e.outcome === 'failed' && e.detail ? `${e.errorCode ? `${e.errorCode}: ` : ''}${e.detail}` : '';
  return [
    e.at,
    who,
    `${e.method} ${e.path}`,
    `${e.status}${e.scimType ? ` ${e.scimType}` : ''}`,
    e.outcome,
    e.resourceName ?? '',
    e.downstream === 'pending' ? 'downstream pending' : '',
    what,
    why,
  ]
    .filter(Boolean)
    .join('  ');
}

/** Prints the entries that match; with `follow`, keeps printing new ones until `signal` aborts. */
export async function printLogs(
  db: Db,
  organizationId: string,
  filters: LogFilters,
  opts: { limit: number; follow: boolean; json: boolean },
  signal: AbortSignal,
): Promise<number> {
  const { limit, json } = opts;
  const show = (entries: LogView[]) => {
    for (const e of entries) process.stdout.write(`${json ? JSON.stringify(e) : line(e)}\n`);
  };
  const first = listLogs(db, organizationId, filters, null, limit).data.reverse();
  show(first);
  if (!opts.follow) return EXIT.ok;
  let last = first.length ? first[first.length - 1]!.id : latestLogId(db);
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, 500));
    // Newer than the last one shown: page backwards from the top down to it.
    const fresh = listLogs(db, organizationId, filters, null, 1000)
      .data.filter((e) => e.id > last)
      .reverse();
    if (fresh.length) {
      show(fresh);
      last = fresh[fresh.length - 1]!.id;
    }
  }
  return EXIT.ok;
}

async function run(input: Input): Promise<number> {
  const v = input.values;
  const filters: LogFilters = {};
  const source = option(v, 'source');
  const user = option(v, 'user');
  const group = option(v, 'group');
  const type = option(v, 'type');
  const outcome = option<LogFilters['outcome']>(v, 'outcome');
  const kind = option<LogFilters['kind']>(v, 'kind');
  const since = option<Date>(v, 'since');
  if (source !== undefined) filters.source = source;
  if (user !== undefined) filters.user = user;
  if (group !== undefined) filters.group = group;
  if (type !== undefined) filters.resourceType = type;
  if (outcome !== undefined) filters.outcome = outcome;
  if (kind !== undefined) filters.kind = kind;
  if (since !== undefined) filters.from = since.toISOString();
  const db = openDataDir(cliConfig());
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    const opts = { limit: option<number>(v, 'limit') ?? 20, follow: flag(v, 'follow'), json: flag(v, 'json') };
    return await printLogs(db, DEFAULT_ORGANIZATION_ID, filters, opts, stop.signal);
  } finally {
    db.close();
  }
}

export const LOGS_COMMAND: CommandSpec = {
  name: 'logs',
  summary: 'Print (and follow) the sync log',
  description: `Prints the newest sync-log entries that match (oldest of them first, like tail), and with
--follow keeps printing new ones until Ctrl-C. Works beside a running bridge.`,
  options: {
    source: { type: 'string', value: '<okta|azure-ad|...>', help: "only this connection's requests" },
    user: { type: 'string', value: '<userName or email>', help: 'only requests about this user' },
    group: { type: 'string', value: '<id or displayName>', help: 'only requests about this group' },
    type: {
      type: 'string',
      value: '<User|Group>',
      help: 'only this resource type',
      schema: z.enum(['User', 'Group'], 'must be User or Group'),
    },
    kind: {
      type: 'string',
      value: '<scim|admin>',
      help: "only IdP traffic (scim) or admins' actions (admin)",
      schema: z.enum(['scim', 'admin'], 'must be scim or admin'),
    },
    outcome: {
      type: 'string',
      value: '<success|failed|pending>',
      help: 'only entries with this outcome',
      schema: z.enum(['success', 'failed', 'pending'], 'must be success, failed or pending'),
    },
    since: {
      type: 'string',
      value: '<ISO date-time>',
      help: 'only entries at or after this time',
      schema: z
        .string()
        .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date-time such as 2026-01-31T09:00:00Z')
        .transform((s) => new Date(s)),
    },
    limit: {
      type: 'string',
      value: '<n>',
      help: 'how many entries to print first (default 20)',
      schema: z
        .string()
        .regex(/^[0-9]+$/, 'must be a whole number of 1 or more')
        .transform(Number)
        .refine((n) => n >= 1, 'must be a whole number of 1 or more'),
    },
    follow: { type: 'boolean', help: 'keep printing new entries until Ctrl-C' },
    json: { type: 'boolean', help: 'one JSON object per line' },
  },
  run,
};
