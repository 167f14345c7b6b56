/**
 * Sync-log entries for SCIM requests. A write and its entry share one transaction (DESIGN
 * principle 1): the entry's id is reserved first, so every mark the write makes links to it,
 * and its row is written with what the write did. Reads and refusals are logged by the HTTP layer.
 */
import { fold } from '../scim/fold.js';
import type { StoredResource } from '../scim/normalize.js';
import { groupCommit } from '../store/group-commit.js';
import * as log from '../store/sync-log.repo.js';
import type { LogSummary } from '../store/sync-log.repo.js';
import { primaryEmail } from './access/projector.js';
import type { ScimContext } from './context.js';

/** What the HTTP layer knows of the request before any rule runs. */
export interface LogDraft {
  requestId: string;
  method: string;
  path: string;
  userAgent: string | null;
  /** performance.now() at arrival, for the duration. */
  startedMs: number;
  at: string;
  /** Set once an entry was written for the request (so the HTTP layer does not add another). */
  written: boolean;
}

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
