/**
 * Fault injection for the stand-ins of remote applications (fakes/langwatch, fakes/langsmith).
 *
 * One `Faults` object holds a fault configuration that tests (or a person with curl) switch at
 * runtime, a Hono middleware that applies it to every request outside the control API, and the
 * request counters that let a test assert how hard a client hit the application:
 *
 *   const faults = new Faults();
 *   app.use('*', faults.middleware);          // first, before any route
 *   app.route('/_fake', faults.controlRoutes()); // PUT/GET/DELETE /_fake/faults, GET/DELETE /_fake/requests
 *
 * What can be switched on (PUT /_fake/faults replaces the whole configuration):
 *
 *   {
 *     "latency":    { "ms": 200 } | { "minMs": 50, "maxMs": 400 },
 *     "errors":     { "next": 3, "status": 503 } | { "rate": 0.2, "status": 500 },
 *     "rateLimit":  { "next": 2, "retryAfterSeconds": 1 } | { "forMs": 5000 },
 *     "resets":     { "next": 1 } | { "rate": 0.1 },
 *     "timeouts":   { "next": 1 } | { "rate": 0.1 },
 *     "planRequired": true,
 *     "match":      { "method": "POST", "path": "/api/groups/:id/members" }
 *   }
 *
 * The order a request meets them: latency, connection reset, timeout, 429, 5xx, 402. "next"
 * counts down with every request it hits; "rate" is a probability per request. `match` (optional)
 * limits every fault to the requests it matches (method, and a path where `:name` matches one
 * segment and a trailing `*` matches the rest).
 *
 * Requests to the control API (`controlPrefix`, default /_fake) are never faulted and never
 * counted: a test that reads the counters does not disturb them.
 */
import type { Socket } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { z } from 'zod';

// ---- configuration -------------------------------------------------------------------------

