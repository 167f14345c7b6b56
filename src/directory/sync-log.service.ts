/** The sync log as an admin reads it: filtered pages, one entry with what it caused, exports. */
import { AccessError } from './access/errors.js';
import type { AdminContext } from './access/types.js';
import * as log from '../store/sync-log.repo.js';
import type { LogFilters, LogView } from '../store/sync-log.repo.js';

export function listSyncLogs(ctx: AdminContext, filters: LogFilters, cursor: number | null, limit: number) {
  return log.listLogs(ctx.db, ctx.organizationId, filters, cursor, limit);
}

export function getSyncLog(ctx: AdminContext, id: number) {
  const entry = log.getLog(ctx.db, ctx.organizationId, id);
  if (!entry) throw new AccessError('not_found', `Sync log entry ${id} not found.`);
  return { ...entry, effects: log.effectsOfLog(ctx.db, id), deliveries: log.deliveriesOfLog(ctx.db, id) };
}

/** The columns of the first release first (spreadsheets read them by position), the newer ones after. */
const CSV_COLUMNS = [
  'id',
  'at',
  'source',
  'method',
  'path',
  'resourceType',
  'resourceId',
  'action',
  'status',
  'scimType',
  'outcome',
  'durationMs',
  'requestId',
  'userAgent',
  'summary',
  'kind',
  'resourceName',
  'detail',
  'errorCode',
  'actor',
  'clientIp',
  'forwardedFor',
] as const;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function csvCell(value: unknown): string {
  const text = cellText(value);
  // RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a formula.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The export, a chunk of entries at a time: never the whole log in memory. Chunks are read by
 * keyset (id below the last one), each read finished before it is sent, because an open
 * better-sqlite3 iterator would hold the one connection while a slow client reads.
 */
export function* exportSyncLogs(ctx: AdminContext, filters: LogFilters, format: 'ndjson' | 'csv'): Generator<string> {
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\n`;
  let cursor: number | null = null;
  do {
    const page = log.listLogs(ctx.db, ctx.organizationId, filters, cursor, 500);
    yield page.data
      .map((entry: LogView) =>
        format === 'ndjson' ? `${JSON.stringify(entry)}\n` : `${CSV_COLUMNS.map((c) => csvCell(entry[c])).join(',')}\n`,
      )
      .join('');
    cursor = page.nextCursor;
  } while (cursor !== null);
}
