import type { Db } from './db.js';
import { getCurrentLogId, noteEffect } from './sync-log.repo.js';

export type EntityType = 'member' | 'group';
export type MarkState = 'pending' | 'retrying' | 'parked' | 'awaiting_approval';

export interface SyncMark {
  organizationId: string;
  entityType: EntityType;
  entityId: string;
  generation: number;
  state: MarkState;
  attempts: number;
  nextAttemptAt: string;
  markedAt: string;
  lastError: string | null;
  approved: number;
  /** The sync-log entries whose changes this mark carries (JSON array of ids). */
  logIds: string;
}

const SELECT = `SELECT organization_id AS organizationId, entity_type AS entityType, entity_id AS entityId,
  generation, state, attempts, next_attempt_at AS nextAttemptAt, marked_at AS markedAt, last_error AS lastError,
  approved, log_ids AS logIds FROM sync_marks`;

/**
 * Marks an entity as needing a sync, in the caller's transaction. A new change makes a parked
 * or waiting mark pending again: the worker looks at the entity afresh.
 */
export function markForSync(db: Db, organizationId: string, entityType: EntityType, entityId: string, now: string): void {
  const logId = getCurrentLogId();
  db.prepare(
    `INSERT INTO sync_marks (organization_id, entity_type, entity_id, next_attempt_at, marked_at, log_ids)
     VALUES (@org, @type, @id, @now, @now, CASE WHEN @log IS NULL THEN '[]' ELSE json_array(@log) END)
     ON CONFLICT (organization_id, entity_type, entity_id) DO UPDATE SET
       generation = generation + 1, state = 'pending', attempts = 0, approved = 0,
       next_attempt_at = excluded.next_attempt_at,
       log_ids = CASE WHEN @log IS NULL THEN log_ids ELSE json_insert(log_ids, '$[#]', @log) END`,
  ).run({ org: organizationId, type: entityType, id: entityId, now, log: logId });
  // The sync log shows what each SCIM request caused downstream.
  if (logId !== null) noteEffect(entityType, entityId);
}

/**
 * Marks that are due, oldest first. Groups after members, so that members exist remotely first.
 * Each (type, state) pair is read in index order and at most `limit` deep, so the cost does not
 * grow with the backlog.
 */
export function dueMarks(db: Db, now: string, limit: number): SyncMark[] {
  const stmt = db.prepare(`${SELECT} WHERE entity_type = ? AND state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`);
  const out: SyncMark[] = [];
  for (const type of ['member', 'group'] as const) {
    const want = limit - out.length;
    if (want <= 0) break;
    const due = [...(stmt.all(type, 'pending', now, want) as SyncMark[]), ...(stmt.all(type, 'retrying', now, want) as SyncMark[])];
    due.sort((a, b) => (a.nextAttemptAt < b.nextAttemptAt ? -1 : a.nextAttemptAt > b.nextAttemptAt ? 1 : 0));
    out.push(...due.slice(0, want));
  }
  return out;
}

export function getMark(db: Db, organizationId: string, entityType: EntityType, entityId: string): SyncMark | null {
  return (
    (db.prepare(`${SELECT} WHERE organization_id = ? AND entity_type = ? AND entity_id = ?`).get(organizationId, entityType, entityId) as
      SyncMark | undefined) ?? null
  );
}

/** Clears a mark unless it was marked again (a newer generation) while the sync ran. */
export function clearMark(db: Db, mark: SyncMark): boolean {
  return (
    db
      .prepare('DELETE FROM sync_marks WHERE organization_id = ? AND entity_type = ? AND entity_id = ? AND generation = ?')
      .run(mark.organizationId, mark.entityType, mark.entityId, mark.generation).changes > 0
  );
}

/** Records a failed attempt: retry at `nextAttemptAt`, or park (needs attention) with the reason. */
export function failMark(
  db: Db,
  mark: SyncMark,
  state: 'retrying' | 'parked' | 'awaiting_approval',
  nextAttemptAt: string,
  error: string,
): void {
  db.prepare(
    `UPDATE sync_marks SET state = CASE WHEN generation = @generation THEN @state ELSE 'pending' END,
       attempts = attempts + 1, next_attempt_at = @next, last_error = @error
     WHERE organization_id = @org AND entity_type = @type AND entity_id = @id`,
  ).run({
    generation: mark.generation,
    state,
    next: nextAttemptAt,
    error,
    org: mark.organizationId,
    type: mark.entityType,
    id: mark.entityId,
  });
}

