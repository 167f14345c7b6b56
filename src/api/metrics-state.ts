/**
 * What /metrics reads from the bridge's state at each scrape, as prom-client metrics in the
 * app's registry: the sync queue and its backlog, deliveries and drift repairs counted from
 * the deliveries table, each remote target's last success and whether it is up, and a few
 * process figures. The process figures are these five rather than prom-client's default set,
 * which starts timers and observers per registry (one per app, never stopped in tests).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { DELIVERY_OUTCOMES, MARK_STATES, backlogByState, backlogOf, targetUp, type DeliveryTotals } from '../health/readiness.js';
import type { ProbeOutcome } from '../health/target-checks.js';
import type { Db } from '../store/db.js';
import type { TargetRow } from '../store/targets.repo.js';

const seconds = (iso: string | null, nowMs: number) => (iso ? Math.max(0, (nowMs - Date.parse(iso)) / 1000) : 0);

const START_TIME_SECONDS = Math.round(Date.now() / 1000 - process.uptime());

export class StateMetrics {
  private readonly queueDepth: Gauge<'state'>;
  private readonly queueOldest: Gauge<'state'>;
  private readonly backlogOldest: Gauge;
  private readonly deliveries: Counter<'outcome'>;
  private readonly driftRepairs: Counter;
  private readonly targetLastSuccess: Gauge<'organization' | 'kind'>;
  private readonly targetIsUp: Gauge<'organization' | 'kind'>;
  private readonly cpu: Counter;
  private readonly rss: Gauge;
  private readonly startTime: Gauge;
  private readonly heapUsed: Gauge;
  private readonly heapTotal: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.queueDepth = new Gauge({
      name: 'scim_bridge_sync_queue_depth',
      help: 'Entities marked for sync and not yet confirmed by the target, by state (pending, retrying, parked, awaiting_approval).',
      labelNames: ['state'],
      registers,
    });
    this.queueOldest = new Gauge({
      name: 'scim_bridge_sync_queue_oldest_age_seconds',
      help: 'Age of the oldest mark in each state (0 when there is none).',
      labelNames: ['state'],
      registers,
    });
    this.backlogOldest = new Gauge({
      name: 'scim_bridge_sync_backlog_oldest_seconds',
      help:
        'Age of the oldest pending or retrying delivery (0 when none waits): the sync_backlog check of /readyz, for alerts ' +
        '(READY_BACKLOG_MAX_AGE_SECONDS is its upper threshold). A backlog never makes /readyz fail.',
      registers,
    });
    this.deliveries = new Counter({
      name: 'scim_bridge_deliveries_total',
      help: 'Calls the sync worker made to targets, by outcome (ok, retry, parked; drift is a repair of a change made behind the bridge).',
      labelNames: ['outcome'],
      registers,
    });
    this.driftRepairs = new Counter({
      name: 'scim_bridge_drift_repairs_total',
      help: 'Changes found made in the application behind the bridge, and repaired.',
      registers,
    });
    this.targetLastSuccess = new Gauge({
      name: 'scim_bridge_target_last_success_timestamp_seconds',
      help: "When each organization's target last confirmed a delivery (Unix time; 0 when never).",
      labelNames: ['organization', 'kind'],
      registers,
    });
    this.targetIsUp = new Gauge({
      name: 'scim_bridge_target_up',
      help:
        "1 when the organization's application takes the bridge's calls, 0 when its last credential check (from /readyz) " +
        'failed or its last delivery failed after the last success. A target that is down never makes /readyz fail.',
      labelNames: ['organization', 'kind'],
      registers,
    });
    this.cpu = new Counter({ name: 'process_cpu_seconds_total', help: 'User and system CPU time spent, in seconds.', registers });
    this.rss = new Gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', registers });
    this.startTime = new Gauge({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since the Unix epoch, in seconds.',
      registers,
    });
    this.heapUsed = new Gauge({ name: 'nodejs_heap_size_used_bytes', help: 'V8 heap in use, in bytes.', registers });
    this.heapTotal = new Gauge({ name: 'nodejs_heap_size_total_bytes', help: 'V8 heap allocated, in bytes.', registers });
  }

  /**
   * Reads the database into the metrics. Everything is read before anything is set, so a
   * database that cannot be read (the caller logs it) leaves the last scrape's values in place.
   */
  readDatabase(db: Db, totals: DeliveryTotals, targets: TargetRow[], probes: (ProbeOutcome | null)[], nowMs: number): void {
    const states = backlogByState(db);
    const counts = totals.read(db);
    for (const state of MARK_STATES) {
      this.queueDepth.set({ state }, states[state].count);
      this.queueOldest.set({ state }, seconds(states[state].oldest, nowMs));
    }
    this.backlogOldest.set(backlogOf(states, nowMs).oldestAgeSeconds);
    // Counters hold the totals counted from the table (DeliveryTotals never goes down).
    this.deliveries.reset();
    for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ outcome }, counts.get(outcome) ?? 0);
    this.driftRepairs.reset();
    this.driftRepairs.inc(counts.get('drift') ?? 0);
    // Targets come and go with the configuration: series of a removed one go with it.
    this.targetLastSuccess.reset();
    this.targetIsUp.reset();
    targets.forEach((t, i) => {
      const labels = { organization: t.organizationId, kind: t.kind };
      this.targetLastSuccess.set(labels, t.lastSuccessAt ? Date.parse(t.lastSuccessAt) / 1000 : 0);
      this.targetIsUp.set(labels, targetUp(t, probes[i] ?? null));
    });
  }

  readProcess(): void {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    this.cpu.reset();
    this.cpu.inc((cpu.user + cpu.system) / 1e6);
    this.rss.set(memory.rss);
    this.startTime.set(START_TIME_SECONDS);
    this.heapUsed.set(memory.heapUsed);
    this.heapTotal.set(memory.heapTotal);
  }
}
