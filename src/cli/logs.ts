/**
 * `scim-bridge logs`: the sync log in a terminal. Prints the newest entries that match the
 * filters (oldest of them first, like `tail`), and with --follow keeps printing new ones until
 * interrupted. Reads the database directly, so it works beside a running bridge.
 */
import type { Db } from '../store/db.js';
import { listLogs, type LogFilters, type LogView } from '../store/sync-log.repo.js';

export const LOGS_HELP = `Usage: scim-bridge logs [options] [--json]

  --source <okta|azure-ad|...>   only this connection's requests
  --user <userName or email>     only requests about this user
  --group <id or displayName>    only requests about this group
  --type <User|Group>            only this resource type
  --outcome <success|failed|pending>
  --since <ISO date-time>        only entries at or after this time
  --limit <n>                    how many entries to print first (default 20)
  --follow                       keep printing new entries until Ctrl-C
  --json                         one JSON object per line`;

export const LOGS_OPTIONS = ['--source', '--user', '--group', '--type', '--outcome', '--since', '--limit'];

function line(e: LogView): string {
  const s = e.summary;
  const what = [
    s.changed?.length ? `changed ${s.changed.join(',')}` : '',
    s.membersAdded?.length ? `+${s.membersAddedCount ?? s.membersAdded.length} members` : '',
    s.membersRemoved?.length ? `-${s.membersRemovedCount ?? s.membersRemoved.length} members` : '',
    s.activation ?? '',
  ].filter(Boolean).join('; ');
  return [e.at, e.source ?? '-', `${e.method} ${e.path}`, `${e.status}${e.scimType ? ` ${e.scimType}` : ''}`, e.outcome, e.downstream === 'pending' ? 'downstream pending' : '', what]
    .filter(Boolean)
    .join('  ');
}

/** Returns the exit code: 0, or 2 for bad options. */
export async function logsCommand(
  db: Db,
  organizationId: string,
  values: Map<string, string>,
  flags: Set<string>,
  json: boolean,
  signal: AbortSignal,
): Promise<number> {
  const outcome = values.get('--outcome');
  const type = values.get('--type');
  const limit = Number(values.get('--limit') ?? 20);
  const since = values.get('--since');
  if ((outcome && !['success', 'failed', 'pending'].includes(outcome)) || (type && !['User', 'Group'].includes(type)) || !Number.isInteger(limit) || limit < 1 || (since && Number.isNaN(Date.parse(since)))) {
    process.stderr.write(`${LOGS_HELP}\n`);
    return 2;
  }
  const filters: LogFilters = {};
  if (values.has('--source')) filters.source = values.get('--source')!;
  if (values.has('--user')) filters.user = values.get('--user')!;
  if (values.has('--group')) filters.group = values.get('--group')!;
  if (type) filters.resourceType = type;
  if (outcome) filters.outcome = outcome as LogFilters['outcome'];
  if (since) filters.from = new Date(since).toISOString();
  const show = (entries: LogView[]) => {
    for (const e of entries) process.stdout.write(`${json ? JSON.stringify(e) : line(e)}\n`);
  };
  const first = listLogs(db, organizationId, filters, null, limit).data.reverse();
  show(first);
  if (!flags.has('--follow')) return 0;
  let last = first.length ? first[first.length - 1]!.id : ((db.prepare('SELECT max(id) FROM sync_log').pluck().get() as number | null) ?? 0);
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, 500));
    // Newer than the last one shown: page backwards from the top down to it.
    const fresh = listLogs(db, organizationId, filters, null, 1000).data.filter((e) => e.id > last).reverse();
    if (fresh.length) {
      show(fresh);
      last = fresh[fresh.length - 1]!.id;
    }
  }
  return 0;
}
