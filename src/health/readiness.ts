/**
 * The checks behind `GET /readyz` and `scim-bridge doctor`: is the database writable and
 * migrated, is the bridge shutting down, is the sync backlog within bounds, do the targets'
 * credentials still work, and when did each IdP last call. Each check is one entry
 * `{name, status, detail, fix?, ...}`.
 *
 * Readiness means "can serve SCIM": /readyz fails (503) only when this instance cannot take
 * IdP traffic: the database is not writable, migrations are pending (or newer than this
 * build), or it is shutting down. Everything downstream is a warning there: a backlog over its
 * threshold, refused or missing target credentials, an unreachable application. The IdP is
 * answered from SQLite regardless, and a load balancer that took the SCIM endpoint away for a
 * slow application would get the bridge quarantined by Entra. Those are for a person and an
 * alert: `warn` entries, and the gauges of /metrics (scim_bridge_sync_backlog_oldest_seconds,
 * scim_bridge_target_up).
 *
 * The doctor (mode `doctor`) is stricter: a backlog over its threshold and a target that cannot
 * be used fail there (it is asked "will this work now"); it is gentler about migrations the
 * next start applies by itself. An idle IdP is never the bridge's fault, in either mode.
 *
 * The few queries below are health-only reads (and one rolled-back write); they are kept here,
 * beside the checks that interpret them.
 */
import { appliedMigration, deliveryCountsSince, marksByState, maxDeliveryId, organizationIds, probeWrite } from '../store/health.repo.js';
import type { Config } from '../config.js';
import { DEFAULT_ORGANIZATION_ID, listConnections, listTokens } from '../store/connections.repo.js';
import { LATEST_MIGRATION, type Db } from '../store/db.js';
import type { MarkState } from '../store/sync.repo.js';
import { listTargets, type TargetRow } from '../store/targets.repo.js';
import type { ResolvedTarget } from '../sync/port.js';
import { createTargetResolver } from '../targets/registry.js';
import { guarded, overall, PROBE_TIMEOUT_MS, type Check, type Mode, type Report } from './check.js';
import { isShuttingDown } from './shutdown.js';
import { checkTargets, CredentialCache, probeCredentials, targetEnv, type ProbeOutcome } from './target-checks.js';

export const DEFAULT_BACKLOG_MAX = 10_000;
export const DEFAULT_BACKLOG_MAX_AGE_SECONDS = 30 * 60;
/** An IdP silent for longer than this is worth a look (Entra runs a cycle every ~40 minutes). */
export const CONNECTION_IDLE_WARN_MS = 24 * 3600_000;

/** "42 s", "5 min", "3 h", "2 days". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 2 * 3600) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

// ---- database ---------------------------------------------------------------------------------

/** A write in a transaction that is rolled back: proves the file is writable and the lock obtainable. */
export function checkDatabase(db: Db): Check {
  const fix =
    'Make DATA_DIR a writable volume with free space, and make sure no other process keeps the database locked ' +
    '(a long-running `scim-bridge` command or a backup tool).';
  try {
    // Wait a little for another writer, not the 5 s a write may: a readiness probe must answer.
    probeWrite(db, 1000);
    return { name: 'database', status: 'ok', detail: 'a write in a rolled-back transaction succeeded' };
  } catch (err) {
    return { name: 'database', status: 'fail', detail: `the database is not writable: ${(err as Error).message}`, fix };
  }
}

export function checkMigrations(db: Db, mode: Mode): Check {
  const applied = appliedMigration(db);
  const base = { name: 'migrations', applied, latest: LATEST_MIGRATION };
  if (applied === LATEST_MIGRATION) {
    return { ...base, status: 'ok', detail: `migration ${applied} of ${LATEST_MIGRATION} applied` };
  }
  if (applied !== null && applied > LATEST_MIGRATION) {
    return {
      ...base,
      status: 'fail',
      detail: `the database is at migration ${applied}, newer than this build knows (${LATEST_MIGRATION})`,
      fix: 'Run the newer build that migrated this database, or restore a backup taken before the upgrade.',
    };
  }
  const detail = applied === null ? 'the database was never migrated' : `migration ${applied} of ${LATEST_MIGRATION} applied`;
  return mode === 'doctor'
    ? {
        ...base,
        status: 'warn',
        detail,
        fix: 'The next start applies the missing migrations; to apply them now run `scim-bridge migrate`.',
      }
    : { ...base, status: 'fail', detail, fix: 'Restart the bridge (it migrates at start) or run `scim-bridge migrate`.' };
}

