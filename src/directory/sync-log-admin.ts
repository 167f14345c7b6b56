/**
 * Admin actions in the sync log (issue 12 item 10). Every write through the admin API (and so
 * through the console, which calls the same routes) and every change the CLI makes to keys and
 * connections is an entry of kind `admin`, with the key that made it (its id and name, never
 * the secret; `cli` and the operating-system user for the command line).
 *
 * A change and its entry share one transaction in the group commit, like a SCIM write's: the
 * entry's id is reserved first, so the sync marks the change makes link to it, and the console
 * shows what it caused downstream. A refused change (403, 400, 404, the 409 of an IdP-owned
 * group, ...) is an entry too, with the code and message the admin was told. Entries name what
 * they were about (a group's name, a member's email, a key's name) and never carry a body.
 */
import { AccessError } from './access/errors.js';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { fold } from '../scim/fold.js';
import type { Db } from '../store/db.js';
import { groupCommit } from '../store/group-commit.js';
import * as log from '../store/sync-log.repo.js';
import type { LogActor, LogEntry, LogSummary } from '../store/sync-log.repo.js';
import { flushBufferedLogs } from './sync-log-buffer.js';
import { logEntry } from './sync-log.js';

export type AdminResourceType = 'Group' | 'Member' | 'AdminKey' | 'Connection';

/** What is known of an admin action before it runs. */
export interface AdminLogDraft {
  organizationId: string;
  requestId: string;
  /** The HTTP method, or `CLI`. */
  method: string;
  /** The request path, or the command (`scim-bridge keys create`). */
  path: string;
  userAgent: string | null;
  /** performance.now() at arrival, for the duration. */
  startedMs: number;
  at: string;
  actor: LogActor;
  /** `group.rename`, `member.update`, `key.create`, ... */
  action: string;
  resourceType: AdminResourceType | null;
  resourceId: string | null;
  /** Set once the entry is written, so the HTTP layer does not add another. */
  written: boolean;
}

/** What the action did, for its entry. Never a secret: no key, token or invite code. */
export interface AdminOutcome {
  /** The HTTP status answered; 0 for a command-line action. */
  status: number;
  resourceId?: string | null;
  resourceName?: string | null;
  summary?: LogSummary;
}

export interface AdminRefusal {
  status: number;
  code: string | null;
  message: string | null;
}

const MAX_TEXT = 1000;

/** A group's name or a member's email, read before the action (a deleted group's name is gone after). */
function nameOf(db: Db, organizationId: string, type: AdminResourceType | null, id: string | null): string | null {
  if (!id) return null;
  if (type === 'Group' || type === 'Member') return log.accessResourceName(db, organizationId, type, id);
  if (type === 'AdminKey') return log.adminKeyName(db, organizationId, id);
  return null;
}

function entryOf(
  draft: AdminLogDraft,
  fields: { status: number; resourceId: string | null; resourceName: string | null; summary: LogSummary; refusal?: AdminRefusal },
): LogEntry {
  const { resourceName } = fields;
  const key = resourceName === null ? null : fold(resourceName);
  return {
    at: draft.at,
    organizationId: draft.organizationId,
    connectionId: null,
    source: null,
    requestId: draft.requestId,
    method: draft.method,
    path: draft.path,
    resourceType: draft.resourceType,
    resourceId: fields.resourceId,
    action: draft.action,
    status: fields.status,
    scimType: null,
    outcome: fields.refusal ? 'failed' : 'success',
    durationMs: Math.round((performance.now() - draft.startedMs) * 10) / 10,
    userAgent: draft.userAgent,
    // The log's user and group filters find admin entries about that member or group too.
    userKey: null,
    emailKey: draft.resourceType === 'Member' ? key : null,
    groupKey: draft.resourceType === 'Group' ? key : null,
    summary: fields.summary,
    kind: 'admin',
    detail: fields.refusal?.message?.slice(0, MAX_TEXT) ?? null,
    errorCode: fields.refusal?.code ?? null,
    resourceName: resourceName?.slice(0, 300) ?? null,
    actor: draft.actor,
  };
}