/** An admin's retry, or approval of a held-back removal: due now, attempts reset. */
export function retryMark(db: Db, organizationId: string, entityType: EntityType, entityId: string, now: string, approve = false): boolean {
  return (
    db
      .prepare(
        `UPDATE sync_marks SET state = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL,
           approved = approved OR ?
         WHERE organization_id = ? AND entity_type = ? AND entity_id = ?`,
      )
      .run(now, approve ? 1 : 0, organizationId, entityType, entityId).changes > 0
  );
}

/** Approves every removal the guard holds back in the organization. */
export function approveAll(db: Db, organizationId: string, now: string): number {
  return db
    .prepare(
      `UPDATE sync_marks SET state = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL, approved = 1
       WHERE organization_id = ? AND state = 'awaiting_approval'`,
    )
    .run(now, organizationId).changes;
}

export function dropMark(db: Db, organizationId: string, entityType: EntityType, entityId: string): boolean {
  return (
    db
      .prepare('DELETE FROM sync_marks WHERE organization_id = ? AND entity_type = ? AND entity_id = ?')
      .run(organizationId, entityType, entityId).changes > 0
  );
}

/**
 * The organization's marks, oldest first, each with what an admin recognises it by: a member's
 * email (or, once deleted, the email the target last confirmed), a group's name.
 */
export function listMarksLabelled(db: Db, organizationId: string, limit: number): (SyncMark & { label: string | null })[] {
  return db
    .prepare(
      `SELECT s.organization_id AS organizationId, s.entity_type AS entityType, s.entity_id AS entityId, s.generation, s.state,
              s.attempts, s.next_attempt_at AS nextAttemptAt, s.marked_at AS markedAt, s.last_error AS lastError, s.approved,
              s.log_ids AS logIds,
              CASE s.entity_type WHEN 'member' THEN coalesce(m.email, json_extract(t.state, '$.email')) ELSE g.name END AS label
         FROM sync_marks s
         LEFT JOIN org_members m ON s.entity_type = 'member' AND m.id = s.entity_id
         LEFT JOIN org_groups g ON s.entity_type = 'group' AND g.id = s.entity_id
         LEFT JOIN target_state t ON t.organization_id = s.organization_id AND t.entity_type = s.entity_type AND t.entity_id = s.entity_id
        WHERE s.organization_id = ? ORDER BY s.marked_at, s.entity_type, s.entity_id LIMIT ?`,
    )
    .all(organizationId, limit) as (SyncMark & { label: string | null })[];
}

export function listMarks(db: Db, organizationId: string): SyncMark[] {
  return db.prepare(`${SELECT} WHERE organization_id = ? ORDER BY marked_at, entity_type, entity_id`).all(organizationId) as SyncMark[];
}

/** How many marks the organization has, counted up to `cap` (so the count stays cheap). */
export function openMarks(db: Db, organizationId: string, cap: number): number {
  return db
    .prepare('SELECT count(*) FROM (SELECT 1 FROM sync_marks WHERE organization_id = ? LIMIT ?)')
    .pluck()
    .get(organizationId, cap) as number;
}

/** Backlog size and the age of its oldest mark, for readiness and metrics. */
export function backlog(db: Db): { count: number; oldest: string | null } {
  return db.prepare('SELECT count(*) AS count, min(marked_at) AS oldest FROM sync_marks').get() as { count: number; oldest: string | null };
}

// Remote ids -------------------------------------------------------------------------------

export function getRemoteId(db: Db, organizationId: string, entityType: string, localId: string): string | null {
  return (
    (db
      .prepare('SELECT remote_id FROM target_ids WHERE organization_id = ? AND entity_type = ? AND local_id = ?')
      .pluck()
      .get(organizationId, entityType, localId) as string | undefined) ?? null
  );
}

export function setRemoteId(db: Db, organizationId: string, entityType: string, localId: string, remoteId: string): void {
  db.prepare(
    `INSERT INTO target_ids (organization_id, entity_type, local_id, remote_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (organization_id, entity_type, local_id) DO UPDATE SET remote_id = excluded.remote_id`,
  ).run(organizationId, entityType, localId, remoteId);
}

export function localIdOf(db: Db, organizationId: string, entityType: string, remoteId: string): string | null {
  return (
    (db
      .prepare('SELECT local_id FROM target_ids WHERE organization_id = ? AND entity_type = ? AND remote_id = ?')
      .pluck()
      .get(organizationId, entityType, remoteId) as string | undefined) ?? null
  );
}

export function deleteRemoteId(db: Db, organizationId: string, entityType: string, localId: string): void {
  db.prepare('DELETE FROM target_ids WHERE organization_id = ? AND entity_type = ? AND local_id = ?').run(
    organizationId,
    entityType,
    localId,
  );
}