// ---- sync backlog -----------------------------------------------------------------------------

export interface BacklogThresholds {
  warnCount: number;
  failCount: number;
  warnAgeSeconds: number;
  failAgeSeconds: number;
}

/**
 * READY_BACKLOG_MAX and READY_BACKLOG_MAX_AGE_SECONDS are the upper thresholds (the doctor fails
 * above them; /readyz says so in its warning); warnings start at a tenth of the count and a sixth
 * of the age (defaults: 1,000 / 10,000 marks, 5 / 30 minutes).
 */
export function backlogThresholds(config: Pick<Config, 'READY_BACKLOG_MAX' | 'READY_BACKLOG_MAX_AGE_SECONDS'>): BacklogThresholds {
  const failCount = config.READY_BACKLOG_MAX ?? DEFAULT_BACKLOG_MAX;
  const failAgeSeconds = config.READY_BACKLOG_MAX_AGE_SECONDS ?? DEFAULT_BACKLOG_MAX_AGE_SECONDS;
  return {
    warnCount: Math.max(1, Math.floor(failCount / 10)),
    failCount,
    warnAgeSeconds: Math.max(1, Math.floor(failAgeSeconds / 6)),
    failAgeSeconds,
  };
}

export const MARK_STATES: readonly MarkState[] = ['pending', 'retrying', 'parked', 'awaiting_approval'];

/** Marks per state, with the oldest `marked_at` of each (one pass over sync_marks). */
export function backlogByState(db: Db): Record<MarkState, { count: number; oldest: string | null }> {
  const out = Object.fromEntries(MARK_STATES.map((s) => [s, { count: 0, oldest: null }])) as Record<
    MarkState,
    { count: number; oldest: string | null }
  >;
  const rows = marksByState(db) as { state: MarkState; count: number; oldest: string | null }[];
  for (const r of rows) out[r.state] = { count: r.count, oldest: r.oldest };
  return out;
}

const ageSeconds = (iso: string | null, nowMs: number) => (iso ? Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000)) : 0);

/** Pending and retrying deliveries (what the worker is expected to make progress on): how many, and the oldest's age. */
export function backlogOf(states: ReturnType<typeof backlogByState>, nowMs: number): { count: number; oldestAgeSeconds: number } {
  const oldest = [states.pending.oldest, states.retrying.oldest].filter((o): o is string => o !== null).sort()[0] ?? null;
  return { count: states.pending.count + states.retrying.count, oldestAgeSeconds: ageSeconds(oldest, nowMs) };
}

/**
 * The deliveries the worker is expected to make progress on (pending and retrying) against the
 * thresholds: above the upper ones the doctor fails and /readyz warns (the bridge still takes
 * IdP traffic; see the module comment). Parked deliveries and removals held for approval wait
 * for an admin, not for the worker: they are a warning, never a failure (a restart would not
 * fix them). `mode` defaults to the doctor's, the stricter.
 */
