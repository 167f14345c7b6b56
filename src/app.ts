import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { adminRoutes } from './api/admin/index.js';
import type { AppDeps, AppEnv } from './api/env.js';
import { notFound, onError } from './api/errors.js';
import { consoleRoutes } from './console/routes.js';
import { consoleSession } from './console/sessions.js';
import { healthRoutes } from './api/health.routes.js';
import { HttpMetrics } from './api/metrics.js';
import { scimAuth } from './api/scim/auth.js';
import { scimDurable } from './api/scim/durable.js';
import { scimRateLimit } from './api/scim/rate-limit.js';
import { scimSyncLog } from './api/scim/sync-log.js';
import { SyncLogBuffer } from './directory/sync-log-buffer.js';
import { bulkRoutes } from './api/scim/bulk.routes.js';
import { discoveryRoutes } from './api/scim/discovery.routes.js';
import { groupResource, resourceRoutes, userResource } from './api/scim/resources.routes.js';
import { routingPath } from './api/scim/paths.js';
import { scimBodyLimit } from './api/scim/respond.js';
import { rootSearch } from './api/scim/search.routes.js';

/** Bodies above this are refused while they stream in. A PUT of a 50,000-member group fits. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function createApp(input: Omit<AppDeps, 'syncLog'> & { syncLog?: SyncLogBuffer }): Hono<AppEnv> {
  // The composition root: the console's session is one way to authenticate admin requests.
  const deps: AppDeps = {
    ...input,
    syncLog: input.syncLog ?? new SyncLogBuffer(input.db),
    adminSession: input.adminSession ?? consoleSession,
  };
  const app = new Hono<AppEnv>({ getPath: routingPath });

  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 128) || randomUUID();
    c.set('deps', deps);
    c.set('requestId', requestId);
    const started = performance.now();
    await next();
    c.res.headers.set('X-Request-Id', requestId);
    deps.logger.info(
      {
        requestId,
        method: c.req.method,
        path: new URL(c.req.url).pathname,
        status: c.res.status,
        source: c.var.connection?.source,
        ms: Math.round((performance.now() - started) * 10) / 10,
        userAgent: c.req.header('user-agent'),
      },
      'request',
    );
  });
  // Requests by route template, status and source, and their latency, for /metrics.
  const metrics = new HttpMetrics();
  app.use('*', metrics.middleware());
  app.onError(onError);
  app.notFound(notFound);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route('/', healthRoutes(metrics));

  const scim = new Hono<AppEnv>({ strict: false });
  scim.use('*', scimDurable);
  scim.use('*', scimBodyLimit(MAX_BODY_BYTES, 'the request size limit'));
  // Discovery first: its handlers answer before the auth middleware below is reached.
  scim.route('/', discoveryRoutes());
  scim.use('*', scimAuth, scimRateLimit);
  scim.use('*', scimSyncLog);
  scim.route('/Users', resourceRoutes(userResource));
  scim.route('/Groups', resourceRoutes(groupResource));
  scim.route('/Bulk', bulkRoutes());
  scim.post('/.search', rootSearch);
  app.route('/scim/v2', scim);

  app.route('/', adminRoutes());
  app.route('/', consoleRoutes());

  return app;
}
