/**
 * The sync worker (DESIGN principle 2). It takes the marks that are due, computes each entity's
 * desired state from SQLite and lets the organization's target close the gap. A restart, a
 * retry, a replay and a drift repair are the same operation: look at the entity now, make the
 * application match. Nothing here holds state that a crash could lose: marks stay until the
 * target confirmed, and remote ids are saved the moment the target hands them out.
 */
import type { Logger } from 'pino';
import { fold } from '../scim/fold.js';
import type { Db } from '../store/db.js';
import { groupCommit } from '../store/group-commit.js';
import { reconcileStep, reconciling } from '../store/reconcile.repo.js';
import * as sync from '../store/sync.repo.js';
import type { SyncMark } from '../store/sync.repo.js';
import { recordTargetFailure, recordTargetSuccess } from '../store/targets.repo.js';
import { desiredGroup, desiredMember } from './desired.js';
import { TargetError, type DesiredMember, type ResolvedTarget, type SyncIo } from './port.js';

/** How often the drift sweep runs, and how many entities it marks at most each time. */
const DRIFT_SWEEP_EVERY_MS = 60_000;
const DRIFT_BATCH = 500;
/**
 * A reconciliation pass marks this many entities per tick, and only while the organization has
 * fewer than RECONCILE_MAX_OPEN marks waiting, so a directory of any size is fed to the target
 * at the pace it is worked, never marked all at once.
 */
const RECONCILE_BATCH = 500;
const RECONCILE_MAX_OPEN = 1000;
/** The longest a not-yet wait grows to between looks. */
const NOT_YET_MAX_MS = 15 * 60_000;

export interface WorkerOptions {
  db: Db;
  logger: Logger;
  /** The organization's target, or null for the embedded one (nothing to send). */
  resolveTarget(organizationId: string): ResolvedTarget | null;
  protectedEmails?: string[];
  /** Removals held for approval: more than `share` of the members, and at least `minPeople`. */
  massRemoval?: { share: number; minPeople: number; windowMs: number };
  batchSize?: number;
  pollMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** How long after its last confirmation a synced member or group is looked at again for drift. */
  driftIntervalMs?: number;
}

interface MemberConfirmed {
  email: string;
  role: string;
  disabled: boolean;
}

export class SyncWorker {
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly protectedEmails: Set<string>;
  private readonly massRemoval: { share: number; minPeople: number; windowMs: number };
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly driftIntervalMs: number;
  /** While a target is failing, nothing is sent to it before this time: a bounded request rate. */
  private readonly pausedUntil = new Map<string, number>();
  /** Removals carried out recently, per organization, for the mass-removal window. */
  private readonly recentRemovals = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private lastDriftCheck = Date.now();