// Confirmed state ---------------------------------------------------------------------------

export function getConfirmed<T>(db: Db, organizationId: string, entityType: string, entityId: string): T | null {
  const raw = db
    .prepare('SELECT state FROM target_state WHERE organization_id = ? AND entity_type = ? AND entity_id = ?')
    .pluck()
    .get(organizationId, entityType, entityId) as string | undefined;
  return raw === undefined ? null : (JSON.parse(raw) as T);
}

export function setConfirmed(db: Db, organizationId: string, entityType: string, entityId: string, state: unknown, now: string): void {
  if (state === null) {
    db.prepare('DELETE FROM target_state WHERE organization_id = ? AND entity_type = ? AND entity_id = ?').run(
      organizationId,
      entityType,
      entityId,
    );
    return;
  }
  db.prepare(
    `INSERT INTO target_state (organization_id, entity_type, entity_id, state, confirmed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (organization_id, entity_type, entity_id) DO UPDATE SET state = excluded.state, confirmed_at = excluded.confirmed_at`,
  ).run(organizationId, entityType, entityId, JSON.stringify(state), now);
}

// Deliveries --------------------------------------------------------------------------------

export interface DeliveryRecord {
  organizationId: string;
  entityType: EntityType;
  entityId: string;
  method: string;
  path: string;
  status: number | null;
  outcome: 'ok' | 'retry' | 'parked' | 'drift';
  detail: string | null;
  startedAt: string;
  durationMs: number;
}

/** Records a call, linked to the sync-log entries that caused it. */
export function recordDelivery(db: Db, d: DeliveryRecord, logIds: number[] = []): void {
  const id = db
    .prepare(
      `INSERT INTO deliveries (organization_id, entity_type, entity_id, method, path, status, outcome, detail, started_at, duration_ms)
       VALUES (@organizationId, @entityType, @entityId, @method, @path, @status, @outcome, @detail, @startedAt, @durationMs)`,
    )
    .run(d).lastInsertRowid;
  const link = db.prepare('INSERT OR IGNORE INTO delivery_logs (delivery_id, log_id) VALUES (?, ?)');
  for (const logId of logIds) link.run(id, logId);
}

/** Deliveries are kept as long as the sync log that points at them. */
export function pruneDeliveries(db: Db, before: string): number {
  return db.prepare('DELETE FROM deliveries WHERE started_at < ?').run(before).changes;
}

/** The most recent calls, newest first, labelled like the marks (a member's email, a group's name). */
export function recentDeliveries(db: Db, organizationId: string, limit: number): (DeliveryRecord & { id: number; label: string | null })[] {
  return db
    .prepare(
      `SELECT d.id, d.organization_id AS organizationId, d.entity_type AS entityType, d.entity_id AS entityId, d.method, d.path,
              d.status, d.outcome, d.detail, d.started_at AS startedAt, d.duration_ms AS durationMs,
              CASE d.entity_type WHEN 'member' THEN coalesce(m.email, json_extract(t.state, '$.email')) ELSE g.name END AS label
         FROM deliveries d
         LEFT JOIN org_members m ON d.entity_type = 'member' AND m.id = d.entity_id
         LEFT JOIN org_groups g ON d.entity_type = 'group' AND g.id = d.entity_id
         LEFT JOIN target_state t ON t.organization_id = d.organization_id AND t.entity_type = d.entity_type AND t.entity_id = d.entity_id
        WHERE d.organization_id = ? ORDER BY d.id DESC LIMIT ?`,
    )
    .all(organizationId, limit) as (DeliveryRecord & { id: number; label: string | null })[];
}

/**
 * Entities the target confirmed longest ago (and before `before`), for the rolling drift sweep:
 * a bounded number each time, so that a large directory is swept steadily instead of marked
 * all at once.
 */
export function staleConfirmed(
  db: Db,
  before: string,
  limit: number,
): { organizationId: string; entityType: EntityType; entityId: string }[] {
  return db
    .prepare(
      `SELECT organization_id AS organizationId, entity_type AS entityType, entity_id AS entityId FROM target_state
        WHERE entity_type IN ('member', 'group') AND confirmed_at < ? ORDER BY confirmed_at LIMIT ?`,
    )
    .all(before, limit) as { organizationId: string; entityType: EntityType; entityId: string }[];
}

/** How many members the application holds for the organization (the mass-removal guard's base). */
export function confirmedMembers(db: Db, organizationId: string): number {
  return db
    .prepare("SELECT count(*) FROM target_state WHERE organization_id = ? AND entity_type = 'member'")
    .pluck()
    .get(organizationId) as number;
}
