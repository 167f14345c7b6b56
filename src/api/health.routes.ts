/**
 * `GET /readyz` and `GET /metrics`, both without auth (`/healthz`, liveness, stays in app.ts).
 *
 * /readyz answers 200 or 503 `{"status":"ok"|"fail","checks":[{name,status,detail,fix?,...}]}`;
 * it is 503 only when this instance cannot take IdP traffic (database, migrations, shutting
 * down); the checks are in src/health/readiness.ts. It is reachable by anyone who can reach the
 * SCIM endpoint, so it names no URL, key or email address.
 *
 * /metrics is the Prometheus text format (0.0.4) of the app's prom-client registry: the request
 * counter and latency histogram of src/api/metrics.ts, and the bridge's state read at scrape
 * time (src/api/metrics-state.ts).
 */
import { Hono } from 'hono';
import { DeliveryTotals, knownProbes, readiness } from '../health/readiness.js';
import { CredentialCache } from '../health/target-checks.js';
import { listTargets } from '../store/targets.repo.js';
import type { AppEnv } from './env.js';
import type { HttpMetrics } from './metrics.js';
import { StateMetrics } from './metrics-state.js';

export function healthRoutes(metrics: HttpMetrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const credentials = new CredentialCache();
  const deliveries = new DeliveryTotals();
  const state = new StateMetrics(metrics.registry);

  app.get('/readyz', async (c) => {
    const { db, config } = c.get('deps');
    const report = await readiness({ db, config }, credentials);
    c.header('Cache-Control', 'no-store');
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    const { db, config, logger } = c.get('deps');
    const nowMs = Date.now();
    try {
      const targets = listTargets(db).filter((t) => t.kind !== 'embedded');
      state.readDatabase(db, deliveries, targets, knownProbes({ db, config }, credentials, targets, process.env, nowMs), nowMs);
    } catch (err) {
      // A database that cannot be read is /readyz's to report; the other metrics still help.
      logger.warn({ err }, 'metrics: the database could not be read');
    }
    state.readProcess();
    c.header('Cache-Control', 'no-store');
    return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });

  return app;
}