  constructor(private readonly opts: WorkerOptions) {
    this.db = opts.db;
    this.logger = opts.logger;
    this.protectedEmails = new Set((opts.protectedEmails ?? []).map(fold));
    this.massRemoval = opts.massRemoval ?? { share: 0.2, minPeople: 10, windowMs: 10 * 60_000 };
    this.batchSize = opts.batchSize ?? 50;
    this.pollMs = opts.pollMs ?? 250;
    this.backoff = opts.backoff ?? { baseMs: 1000, maxMs: 5 * 60_000 };
    this.driftIntervalMs = opts.driftIntervalMs ?? 15 * 60_000;
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((err: unknown) => this.logger.error({ err }, 'sync tick failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    loop();
  }

  /** Stops taking new work and waits for the entity being synced to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Processes due marks until none is due (tests, and `scim-bridge deliveries retry`). */
  async drain(maxTicks = 100): Promise<void> {
    for (let i = 0; i < maxTicks; i++) if ((await this.tick()) === 0) return;
  }

  /** One pass over the due marks; returns how many were attempted. */
  async tick(): Promise<number> {
    if (Date.now() - this.lastDriftCheck >= DRIFT_SWEEP_EVERY_MS) this.scheduleDriftCheck();
    // Nothing is sent for a change before it is on disk: commit SCIM writes still in their batch.
    groupCommit(this.db).flush();
    this.feedReconciliation();
    const due = sync.dueMarks(this.db, new Date().toISOString(), this.batchSize);
    let attempted = 0;
    const byOrg = new Map<string, SyncMark[]>();
    for (const m of due) byOrg.set(m.organizationId, [...(byOrg.get(m.organizationId) ?? []), m]);
    for (const [organizationId, marks] of byOrg) {
      const resolved = this.opts.resolveTarget(organizationId);
      if (!resolved) {
        // The embedded application is the access model itself: nothing to send.
        this.db.transaction(() => marks.forEach((m) => sync.clearMark(this.db, m)))();
        continue;
      }
      if ((this.pausedUntil.get(organizationId) ?? 0) > Date.now()) continue;
      const held = this.holdMassRemovals(organizationId, marks);
      await this.prepareMembers(
        resolved,
        organizationId,
        marks.filter((m) => m.entityType === 'member' && !held.has(m)),
      );
      for (const mark of marks) {
        if (held.has(mark)) continue;
        if ((this.pausedUntil.get(organizationId) ?? 0) > Date.now()) break;
        attempted += 1;
        await this.syncOne(resolved, mark);
      }
    }
    return attempted;
  }

  /** Moves every reconciliation pass under way on by one bounded batch (see RECONCILE_BATCH). */
  private feedReconciliation(): void {
    const now = new Date().toISOString();
    for (const organizationId of reconciling(this.db)) {
      if (sync.openMarks(this.db, organizationId, RECONCILE_MAX_OPEN) >= RECONCILE_MAX_OPEN) continue;
      reconcileStep(this.db, organizationId, RECONCILE_BATCH, now);
    }
  }

  private async prepareMembers(resolved: ResolvedTarget, organizationId: string, marks: SyncMark[]): Promise<void> {
    if (!resolved.target.prepareMembers || marks.length < 2) return;
    // Calls made for the whole pass are recorded against its first member.
    const io = this.io(resolved, marks[0]!);
    try {
      await resolved.target.prepareMembers(
        marks.map((m) => this.desiredMemberOf(m)),
        io,
      );
    } catch (err) {
      this.logger.warn({ err, organizationId }, 'preparing members failed; syncing them one by one');
    }
  }

  /**
   * The rolling drift sweep: marks up to DRIFT_BATCH of the entities the target confirmed
   * longest ago (and more than `olderThanMs` ago), so each is looked at again about once per
   * interval and repaired if it was changed in the application, without ever marking a whole
   * large directory at once.
   */
  scheduleDriftCheck(olderThanMs = this.driftIntervalMs): number {
    this.lastDriftCheck = Date.now();
    const now = new Date().toISOString();
    const stale = sync.staleConfirmed(this.db, new Date(Date.now() - olderThanMs).toISOString(), DRIFT_BATCH);
    this.db.transaction(() => {
      for (const e of stale) {
        if (!sync.getMark(this.db, e.organizationId, e.entityType, e.entityId))
          sync.markForSync(this.db, e.organizationId, e.entityType, e.entityId, now);
      }
    })();
    return stale.length;
  }

  private lastEmail(mark: SyncMark): string | null {
    return sync.getConfirmed<MemberConfirmed>(this.db, mark.organizationId, 'member', mark.entityId)?.email ?? null;
  }

  private desiredMemberOf(mark: SyncMark): DesiredMember {
    return desiredMember(this.db, mark.organizationId, mark.entityId, this.protectedEmails, this.lastEmail(mark));
  }

  /** Would this member's sync take access away? */
  private isRemoval(mark: SyncMark, desired: DesiredMember): boolean {
    if (desired.protected) return false;
    const confirmed = sync.getConfirmed<MemberConfirmed>(this.db, mark.organizationId, 'member', mark.entityId);
    return confirmed !== null && !confirmed.disabled && (!desired.exists || desired.disabled);
  }

  /**
   * The mass-removal guard: when the removals waiting now plus those carried out within the
   * window exceed the share of the members the application has (and the minimum number of
   * people), the waiting ones are held for an admin's approval, with the reason.
   */
  private holdMassRemovals(organizationId: string, marks: SyncMark[]): Set<SyncMark> {
    const removals = marks.filter((m) => m.entityType === 'member' && !m.approved && this.isRemoval(m, this.desiredMemberOf(m)));
    if (removals.length === 0) return new Set();
    const since = Date.now() - this.massRemoval.windowMs;
    const recent = (this.recentRemovals.get(organizationId) ?? []).filter((t) => t >= since);
    this.recentRemovals.set(organizationId, recent);
    const population = sync.confirmedMembers(this.db, organizationId);
    const total = removals.length + recent.length;
    if (total < this.massRemoval.minPeople || total <= this.massRemoval.share * population) return new Set();
    const reason =
      `Held for approval: ${total} removals within ${Math.round(this.massRemoval.windowMs / 60_000)} min would take access from ` +
      `more than ${Math.round(this.massRemoval.share * 100)}% of the ${population} members the application has.`;
    this.logger.warn({ organizationId, removals: total, population }, 'mass removal held for approval');
    const next = new Date(Date.now() + 365 * 24 * 3600_000).toISOString();
    this.db.transaction(() => removals.forEach((m) => sync.failMark(this.db, m, 'awaiting_approval', next, reason)))();
    return new Set(removals);
  }

  /** The durable memory and recorded HTTP client one entity's sync uses. */
  private io(resolved: ResolvedTarget, mark: SyncMark): SyncIo<unknown> {
    const db = this.db;
    const orgId = mark.organizationId;
    const logIds = JSON.parse(mark.logIds) as number[];
    const http = resolved.http((call) =>
      sync.recordDelivery(
        db,
        {
          organizationId: orgId,
          entityType: mark.entityType,
          entityId: mark.entityId,
          method: call.method,
          path: call.path,
          status: call.status,
          outcome: call.ok ? 'ok' : 'retry',
          detail: call.detail,
          startedAt: call.startedAt,
          durationMs: call.durationMs,
        },
        logIds,
      ),
    );
    return {
      organizationId: orgId,
      http,
      secrets: resolved.secrets,
      remoteId: (type, localId) => sync.getRemoteId(db, orgId, type, localId),
      saveRemoteId: (type, localId, remoteId) => sync.setRemoteId(db, orgId, type, localId, remoteId),
      forgetRemoteId: (type, localId) => sync.deleteRemoteId(db, orgId, type, localId),
      localIdOf: (type, remoteId) => sync.localIdOf(db, orgId, type, remoteId),
      confirmed: () => sync.getConfirmed(db, orgId, mark.entityType, mark.entityId),
      drift: (detail) =>
        sync.recordDelivery(
          db,
          {
            organizationId: orgId,
            entityType: mark.entityType,
            entityId: mark.entityId,
            method: '-',
            path: '-',
            status: null,
            outcome: 'drift',
            detail,
            startedAt: new Date().toISOString(),
            durationMs: 0,
          },
          logIds,
        ),
    };
  }

  private async syncOne(resolved: ResolvedTarget, mark: SyncMark): Promise<void> {
    const db = this.db;
    const orgId = mark.organizationId;
    const io = this.io(resolved, mark);
    try {
      let confirmed: unknown;
      if (mark.entityType === 'member') {
        const desired = this.desiredMemberOf(mark);
        const removal = this.isRemoval(mark, desired);
        await resolved.target.syncMember(desired, io);
        if (removal) this.recentRemovals.set(orgId, [...(this.recentRemovals.get(orgId) ?? []), Date.now()]);
        confirmed =
          desired.exists || desired.protected
            ? { email: desired.email, role: desired.role, disabled: desired.disabled && !desired.protected }
            : null;
      } else {
        const desired = desiredGroup(db, orgId, mark.entityId);
        await resolved.target.syncGroup(desired, io);
        confirmed = desired.exists ? { name: desired.name, memberIds: desired.memberIds, bindings: desired.bindings } : null;
      }
      const now = new Date().toISOString();
      db.transaction(() => {
        sync.setConfirmed(db, orgId, mark.entityType, mark.entityId, confirmed, now);
        sync.clearMark(db, mark);
        recordTargetSuccess(db, orgId, now);
      })();
    } catch (err) {
      this.fail(mark, err);
    }
  }

  private fail(mark: SyncMark, err: unknown): void {
    const now = Date.now();
    const te = err instanceof TargetError ? err : null;
    const message = err instanceof Error ? err.message : String(err);
    if (!te) this.logger.error({ err, mark }, 'sync failed unexpectedly');
    if (te?.retryable) {
      const backoff = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** mark.attempts) * (0.5 + Math.random());
      // A wait on something outside the bridge (an invite not accepted, a member not there yet)
      // grows with each look, up to NOT_YET_MAX_MS, so a wait that lasts days costs little.
      const wait =
        te.code === 'not_yet' && te.retryAfterMs !== null
          ? Math.min(te.retryAfterMs * 2 ** Math.min(mark.attempts, 10), Math.max(te.retryAfterMs, NOT_YET_MAX_MS))
          : (te.retryAfterMs ?? backoff);
      // Not-yet waits (an invite not accepted) are about this entity, not a failing target.
      if (te.code !== 'not_yet') this.pausedUntil.set(mark.organizationId, now + wait);
      sync.failMark(this.db, mark, 'retrying', new Date(now + wait).toISOString(), message);
    } else {
      // Parked until an admin looks: said once in the log, with the application's reason.
      this.logger.warn(
        { organizationId: mark.organizationId, entityType: mark.entityType, entityId: mark.entityId, code: te?.code, reason: message },
        'delivery parked',
      );
      sync.failMark(this.db, mark, 'parked', new Date(now).toISOString(), message);
    }
    recordTargetFailure(this.db, mark.organizationId, new Date(now).toISOString(), message);
  }
}
