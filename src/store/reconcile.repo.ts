/**
 * Reconciliation passes (migration 0006): a keyset walk over an organization's members, then
 * its groups, marking each for sync in bounded batches, so that a target that was just turned
 * on, pointed elsewhere or emptied is compared with the whole desired state.
 */
import type { Db } from './db.js';
import { markForSync, type EntityType } from './sync.repo.js';

export interface ReconcileProgress {
  phase: EntityType | null;
  total: number;
  done: number;
  startedAt: string | null;
  finishedAt: string | null;
}

const TABLE: Record<EntityType, string> = { member: 'org_members', group: 'org_groups' };

export function reconcileProgress(db: Db, organizationId: string): ReconcileProgress | null {
  const r = db
    .prepare(
      `SELECT reconcile_phase AS phase, reconcile_total AS total, reconcile_done AS done,
              reconcile_started_at AS startedAt, reconcile_finished_at AS finishedAt
         FROM targets WHERE organization_id = ?`,
    )
    .get(organizationId) as ReconcileProgress | undefined;
  return r ?? null;
}

/** Starts (or restarts) a pass over everything the organization has. */
export function startReconcile(db: Db, organizationId: string, now: string): void {
  const total =
    (db.prepare('SELECT count(*) FROM org_members WHERE organization_id = ?').pluck().get(organizationId) as number) +
    (db.prepare('SELECT count(*) FROM org_groups WHERE organization_id = ?').pluck().get(organizationId) as number);
  db.prepare(
    `UPDATE targets SET reconcile_phase = 'member', reconcile_after = '', reconcile_total = ?, reconcile_done = 0,
            reconcile_started_at = ?, reconcile_finished_at = NULL
      WHERE organization_id = ?`,
  ).run(total, now, organizationId);
}

/** Ends a pass without finishing it (the organization went back to the embedded target). */
export function stopReconcile(db: Db, organizationId: string): void {
  db.prepare("UPDATE targets SET reconcile_phase = NULL, reconcile_after = '' WHERE organization_id = ?").run(organizationId);
}

/** Organizations with a pass under way. */
export function reconciling(db: Db): string[] {
  return db
    .prepare('SELECT organization_id FROM targets WHERE reconcile_phase IS NOT NULL ORDER BY organization_id')
    .pluck()
    .all() as string[];
}

/**
 * Marks the next `limit` entities of the pass (those already marked keep their mark and its
 * history) and moves the cursor on; returns how many it walked. In one transaction, so a crash
 * never skips a batch.
 */
export function reconcileStep(db: Db, organizationId: string, limit: number, now: string): number {
  return db.transaction(() => {
    const p = db
      .prepare('SELECT reconcile_phase AS phase, reconcile_after AS after FROM targets WHERE organization_id = ?')
      .get(organizationId) as { phase: EntityType | null; after: string } | undefined;
    if (!p?.phase) return 0;
    const ids = db
      .prepare(`SELECT id FROM ${TABLE[p.phase]} WHERE organization_id = ? AND id > ? ORDER BY id LIMIT ?`)
      .pluck()
      .all(organizationId, p.after, limit) as string[];
    const marked = db.prepare('SELECT 1 FROM sync_marks WHERE organization_id = ? AND entity_type = ? AND entity_id = ?');
    for (const id of ids) if (!marked.get(organizationId, p.phase, id)) markForSync(db, organizationId, p.phase, id, now);
    if (ids.length < limit) {
      const next = p.phase === 'member' ? 'group' : null;
      db.prepare(
        `UPDATE targets SET reconcile_phase = ?, reconcile_after = '', reconcile_done = reconcile_done + ?,
                reconcile_finished_at = CASE WHEN ? IS NULL THEN ? ELSE NULL END
          WHERE organization_id = ?`,
      ).run(next, ids.length, next, now, organizationId);
    } else {
      db.prepare('UPDATE targets SET reconcile_after = ?, reconcile_done = reconcile_done + ? WHERE organization_id = ?').run(
        ids[ids.length - 1]!,
        ids.length,
        organizationId,
      );
    }
    return ids.length;
  })();
}

/**
 * Forgets everything a target confirmed for the organization (remote ids, confirmed state,
 * target secrets): used when the organization's target is no longer the one they were confirmed
 * against. Marks and the delivery history stay.
 */
export function forgetTargetState(db: Db, organizationId: string): void {
  for (const table of ['target_ids', 'target_state', 'target_secrets']) {
    db.prepare(`DELETE FROM ${table} WHERE organization_id = ?`).run(organizationId);
  }
}
