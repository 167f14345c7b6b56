/**
 * Sync-log entries for SCIM requests. A write and its entry share one transaction (DESIGN
 * principle 1): the entry's id is reserved first, so every mark the write makes links to it,
 * and its row is written with what the write did. Reads and refusals are logged by the HTTP
 * layer, refusals through `logEntry` with what `refusedWriteSubject` found out.
 */
import { fold } from '../scim/fold.js';
import type { StoredResource } from '../scim/normalize.js';
import type { Connection } from '../store/connections.repo.js';
import type { Db } from '../store/db.js';
import { groupCommit } from '../store/group-commit.js';
import * as log from '../store/sync-log.repo.js';
import type { LogEntry, LogSummary } from '../store/sync-log.repo.js';
import { primaryEmail } from './access/projector.js';
import type { ScimContext } from './context.js';
import { flushBufferedLogs } from './sync-log-buffer.js';

// The draft lives beside the context that carries it (no import cycle); re-exported for the HTTP layer.
export type { LogDraft } from './context.js';

export interface WriteOutcome {
  resourceId: string;
  status: number;
  summary: LogSummary;
  userKey?: string | null;
  emailKey?: string | null;
  groupKey?: string | null;
}

/** At most this many ids of members added or removed are listed in one entry; the counts are always exact. */
const MAX_LISTED = 1000;

export function membersSummary(added: string[], removed: string[]): LogSummary {
  const s: LogSummary = {};
  if (added.length) {
    s.membersAdded = added.slice(0, MAX_LISTED);
    if (added.length > MAX_LISTED) s.membersAddedCount = added.length;
  }
  if (removed.length) {
    s.membersRemoved = removed.slice(0, MAX_LISTED);
    if (removed.length > MAX_LISTED) s.membersRemovedCount = removed.length;
  }
  return s;
}

/** Top-level attributes whose values differ between two stored resources. */
export function changedAttributes(before: StoredResource, after: StoredResource): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

export function activation(before: StoredResource | null, after: StoredResource | null): LogSummary['activation'] {
  const was = before ? before.active !== false : null;
  const is = after ? after.active !== false : null;
  if (was === is || is === null) return null;
  return is ? 'activated' : 'deactivated';
}

export function userKeys(resource: StoredResource) {
  return { userKey: fold(String(resource.userName)), emailKey: fold(primaryEmail(resource)) };
}

export const groupKey = (resource: StoredResource) => fold(String(resource.displayName));

/**
 * Runs `fn` in one transaction with the request's sync-log entry. Without a draft (internal
 * callers, tests of the directory alone) it is a plain transaction.
 */
export function loggedWrite<T>(
  ctx: ScimContext,
  action: 'create' | 'replace' | 'patch' | 'delete',
  resourceType: 'User' | 'Group',
  fn: () => { result: T; outcome: WriteOutcome },
): T {
  const draft = ctx.log;
  // Without a request (internal callers) nobody awaits a batch: a transaction of its own.
  if (!draft) return ctx.db.transaction(() => fn().result)();
  // Buffered reads that came before this write are listed before it.
  flushBufferedLogs(ctx.db);
  return groupCommit(ctx.db).run(() => {
    log.openEntry(ctx.db);
    try {
      const { result, outcome } = fn();
      log.writeEntry(ctx.db, {
        at: draft.at,
        organizationId: ctx.connection.organizationId,
        connectionId: ctx.connection.id,
        source: ctx.connection.source,
        requestId: draft.requestId,
        method: draft.method,
        path: draft.path,
        resourceType,
        resourceId: outcome.resourceId,
        action,
        status: outcome.status,
        scimType: null,
        outcome: 'success',
        durationMs: Math.round((performance.now() - draft.startedMs) * 10) / 10,
        userAgent: draft.userAgent,
        userKey: outcome.userKey ?? null,
        emailKey: outcome.emailKey ?? null,
        groupKey: outcome.groupKey ?? null,
        summary: outcome.summary,
      });
      draft.written = true;
      return result;
    } finally {
      log.closeEntry();
    }
  });
}

/**
 * Writes one entry now, in the open group commit (the SCIM answer waits for that commit in
 * src/api/scim/durable.ts), after whatever the buffer held: refusals, and requests that are
 * neither buffered reads nor writes that logged themselves.
 */
export function logEntry(db: Db, entry: LogEntry): void {
  flushBufferedLogs(db);
  groupCommit(db).run(() => log.insertLog(db, entry));
}

/** How much of a refused request's body is looked into for the resource's name. */
export const MAX_NAMED_BODY_CHARS = 64 * 1024;

/** A top-level string attribute, by its name compared case-insensitively (RFC 7643 §2.1). */
function attribute(body: unknown, name: string): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const key = Object.keys(body).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : (body as Record<string, unknown>)[key];
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.slice(0, 300) : null);

/**
 * Which resource a refused write was about, in words: the userName or displayName of the
 * resource its path names (as stored), else the one its body gives. Only the name is kept,
 * never the body; with the folded keys, the user and group filters of the log find the refusal.
 */
export function refusedWriteSubject(
  db: Db,
  connection: Connection,
  resourceType: 'User' | 'Group',
  resourceId: string | null,
  body: unknown,
): Pick<LogEntry, 'resourceName' | 'userKey' | 'emailKey' | 'groupKey'> {
  const stored = resourceId ? log.scimResourceName(db, connection.id, resourceType, resourceId) : null;
  if (resourceType === 'Group') {
    const name = stored ?? text(attribute(body, 'displayname'));
    return { resourceName: name, userKey: null, emailKey: null, groupKey: name === null ? null : fold(name) };
  }
  const name = stored ?? text(attribute(body, 'username'));
  const emails = attribute(body, 'emails');
  const list = Array.isArray(emails) ? (emails as unknown[]) : [];
  const value = (e: unknown) => text(attribute(e, 'value'));
  const chosen = list.find((e) => attribute(e, 'primary') === true && value(e)) ?? list.find(value);
  const email = stored ? null : chosen === undefined ? null : value(chosen);
  return { resourceName: name, userKey: name === null ? null : fold(name), emailKey: email === null ? null : fold(email), groupKey: null };
}
