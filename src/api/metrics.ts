/**
 * Request metrics for /metrics, on prom-client: a counter of requests by route template,
 * method, status and SCIM source, and a latency histogram by route template and method. Route
 * labels are the templates the app registers (`/scim/v2/Users/:id`), never the raw path, so
 * the number of series stays bounded however many resources there are. Each app has its own
 * registry (tests run many apps in one process; prom-client's global one would mix them);
 * what /metrics reads from the bridge's state at scrape time joins the same registry
 * (src/api/metrics-state.ts).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Histogram, Registry } from 'prom-client';
import type { AppEnv } from './env.js';

/** Seconds; from a cached read to a 50,000-member PUT. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** The label value of a request no route matched (a 404 of the not-found handler). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods kept as they are; anything else is counted as OTHER (a client may send any token). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template that answered: the handler the request reached, or (when a middleware
 * such as auth answered first) the handler it was on its way to; UNMATCHED_ROUTE when only
 * middleware matched. Middleware is registered with method ALL; handlers with their method.
 */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c);
  const reached = c.req.routeIndex;
  const handler =
    routes.slice(Math.max(0, reached)).find((r) => r.method !== 'ALL') ?? [...routes].reverse().find((r) => r.method !== 'ALL');
  return handler?.path ?? UNMATCHED_ROUTE;
}

export class HttpMetrics {
  /** This app's registry: /metrics renders it whole. */
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'scim_bridge_http_requests_total',
    help: 'HTTP requests answered, by route template, method, status and SCIM source (the IdP connection; "none" outside SCIM).',
    labelNames: ['route', 'method', 'status', 'source'] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'scim_bridge_http_request_duration_seconds',
    help: 'Time from the request reaching the bridge to its answer, by route template and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [...DURATION_BUCKETS],
    registers: [this.registry],
  });

  /** Records one answered request. */
  observe(route: string, method: string, status: number, source: string, seconds: number): void {
    const m = METHODS.has(method) ? method : 'OTHER';
    this.requests.inc({ route, method: m, status: String(status), source });
    this.durations.observe({ route, method: m }, seconds);
  }

  /** The middleware that records every request the app answers (install it first). */
  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      const started = performance.now();
      await next();
      this.observe(routeTemplate(c), c.req.method, c.res.status, c.var.connection?.source ?? 'none', (performance.now() - started) / 1000);
    };
  }
}