/**
 * Runs an admin change and writes its entry in one transaction of the group commit. The
 * caller must await `groupCommit(db).durable()` before answering (the admin API does in
 * src/api/admin/audit.ts; the CLI uses `auditedCliWrite`, which commits at once).
 * `fn` must not open a transaction of its own with BEGIN: a nested `db.transaction` is fine.
 */
export function auditedAdminWrite<T>(db: Db, draft: AdminLogDraft, fn: () => { result: T; outcome: AdminOutcome }): T {
  flushBufferedLogs(db);
  return groupCommit(db).run(() => {
    const before = nameOf(db, draft.organizationId, draft.resourceType, draft.resourceId);
    log.openEntry(db);
    try {
      const { result, outcome } = fn();
      const resourceId = outcome.resourceId ?? draft.resourceId;
      log.writeEntry(
        db,
        entryOf(draft, {
          status: outcome.status,
          resourceId,
          resourceName: outcome.resourceName ?? before ?? nameOf(db, draft.organizationId, draft.resourceType, resourceId),
          summary: outcome.summary ?? {},
        }),
      );
      draft.written = true;
      return result;
    } finally {
      log.closeEntry();
    }
  });
}

/** The entry of a refused admin action: what was asked, of what, and what the admin was told. */
export function logAdminRefusal(db: Db, draft: AdminLogDraft, refusal: AdminRefusal): void {
  logEntry(
    db,
    entryOf(draft, {
      status: refusal.status,
      resourceId: draft.resourceId,
      resourceName: nameOf(db, draft.organizationId, draft.resourceType, draft.resourceId),
      summary: {},
      refusal,
    }),
  );
  draft.written = true;
}

/**
 * The entry of an admin action that succeeded without going through `auditedAdminWrite` (a
 * route that does not wrap its service call yet): written after it, outside its transaction,
 * so that no admin write goes unlogged.
 */
export function logAdminAfterwards(db: Db, draft: AdminLogDraft, status: number): void {
  logEntry(
    db,
    entryOf(draft, {
      status,
      resourceId: draft.resourceId,
      resourceName: nameOf(db, draft.organizationId, draft.resourceType, draft.resourceId),
      summary: {},
    }),
  );
  draft.written = true;
}

/** The actor of an admin API or console request: the key's id and its name as it is now. */
export function keyActor(db: Db, organizationId: string, keyId: string, via: 'api' | 'console'): LogActor {
  return { keyId, name: log.adminKeyName(db, organizationId, keyId), via };
}

/** The command line has no key: the operating-system user who ran it stands in. */
export function cliActor(): LogActor {
  let user: string | null = null;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for the uid (some containers): the entry still says it came from the CLI.
  }
  return { keyId: null, name: user ? `cli:${user}` : 'cli', via: 'cli' };
}

/** A draft for a command: `command` as typed after `scim-bridge` (`keys create`), without secrets. */
export function cliDraft(
  organizationId: string,
  command: string,
  action: string,
  resourceType: AdminResourceType | null,
  resourceId: string | null = null,
): AdminLogDraft {
  return {
    organizationId,
    requestId: randomUUID(),
    method: 'CLI',
    path: `scim-bridge ${command}`,
    userAgent: null,
    startedMs: performance.now(),
    at: new Date().toISOString(),
    actor: cliActor(),
    action,
    resourceType,
    resourceId,
    written: false,
  };
}

/**
 * `auditedAdminWrite` for the CLI, committed before it returns (a command's process may exit
 * right after). Call it instead of `db.transaction(...)`, not inside one.
 */
export function auditedCliWrite<T>(db: Db, draft: AdminLogDraft, fn: () => { result: T; outcome: Omit<AdminOutcome, 'status'> }): T {
  try {
    return auditedAdminWrite(db, draft, () => {
      const { result, outcome } = fn();
      return { result, outcome: { ...outcome, status: 0 } };
    });
  } catch (err) {
    // A refused command is audited as the admin API's refusals are, with what it was told.
    if (err instanceof AccessError) logAdminRefusal(db, draft, { status: err.status, code: err.code, message: err.message });
    throw err;
  } finally {
    groupCommit(db).flush();
  }
}
