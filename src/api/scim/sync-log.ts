import type { MiddlewareHandler } from 'hono';
import type { LogDraft } from '../../directory/sync-log.js';
import { ScimError } from '../../scim/errors.js';
import { insertLog, type LogEntry } from '../../store/sync-log.repo.js';
import type { AppEnv } from '../env.js';

const WRITE_ACTIONS: Record<string, string> = { POST: 'create', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' };

/** What a request was, from its method and path: /scim/v2/Users/{id}, /scim/v2/.search, ... */
function describe(method: string, path: string): Pick<LogEntry, 'action' | 'resourceType' | 'resourceId'> {
  const [, , , endpoint, id] = path.split('/');
  const resourceType = endpoint === 'Users' ? 'User' : endpoint === 'Groups' ? 'Group' : null;
  const resourceId = id && id !== '.search' ? decodeURIComponent(id) : null;
  let action: string;
  if (endpoint === 'Bulk') action = 'bulk';
  else if (endpoint === '.search' || id === '.search') action = 'search';
  else if (method === 'GET') action = resourceId ? 'read' : 'list';
  else action = WRITE_ACTIONS[method] ?? method.toLowerCase();
  return { action, resourceType, resourceId };
}

/**
 * One sync-log entry per SCIM request. Writes that succeed log themselves inside their own
 * transaction (src/directory/sync-log.ts); this logs the rest after the answer: refusals at
 * once, reads through the batching buffer. Request bodies, tokens and query strings are never
 * logged: only the path, the outcome and what changed.
 */
export const scimSyncLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const path = new URL(c.req.url).pathname;
  const draft: LogDraft = {
    requestId: c.get('requestId'),
    method: c.req.method,
    path,
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    startedMs: performance.now(),
    at: new Date().toISOString(),
    written: false,
  };
  c.set('log', draft);
  await next();
  if (draft.written) return;
  const connection = c.get('connection');
  const { db, syncLog } = c.get('deps');
  const status = c.res.status;
  const entry: LogEntry = {
    at: draft.at,
    organizationId: connection.organizationId,
    connectionId: connection.id,
    source: connection.source,
    requestId: draft.requestId,
    method: draft.method,
    path,
    ...describe(draft.method, path),
    status,
    scimType: c.error instanceof ScimError ? (c.error.scimType ?? null) : null,
    outcome: status < 400 ? 'success' : 'failed',
    durationMs: Math.round((performance.now() - draft.startedMs) * 10) / 10,
    userAgent: draft.userAgent,
    userKey: null,
    emailKey: null,
    groupKey: null,
    summary: {},
  };
  if (entry.outcome === 'failed' || draft.method !== 'GET') {
    syncLog.flush();
    insertLog(db, entry);
  } else {
    syncLog.push(entry);
  }
};
