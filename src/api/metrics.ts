/**
 * Request metrics for /metrics, in the Prometheus text format (version 0.0.4), without a client
 * library: a counter of requests by route template, method, status and SCIM source, and a
 * latency histogram by route template and method. Route labels are the templates the app
 * registers (`/scim/v2/Users/:id`), never the raw path, so the number of series stays bounded
 * however many resources there are. Everything else /metrics shows is read from the database at
 * scrape time (src/api/health.routes.ts).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from './env.js';

/** Seconds; from a cached read to a 50,000-member PUT. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** The label value of a request no route matched (a 404 of the not-found handler). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods kept as they are; anything else is counted as OTHER (a client may send any token). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Escapes a label value: backslash, double quote and line feed (exposition format). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{a="1",b="2"}`, or nothing without labels. */
export function labels(pairs: Record<string, string>): string {
  const parts = Object.entries(pairs).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** A number as the format writes it (integers without a fraction, +Inf/-Inf/NaN spelled out). */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

/** Appends one metric family: its HELP and TYPE lines, then its samples. */
export function family(
  out: string[],
  name: string,
  type: 'counter' | 'gauge' | 'histogram',
  help: string,
  samples: [suffixAndLabels: string, value: number][],
): void {
  out.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
  out.push(`# TYPE ${name} ${type}`);
  for (const [rest, value] of samples) out.push(`${name}${rest} ${formatValue(value)}`);
}

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

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

interface Histogram {
  /** Per bucket (not cumulative); the last one is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class HttpMetrics {
  /** `route\u0000method\u0000status\u0000source` → count. */
  private readonly requests = new Map<string, number>();
  /** `route\u0000method` → histogram. */
  private readonly durations = new Map<string, Histogram>();

  /** Records one answered request. */
  observe(route: string, method: string, status: number, source: string, seconds: number): void {
    const m = METHODS.has(method) ? method : 'OTHER';
    const key = [route, m, String(status), source].join('\u0000');
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hKey = `${route}\u0000${m}`;
    let h = this.durations.get(hKey);
    if (!h) {
      h = { counts: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      this.durations.set(hKey, h);
    }
    const i = DURATION_BUCKETS.findIndex((b) => seconds <= b);
    h.counts[i < 0 ? DURATION_BUCKETS.length : i]! += 1;
    h.sum += seconds;
    h.count += 1;
  }

  /** The middleware that records every request the app answers (install it first). */
  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      const started = performance.now();
      await next();
      this.observe(
        routeTemplate(c),
        c.req.method,
        c.res.status,
        c.var.connection?.source ?? 'none',
        (performance.now() - started) / 1000,
      );
    };
  }

  /** The request counter and latency histogram in the text format. */
  render(out: string[]): void {
    const requestSamples: [string, number][] = [...this.requests.entries()].sort(byKey).map(([key, n]) => {
      const [route, method, status, source] = key.split('\u0000') as [string, string, string, string];
      return [labels({ route, method, status, source }), n];
    });
    family(
      out,
      'scim_bridge_http_requests_total',
      'counter',
      'HTTP requests answered, by route template, method, status and SCIM source (the IdP connection; "none" outside SCIM).',
      requestSamples,
    );
    const durationSamples: [string, number][] = [];
    for (const [key, h] of [...this.durations.entries()].sort(byKey)) {
      const [route, method] = key.split('\u0000') as [string, string];
      let cumulative = 0;
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += h.counts[i]!;
        durationSamples.push([`_bucket${labels({ route, method, le: String(le) })}`, cumulative]);
      });
      durationSamples.push([`_bucket${labels({ route, method, le: '+Inf' })}`, h.count]);
      durationSamples.push([`_sum${labels({ route, method })}`, h.sum]);
      durationSamples.push([`_count${labels({ route, method })}`, h.count]);
    }
    family(
      out,
      'scim_bridge_http_request_duration_seconds',
      'histogram',
      'Time from the request reaching the bridge to its answer, by route template and method.',
      durationSamples,
    );
  }
}