export function checkBacklog(db: Db, t: BacklogThresholds, nowMs = Date.now(), mode: Mode = 'doctor'): Check {
  const states = backlogByState(db);
  const { count, oldestAgeSeconds: age } = backlogOf(states, nowMs);
  const parked = states.parked.count;
  const held = states.awaiting_approval.count;
  const fields = {
    name: 'sync_backlog',
    count,
    oldestAgeSeconds: age,
    retrying: states.retrying.count,
    parked,
    awaitingApproval: held,
    thresholds: t,
  };
  const parts = [
    count === 0 ? 'no delivery waiting' : `${count} ${count === 1 ? 'delivery' : 'deliveries'} waiting, the oldest for ${ago(age * 1000)}`,
  ];
  if (states.retrying.count) parts.push(`${states.retrying.count} of them retrying`);
  if (parked) parts.push(`${parked} parked`);
  if (held) parts.push(`${held} removals held for approval`);
  const detail = parts.join('; ');
  const over = count > t.failCount || age > t.failAgeSeconds;
  const high = count > t.warnCount || age > t.warnAgeSeconds;
  const limits =
    `(warn above ${t.warnCount} or ${ago(t.warnAgeSeconds * 1000)}, fail above ${t.failCount} or ${ago(t.failAgeSeconds * 1000)}; ` +
    'READY_BACKLOG_MAX and READY_BACKLOG_MAX_AGE_SECONDS)';
  const behind =
    'Sync is not keeping up: look at the target check and at `scim-bridge deliveries list` (GET /api/deliveries) for the errors; ' +
    'the backlog drains once the application answers.';
  if (over && mode === 'doctor') return { ...fields, status: 'fail', detail: `${detail} ${limits}`, fix: behind };
  if (over) {
    return {
      ...fields,
      status: 'warn',
      detail: `${detail}: over the upper threshold ${limits}; the bridge still takes IdP traffic, sync is what lags`,
      fix: behind,
    };
  }
  if (high) return { ...fields, status: 'warn', detail: `${detail} ${limits}`, fix: behind };
  if (parked || held) {
    return {
      ...fields,
      status: 'warn',
      detail,
      fix: 'Parked deliveries and held removals wait for an admin: `scim-bridge deliveries list`, then retry, approve or drop them.',
    };
  }
  return { ...fields, status: 'ok', detail };
}

// ---- connections ------------------------------------------------------------------------------

/** When each connection's IdP last called. Informational: `ok` or `warn`, never `fail`. */
export function checkConnections(db: Db, nowMs = Date.now()): Check[] {
  const orgs = organizationIds(db);
  const checks: Check[] = [];
  for (const organizationId of orgs) {
    for (const c of listConnections(db, organizationId)) {
      const liveTokens = listTokens(db, c.id).filter((t) => !t.revokedAt).length;
      const name = organizationId === DEFAULT_ORGANIZATION_ID ? `connection:${c.source}` : `connection:${organizationId}/${c.source}`;
      const fields = { name, organizationId, source: c.source, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt, liveTokens };
      if (liveTokens === 0) {
        checks.push({
          ...fields,
          status: 'warn',
          detail: 'the connection has no live token: its IdP cannot authenticate',
          fix: `Give the IdP a new token: \`scim-bridge connections rotate ${c.source}\` (or set it in BRIDGE_CONNECTIONS), then paste it into the IdP's SCIM settings.`,
        });
      } else if (!c.lastUsedAt) {
        checks.push({
          ...fields,
          status: 'warn',
          detail: 'the IdP has not called yet',
          fix: "Set the IdP's SCIM base URL to https://<this bridge>/scim/v2 with this connection's token, and start provisioning.",
        });
      } else if (nowMs - Date.parse(c.lastUsedAt) > CONNECTION_IDLE_WARN_MS) {
        checks.push({
          ...fields,
          status: 'warn',
          detail: `the IdP last called ${ago(nowMs - Date.parse(c.lastUsedAt))} ago`,
          fix: "If changes were expected, look at the IdP's provisioning status (Entra quarantines an app after repeated errors; Okta calls only when something changes).",
        });
      } else {
        checks.push({ ...fields, status: 'ok', detail: `the IdP last called ${ago(nowMs - Date.parse(c.lastUsedAt))} ago` });
      }
    }
  }
  if (checks.length === 0) {
    checks.push({
      name: 'connections',
      status: 'warn',
      detail: 'no SCIM connection exists: no IdP can push',
      fix: 'Create one with BRIDGE_CONNECTIONS="okta:<token>" or `scim-bridge connections create okta`.',
    });
  }
  return checks;
}

// ---- /readyz ----------------------------------------------------------------------------------

/** Whether this instance takes requests: it fails /readyz from the moment a shutdown begins. */
export function checkLifecycle(db: Db): Check {
  if (!isShuttingDown(db)) return { name: 'lifecycle', status: 'ok', detail: 'accepting requests' };
  return {
    name: 'lifecycle',
    status: 'fail',
    detail: 'shutting down: the requests in flight are finished, new ones belong to another instance',
    fix: 'Nothing to do when the stop was asked for (a deploy, a scale-down); otherwise look at why the process was sent SIGTERM.',
  };
}