/** Upper bound of any injected delay, so a typo cannot hang a test run for an hour. */
const MAX_DELAY_MS = 600_000;
const count = z.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be at least 0');
const rate = z.number({ error: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const delay = count.max(MAX_DELAY_MS, `must be at most ${MAX_DELAY_MS}`);
const ERROR_STATUSES = [500, 502, 503] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];

export const FaultConfigSchema = z
  .object({
    latency: z
      .object({ ms: delay.optional(), minMs: delay.optional(), maxMs: delay.optional() })
      .strict()
      .superRefine((v, ctx) => {
        const fixed = v.ms !== undefined;
        const ranged = v.minMs !== undefined || v.maxMs !== undefined;
        if (fixed === ranged) {
          ctx.addIssue({ code: 'custom', message: 'give either ms, or minMs and maxMs' });
        } else if (ranged && (v.minMs === undefined || v.maxMs === undefined)) {
          ctx.addIssue({ code: 'custom', message: 'give both minMs and maxMs' });
        } else if (ranged && v.minMs! > v.maxMs!) {
          ctx.addIssue({ code: 'custom', path: ['minMs'], message: 'must not be greater than maxMs' });
        }
      })
      .optional(),
    errors: z
      .object({
        next: count.optional(),
        rate: rate.optional(),
        status: z.literal(ERROR_STATUSES, { error: `must be one of ${ERROR_STATUSES.join(', ')}` }).optional(),
      })
      .strict()
      .optional(),
    rateLimit: z
      .object({
        next: count.optional(),
        forMs: delay.optional(),
        retryAfterSeconds: count.max(86_400, 'must be at most 86400').optional(),
      })
      .strict()
      .optional(),
    resets: z.object({ next: count.optional(), rate: rate.optional() }).strict().optional(),
    timeouts: z.object({ next: count.optional(), rate: rate.optional() }).strict().optional(),
    planRequired: z.boolean({ error: 'must be a boolean' }).optional(),
    match: z
      .object({
        method: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
        path: z.string({ error: 'must be a string' }).startsWith('/', 'must start with /').optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type FaultConfig = z.input<typeof FaultConfigSchema>;

/** The live configuration, as GET /_fake/faults shows it: "next" counters are what is left. */
export interface FaultState {
  latency: { minMs: number; maxMs: number } | null;
  errors: { next: number; rate: number; status: ErrorStatus } | null;
  rateLimit: { next: number; until: string | null; retryAfterSeconds: number | null } | null;
  resets: { next: number; rate: number } | null;
  timeouts: { next: number; rate: number } | null;
  planRequired: boolean;
  match: { method: string | null; path: string | null } | null;
}

const NO_FAULTS: FaultState = {
  latency: null,
  errors: null,
  rateLimit: null,
  resets: null,
  timeouts: null,
  planRequired: false,
  match: null,
};

// ---- request counters ----------------------------------------------------------------------

/** What a request ended with: an HTTP status, or no answer at all. */
export type Outcome = number | 'reset' | 'timeout';
export type FaultKind = 'reset' | 'timeout' | 'rate_limit' | 'error' | 'plan_required';

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  /** `METHOD /path/:template` of the route that matched, or `METHOD /concrete/path` when none did. */
  route: string;
  /** Absent while the request is still in flight. */
  outcome?: Outcome;
  fault: FaultKind | null;
  delayedMs: number;
  durationMs?: number;
}

export interface RequestStats {
  /** Every request received (outside the control API), counted on arrival. */
  total: number;
  inFlight: number;
  byRoute: Record<string, number>;
  /** By outcome: "200", "429", "reset", "timeout", ... (counted when the request ends). */
  byStatus: Record<string, number>;
  byRouteAndStatus: Record<string, Record<string, number>>;
  /** The most recent requests, oldest first (at most `logLimit`). */
  log: RequestLogEntry[];
}

// ---- the fault switchboard -----------------------------------------------------------------

export interface FaultsOptions {
  /** Requests under this prefix are neither faulted nor counted. Default `/_fake`. */
  controlPrefix?: string;
  /** The source of randomness for rates and random latency (tests may pin it). */
  random?: () => number;
  /** How many requests the log keeps. Default 1000. */
  logLimit?: number;
}

type Sockety = Pick<Socket, 'destroy' | 'once' | 'off' | 'destroyed'> & { resetAndDestroy?: () => unknown };

export class Faults {
  readonly controlPrefix: string;
  private readonly random: () => number;
  private readonly logLimit: number;
  private state: FaultState = structuredClone(NO_FAULTS);
  private stats: RequestStats = emptyStats();
  /** Resolvers of every injected delay and hang: called when the server closes. */
  private readonly waiters = new Set<() => void>();

  constructor(opts: FaultsOptions = {}) {
    this.controlPrefix = opts.controlPrefix ?? '/_fake';
    this.random = opts.random ?? Math.random;
    this.logLimit = opts.logLimit ?? 1000;
  }

  /** Replaces the whole configuration. Throws a ZodError on an invalid one. */
  set(config: FaultConfig): FaultState {
    const c = FaultConfigSchema.parse(config);
    const next: FaultState = structuredClone(NO_FAULTS);
    if (c.latency) {
      next.latency =
        c.latency.ms !== undefined
          ? { minMs: c.latency.ms, maxMs: c.latency.ms }
          : { minMs: c.latency.minMs ?? 0, maxMs: c.latency.maxMs ?? 0 };
    }
    if (c.errors) next.errors = { next: c.errors.next ?? 0, rate: c.errors.rate ?? 0, status: c.errors.status ?? 500 };
    if (c.rateLimit) {
      next.rateLimit = {
        next: c.rateLimit.next ?? 0,
        until: c.rateLimit.forMs !== undefined ? new Date(Date.now() + c.rateLimit.forMs).toISOString() : null,
        retryAfterSeconds: c.rateLimit.retryAfterSeconds ?? null,
      };
    }
    if (c.resets) next.resets = { next: c.resets.next ?? 0, rate: c.resets.rate ?? 0 };
    if (c.timeouts) next.timeouts = { next: c.timeouts.next ?? 0, rate: c.timeouts.rate ?? 0 };
    next.planRequired = c.planRequired ?? false;
    if (c.match) next.match = { method: c.match.method?.toUpperCase() ?? null, path: c.match.path ?? null };
    this.state = next;
    return this.get();
  }

  get(): FaultState {
    return structuredClone(this.state);
  }

  /** Back to a healthy application. */
  clear(): FaultState {
    this.state = structuredClone(NO_FAULTS);
    return this.get();
  }

  requests(opts: { log?: boolean } = {}): RequestStats {
    const copy = structuredClone(this.stats);
    if (opts.log === false) copy.log = [];
    return copy;
  }

  resetRequests(): void {
    this.stats = { ...emptyStats(), inFlight: this.stats.inFlight };
  }

  /**
   * Ends every injected delay and hang now (hung requests lose their connection). The server
   * calls this when it closes, so a hung request never keeps a test process alive.
   */
  release(): void {
    const pending = [...this.waiters];
    this.waiters.clear();
    for (const resolve of pending) resolve();
  }

  /** The middleware: register it first, on `*`. */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path === this.controlPrefix || path.startsWith(`${this.controlPrefix}/`)) return next();

    const started = Date.now();
    const entry: RequestLogEntry = {
      at: new Date(started).toISOString(),
      method: c.req.method,
      path,
      route: `${c.req.method} ${routeTemplate(c) ?? path}`,
      fault: null,
      delayedMs: 0,
    };
    this.arrive(entry);
    let outcome: Outcome = 500;
    try {
      if (!this.matches(c.req.method, path)) {
        await next();
        outcome = c.res.status;
        return;
      }
      const s = this.state;
      if (s.latency) {
        const ms = Math.round(s.latency.minMs + (s.latency.maxMs - s.latency.minMs) * this.random());
        entry.delayedMs = ms;
        if (ms > 0) await this.wait(ms);
      }
      const socket = rawSocket(c);
      if (this.fire(s.resets)) {
        entry.fault = 'reset';
        outcome = 'reset';
        if (!socket) return fallbackNoAnswer(c, 502, 'connection_reset');
        // A TCP RST where the platform can send one, a plain close otherwise: either way the
        // client sees a network error and no HTTP answer.
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
        return RESPONSE_ALREADY_SENT;
      }
      if (this.fire(s.timeouts)) {
        entry.fault = 'timeout';
        outcome = 'timeout';
        // Hang until the client gives up (its socket closes) or the server closes.
        await this.hang(socket);
        if (!socket) return fallbackNoAnswer(c, 504, 'timeout');
        socket.destroy();
        return RESPONSE_ALREADY_SENT;
      }
      const retryAfter = this.rateLimited();
      if (retryAfter !== null) {
        entry.fault = 'rate_limit';
        outcome = 429;
        return c.json({ error: { code: 'rate_limited', message: `Too many requests; retry after ${retryAfter} seconds.` } }, 429, {
          'Retry-After': String(retryAfter),
        });
      }
      if (s.errors && this.fire(s.errors)) {
        entry.fault = 'error';
        outcome = s.errors.status;
        return serverError(c, s.errors.status);
      }
      if (s.planRequired) {
        entry.fault = 'plan_required';
        outcome = 402;
        return c.json(
          {
            error: {
              code: 'enterprise_plan_required',
              message: 'This feature requires an Enterprise plan. Contact your account team to enable it.',
            },
          },
          402,
        );
      }
      await next();
      outcome = c.res.status;
    } finally {
      this.finish(entry, outcome, started);
    }
  };

  /**
   * The control routes, to mount under `controlPrefix`:
   * PUT/GET/DELETE `/faults`, GET/DELETE `/requests` (GET takes `?log=false`).
   */
  controlRoutes(): Hono {
    const r = new Hono();
    r.put('/faults', async (c) => {
      const body = await readJson(c);
      if (!body.ok) return invalid(c, body.message);
      const parsed = FaultConfigSchema.safeParse(body.value);
      if (!parsed.success) return invalid(c, describeIssues(parsed.error));
      return c.json({ faults: this.set(parsed.data) });
    });
    r.get('/faults', (c) => c.json({ faults: this.get() }));
    r.delete('/faults', (c) => c.json({ faults: this.clear() }));
    r.get('/requests', (c) => c.json(this.requests({ log: c.req.query('log') !== 'false' })));
    r.delete('/requests', (c) => {
      this.resetRequests();
      return c.json(this.requests());
    });
    return r;
  }

  // ---- internals -----------------------------------------------------------------------------

  private matches(method: string, path: string): boolean {
    const m = this.state.match;
    if (!m) return true;
    if (m.method && m.method !== method.toUpperCase()) return false;
    return !m.path || pathMatches(m.path, path);
  }

  /** Whether a "next N or rate" fault hits this request; counts N down when it does. */
  private fire(f: { next: number; rate: number } | null): boolean {
    if (!f) return false;
    if (f.next > 0) {
      f.next -= 1;
      return true;
    }
    return f.rate > 0 && this.random() < f.rate;
  }

  /** The Retry-After seconds of a 429 for this request, or null when it is not rate limited. */
  private rateLimited(): number | null {
    const rl = this.state.rateLimit;
    if (!rl) return null;
    if (rl.next > 0) {
      rl.next -= 1;
      return rl.retryAfterSeconds ?? 1;
    }
    if (rl.until !== null) {
      const left = Date.parse(rl.until) - Date.now();
      if (left > 0) return rl.retryAfterSeconds ?? Math.max(1, Math.ceil(left / 1000));
    }
    return null;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private hang(socket: Sockety | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        socket?.off('close', done);
        resolve();
      };
      this.waiters.add(done);
      if (socket) {
        if (socket.destroyed) done();
        else socket.once('close', done);
      }
    });
  }

  private arrive(entry: RequestLogEntry): void {
    const s = this.stats;
    s.total += 1;
    s.inFlight += 1;
    s.byRoute[entry.route] = (s.byRoute[entry.route] ?? 0) + 1;
    s.log.push(entry);
    if (s.log.length > this.logLimit) s.log.splice(0, s.log.length - this.logLimit);
  }

  private finish(entry: RequestLogEntry, outcome: Outcome, started: number): void {
    const s = this.stats;
    s.inFlight = Math.max(0, s.inFlight - 1);
    entry.outcome = outcome;
    entry.durationMs = Date.now() - started;
    const key = String(outcome);
    s.byStatus[key] = (s.byStatus[key] ?? 0) + 1;
    const perRoute = (s.byRouteAndStatus[entry.route] ??= {});
    perRoute[key] = (perRoute[key] ?? 0) + 1;
  }
}

