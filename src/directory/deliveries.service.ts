/**
 * What an admin sees of downstream sync: what is pending, retrying, parked (needs attention,
 * with the application's reason) or held for approval, and the recent calls with their
 * outcomes; and what an admin can do about it: retry, approve a held removal, drop.
 */
import * as sync from '../store/sync.repo.js';
import type { EntityType } from '../store/sync.repo.js';
import { reconcileProgress, startReconcile } from '../store/reconcile.repo.js';
import { getTarget } from '../store/targets.repo.js';
import { AccessError } from './access/errors.js';
import type { AdminContext } from './access/types.js';
import { now } from './context.js';

/** At most this many waiting deliveries are listed (a reconciliation keeps up to 1,000 waiting). */
const PENDING_LIMIT = 2000;

export function listDeliveries(ctx: AdminContext, q: { limit: number }) {
  const target = getTarget(ctx.db, ctx.organizationId);
  const pass = reconcileProgress(ctx.db, ctx.organizationId);
  return {
    target: target
      ? {
          kind: target.kind,
          url: target.url,
          lastSuccessAt: target.lastSuccessAt,
          lastFailureAt: target.lastFailureAt,
          lastError: target.lastError,
        }
      : { kind: 'embedded' as const, url: null, lastSuccessAt: null, lastFailureAt: null, lastError: null },
    reconcile: pass?.startedAt ? pass : null,
    pending: sync.listMarksLabelled(ctx.db, ctx.organizationId, PENDING_LIMIT).map((m) => ({
      entityType: m.entityType,
      entityId: m.entityId,
      label: m.label,
      state: m.state,
      attempts: m.attempts,
      nextAttemptAt: m.nextAttemptAt,
      markedAt: m.markedAt,
      lastError: m.lastError,
    })),
    recent: sync.recentDeliveries(ctx.db, ctx.organizationId, q.limit),
  };
}

function mustExist(ctx: AdminContext, entityType: EntityType, entityId: string) {
  if (!sync.getMark(ctx.db, ctx.organizationId, entityType, entityId)) {
    throw new AccessError('not_found', `No pending delivery for ${entityType} ${entityId}.`);
  }
}

export function retryDelivery(ctx: AdminContext, entityType: EntityType, entityId: string, approve = false): void {
  mustExist(ctx, entityType, entityId);
  sync.retryMark(ctx.db, ctx.organizationId, entityType, entityId, now(), approve);
}

export function dropDelivery(ctx: AdminContext, entityType: EntityType, entityId: string): void {
  mustExist(ctx, entityType, entityId);
  sync.dropMark(ctx.db, ctx.organizationId, entityType, entityId);
}

/**
 * Starts a reconciliation pass: every member and group is compared with the application again
 * (after a restore, or when the application was emptied behind the bridge's back).
 */
export function reconcileAll(ctx: AdminContext): { started: boolean } {
  const target = getTarget(ctx.db, ctx.organizationId);
  if (!target || target.kind === 'embedded') {
    throw new AccessError('invalid_request', 'The embedded target has nothing to reconcile: the bridge is the application.');
  }
  startReconcile(ctx.db, ctx.organizationId, now());
  return { started: true };
}

export function approveHeldRemovals(ctx: AdminContext): { approved: number } {
  return { approved: sync.approveAll(ctx.db, ctx.organizationId, now()) };
}
