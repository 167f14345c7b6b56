import type { Context, MiddlewareHandler } from 'hono';
import { MAX_NAMED_BODY_CHARS, logEntry, refusedWriteSubject, type LogDraft } from '../../directory/sync-log.js';
import { ScimError } from '../../scim/errors.js';
import type { LogEntry } from '../../store/sync-log.repo.js';
import type { AppEnv } from '../env.js';

const WRITE_ACTIONS: Record<string, string> = { POST: 'create', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' };

/** The longest refusal message kept (SCIM details are a sentence or two). */
const MAX_DETAIL_CHARS = 1000;

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

/** The `detail` the client was told: the thrown ScimError's, else the rendered error body's. */
async function refusalDetail(c: Context<AppEnv>): Promise<string | null> {
  if (c.error instanceof ScimError) return c.error.detail.slice(0, MAX_DETAIL_CHARS);
  try {
    const body = (await c.res.clone().json()) as { detail?: unknown } | null;
    return typeof body?.detail === 'string' ? body.detail.slice(0, MAX_DETAIL_CHARS) : null;
  } catch {
    return null;
  }
}

/**
 * The body a handler already read, parsed again only when small: it is looked into for the
 * resource's name alone. A body nobody read (refused before it was) is never read here.
 */
async function bodyRead(c: Context<AppEnv>): Promise<unknown> {
  const cached = c.req.bodyCache.text as Promise<string> | string | undefined;
  if (cached === undefined) return undefined;
  try {
    const raw = await cached;
    return raw.length <= MAX_NAMED_BODY_CHARS ? (JSON.parse(raw) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One sync-log entry per SCIM request. Writes that succeed log themselves inside their own
 * transaction (src/directory/sync-log.ts); this logs the rest after the answer: refusals at
 * once (in the group commit the answer waits for), with the detail the IdP was told and, for a
 * write, the userName or displayName it was about; reads through the batching buffer. Request
 * bodies, tokens and query strings are never logged: only the path, the outcome and what changed.
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
  const what = describe(draft.method, path);
  const entry: LogEntry = {
    at: draft.at,
    organizationId: connection.organizationId,
    connectionId: connection.id,
    source: connection.source,
    requestId: draft.requestId,
    method: draft.method,
    path,
    ...what,
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
  if (entry.outcome === 'success' && draft.method === 'GET') {
    syncLog.push(entry);
    return;
  }
  if (entry.outcome === 'failed') {
    entry.detail = await refusalDetail(c);
    if (isWrite(what)) Object.assign(entry, refusedWriteSubject(db, connection, what.resourceType, what.resourceId, await bodyRead(c)));
  }
  logEntry(db, entry);
};

const isWrite = (what: ReturnType<typeof describe>): what is ReturnType<typeof describe> & { resourceType: 'User' | 'Group' } =>
  what.resourceType !== null && Object.values(WRITE_ACTIONS).includes(what.action);

/**
 * The entry of one refused operation of a Bulk request (each operation is logged as its own
 * write, under the Bulk request's id): its method, its path under /scim/v2, the detail the IdP
 * was told in that operation's response, and the resource it was about. `data` is the
 * operation's own data, looked into for the name only.
 */
export function logRefusedOperation(c: Context<AppEnv>, method: string, path: string, err: ScimError, data: unknown): void {
  const draft = c.get('log');
  const connection = c.get('connection');
  const { db } = c.get('deps');
  const what = describe(method, path);
  logEntry(db, {
    at: new Date().toISOString(),
    organizationId: connection.organizationId,
    connectionId: connection.id,
    source: connection.source,
    requestId: draft.requestId,
    method,
    path,
    ...what,
    status: err.status,
    scimType: err.scimType ?? null,
    outcome: 'failed',
    durationMs: null,
    userAgent: draft.userAgent,
    userKey: null,
    emailKey: null,
    groupKey: null,
    summary: {},
    detail: err.detail.slice(0, MAX_DETAIL_CHARS),
    ...(isWrite(what) ? refusedWriteSubject(db, connection, what.resourceType, what.resourceId, data) : {}),
  });
}