/** The key a target's probe answers are cached under: what it is probed with. */
export const probeKey = (row: TargetRow) => `${row.organizationId}\u0000${row.kind}\u0000${row.url ?? ''}\u0000${row.apiKeyEnv ?? ''}`;

/**
 * Every readiness check over the running bridge's database and targets. Only the database,
 * the migrations and the lifecycle can fail it; the rest warns (see the module comment).
 */
export async function readiness(
  deps: { db: Db; config: Config },
  cache: CredentialCache,
  env: NodeJS.ProcessEnv = process.env,
  nowMs = Date.now(),
): Promise<Report> {
  const { db, config } = deps;
  const checks: Check[] = [
    checkDatabase(db),
    ...guarded('migrations', 'fail', 'Run `scim-bridge migrate`.', () => checkMigrations(db, 'readiness')),
    checkLifecycle(db),
    ...guarded('sync_backlog', 'warn', 'See the database and migrations checks.', () =>
      checkBacklog(db, backlogThresholds(config), nowMs, 'readiness'),
    ),
  ];
  const keys = targetEnv(config, env);
  try {
    const resolve = createTargetResolver(db, keys, { timeoutMs: PROBE_TIMEOUT_MS });
    checks.push(...(await checkTargets(listTargets(db), resolve, (row, run) => cache.get(probeKey(row), run, nowMs), keys, 'readiness')));
  } catch (err) {
    checks.push({
      name: 'targets',
      status: 'warn',
      detail: `the targets could not be read: ${(err as Error).message}`,
      fix: 'See the database and migrations checks.',
    });
  }
  checks.push(...guarded('connections', 'warn', 'See the database and migrations checks.', () => checkConnections(db, nowMs)));
  return { status: overall(checks), checks };
}

/**
 * For the `scim_bridge_target_up` gauge, without calling the application on a scrape: the
 * last probe answer /readyz cached (a stale one starts a refresh in the background), else
 * none. Down (0) when that answer was not `ok` or the last delivery failed after the last
 * success; up (1) otherwise, including a target never probed nor delivered to yet.
 */
export function targetUp(row: TargetRow, probe: ProbeOutcome | null): 0 | 1 {
  if (probe && probe.result !== 'ok') return 0;
  const lastFailed = row.lastFailureAt !== null && (row.lastSuccessAt === null || row.lastFailureAt > row.lastSuccessAt);
  return lastFailed ? 0 : 1;
}

/** The probe answers known for each remote target, for /metrics (see `targetUp`). */
export function knownProbes(
  deps: { db: Db; config: Config },
  cache: CredentialCache,
  rows: TargetRow[],
  env: NodeJS.ProcessEnv = process.env,
  nowMs = Date.now(),
): (ProbeOutcome | null)[] {
  const keys = targetEnv(deps.config, env);
  let resolve: ((organizationId: string) => ResolvedTarget | null) | undefined;
  return rows.map((row) =>
    cache.peek(
      probeKey(row),
      () => {
        resolve ??= createTargetResolver(deps.db, keys, { timeoutMs: PROBE_TIMEOUT_MS });
        return probeCredentials(row, resolve(row.organizationId), keys);
      },
      nowMs,
    ),
  );
}

// ---- metrics from the database ----------------------------------------------------------------

export const DELIVERY_OUTCOMES = ['ok', 'retry', 'parked', 'drift'] as const;

/**
 * Deliveries by outcome, counted from the deliveries table: all rows at the first read, then
 * only the rows added since (by id), so a scrape stays cheap however long the table is and the
 * counts never go down when old rows are pruned.
 */
export class DeliveryTotals {
  private lastId = 0;
  private readonly counts = new Map<string, number>(DELIVERY_OUTCOMES.map((o) => [o, 0]));

  read(db: Db): Map<string, number> {
    const maxId = maxDeliveryId(db);
    // Ids restart from 1 only when pruning emptied the table: every row there now is new.
    if (maxId < this.lastId) this.lastId = 0;
    const rows = deliveryCountsSince(db, this.lastId);
    for (const r of rows) {
      this.counts.set(r.outcome, (this.counts.get(r.outcome) ?? 0) + r.n);
      this.lastId = Math.max(this.lastId, r.last);
    }
    return this.counts;
  }
}
