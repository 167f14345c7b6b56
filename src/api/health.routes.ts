/**
 * `GET /readyz` and `GET /metrics`, both without auth (`/healthz`, liveness, stays in app.ts).
 *
 * /readyz answers 200 or 503 `{"status":"ok"|"fail","checks":[{name,status,detail,fix?,...}]}`;
 * the checks and which of them fail readiness are in src/health/readiness.ts. It is reachable by
 * anyone who can reach the SCIM endpoint, so it names no URL, key or email address.
 *
 * /metrics is the Prometheus text format (0.0.4): the request counter and latency histogram of
 * src/api/metrics.ts, the sync queue, deliveries and drift repairs read from SQLite at scrape
 * time, each target's last successful call, and a few process figures.
 */
import { Hono } from 'hono';
import {
  CredentialCache,
  DELIVERY_OUTCOMES,
  DeliveryTotals,
  MARK_STATES,
  backlogByState,
  readiness,
} from '../health/readiness.js';
import type { Db } from '../store/db.js';
import { listTargets } from '../store/targets.repo.js';
import type { AppEnv } from './env.js';
import { family, labels, type HttpMetrics } from './metrics.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const seconds = (iso: string | null, nowMs: number) => (iso ? Math.max(0, (nowMs - Date.parse(iso)) / 1000) : 0);

/** What /metrics reads from the database. */
function databaseMetrics(out: string[], db: Db, deliveries: DeliveryTotals, nowMs: number): void {
  const states = backlogByState(db);
  family(
    out,
    'scim_bridge_sync_queue_depth',
    'gauge',
    'Entities marked for sync and not yet confirmed by the target, by state (pending, retrying, parked, awaiting_approval).',
    MARK_STATES.map((state) => [labels({ state }), states[state].count]),
  );
  family(
    out,
    'scim_bridge_sync_queue_oldest_age_seconds',
    'gauge',
    'Age of the oldest mark in each state (0 when there is none).',
    MARK_STATES.map((state) => [labels({ state }), seconds(states[state].oldest, nowMs)]),
  );
  const totals = deliveries.read(db);
  family(
    out,
    'scim_bridge_deliveries_total',
    'counter',
    'Calls the sync worker made to targets, by outcome (ok, retry, parked; drift is a repair of a change made behind the bridge).',
    DELIVERY_OUTCOMES.map((outcome) => [labels({ outcome }), totals.get(outcome) ?? 0]),
  );
  family(
    out,
    'scim_bridge_drift_repairs_total',
    'counter',
    'Changes found made in the application behind the bridge, and repaired.',
    [['', totals.get('drift') ?? 0]],
  );
  const targets = listTargets(db).filter((t) => t.kind !== 'embedded');
  family(
    out,
    'scim_bridge_target_last_success_timestamp_seconds',
    'gauge',
    'When each organization\'s target last confirmed a delivery (Unix time; 0 when never).',
    targets.map((t) => [
      labels({ organization: t.organizationId, kind: t.kind }),
      t.lastSuccessAt ? Date.parse(t.lastSuccessAt) / 1000 : 0,
    ]),
  );
}

const START_TIME_SECONDS = Date.now() / 1000 - process.uptime();

function processMetrics(out: string[]): void {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  family(out, 'process_cpu_seconds_total', 'counter', 'User and system CPU time spent, in seconds.', [
    ['', (cpu.user + cpu.system) / 1e6],
  ]);
  family(out, 'process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [['', memory.rss]]);
  family(out, 'process_start_time_seconds', 'gauge', 'Start time of the process since the Unix epoch, in seconds.', [
    ['', Math.round(START_TIME_SECONDS)],
  ]);
  family(out, 'nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.', [['', memory.heapUsed]]);
  family(out, 'nodejs_heap_size_total_bytes', 'gauge', 'V8 heap allocated, in bytes.', [['', memory.heapTotal]]);
}

export function healthRoutes(metrics: HttpMetrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const credentials = new CredentialCache();
  const deliveries = new DeliveryTotals();

  app.get('/readyz', async (c) => {
    const { db, config } = c.get('deps');
    const report = await readiness({ db, config }, credentials);
    c.header('Cache-Control', 'no-store');
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });

  app.get('/metrics', (c) => {
    const { db, logger } = c.get('deps');
    const out: string[] = [];
    metrics.render(out);
    try {
      databaseMetrics(out, db, deliveries, Date.now());
    } catch (err) {
      // A database that cannot be read is /readyz's to report; the other metrics still help.
      logger.warn({ err }, 'metrics: the database could not be read');
    }
    processMetrics(out);
    c.header('Cache-Control', 'no-store');
    return c.body(`${out.join('\n')}\n`, 200, { 'Content-Type': METRICS_CONTENT_TYPE });
  });

  return app;
}