function emptyStats(): RequestStats {
  return { total: 0, inFlight: 0, byRoute: {}, byStatus: {}, byRouteAndStatus: {}, log: [] };
}

/** The raw socket behind a request served by @hono/node-server; undefined in `app.request()`. */
function rawSocket(c: Context): Sockety | undefined {
  const env = c.env as Partial<HttpBindings> | undefined;
  return env?.incoming?.socket;
}

/** The template of the route that answers (the last matched one that is not a middleware). */
function routeTemplate(c: Context): string | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]!;
    if (r.method !== 'ALL') return r.path;
  }
  return undefined;
}

/** `/api/groups/:id/*` style: `:name` matches one segment, a trailing `*` the rest. */
export function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg === '*' && i === p.length - 1) return true;
    const actual = s[i];
    if (actual === undefined) return false;
    if (!seg.startsWith(':') && seg !== actual) return false;
  }
  return p.length === s.length;
}

/**
 * A 500 is the application's own JSON error; 502 and 503 come from the load balancer in front
 * of it, as HTML, so a client must not assume every error body is JSON.
 */
function serverError(c: Context, status: ErrorStatus): Response {
  if (status === 500) {
    return c.json({ error: { code: 'internal_server_error', message: 'Something went wrong (injected fault).' } }, 500);
  }
  const title = status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
  return c.html(`<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>\n`, status);
}

/**
 * Without a raw socket (in-process `app.request`) a reset or hang cannot be real: answer with
 * the gateway status a proxy would give instead, and say why.
 */
function fallbackNoAnswer(c: Context, status: 502 | 504, code: string): Response {
  return c.json({ error: { code, message: `Injected ${code}: there is no socket to act on in process.` } }, status);
}

// ---- small helpers the stand-ins share -----------------------------------------------------

/** `a.b[0].c: message; ...`: what every stand-in says about an invalid body or query. */
export function describeIssues(error: z.ZodError, max = 5): string {
  return error.issues
    .slice(0, max)
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
        '',
      );
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function invalid(c: Context, message: string): Response {
  return c.json({ error: { code: 'invalid_request', message } }, 400);
}

/** The JSON body, or why there is none worth reading (for a 400 naming `body`). */
export async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; empty: boolean; message: string }> {
  const text = await c.req.text();
  if (text.trim() === '') return { ok: false, empty: true, message: 'body: a JSON body is required' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, empty: false, message: 'body: must be valid JSON' };
  }
}
