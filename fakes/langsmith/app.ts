/**
 * The LangSmith stand-in as a Hono app (TARGETS.md §B): the application API under /api/v1 with
 * LangSmith's paths, headers, bodies, statuses and traps, plus the control API under /_fake
 * (control.ts) that tests use to seed, inspect and break it.
 *
 * Files: auth.ts (headers, keys: §B Headers, Keys), workspaces.ts (S1-S3), org-members.ts
 * (S4-S8), workspace-members.ts (S9-S12), paging.ts (S4b), render.ts (answer shapes),
 * validation.ts + errors.ts (the 422 and the undocumented refusals: §B Conventions, Unknown),
 * state.ts + model.ts (the records).
 *
 * LangSmith is a FastAPI application, and the stand-in answers like one (framework behaviour,
 * not LangSmith docs): an unknown path is `404 {"detail":"Not Found"}`, a known path with another
 * method `405 {"detail":"Method Not Allowed"}`, a trailing slash a 307 to the path without it,
 * and authentication runs before body validation.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { describeIssues, Faults } from '../faults.js';
import { authenticate, type FakeEnv, type Route } from './auth.js';
import { controlCode, controlRoutes } from './control.js';
import { LangSmithError, ValidationFailure } from './errors.js';
import { registerOrgMemberRoutes } from './org-members.js';
import { LangSmithState, type OrganizationInput, type OrgSettings, type SeededOrganization } from './state.js';
import { registerWorkspaceMemberRoutes } from './workspace-members.js';
import { registerWorkspaceRoutes } from './workspaces.js';

export { CONTROL_API_USAGE } from './control.js';
export type { FakeEnv } from './auth.js';

export interface LangSmithFakeOptions {
  /** Share one Faults between stand-ins, or let the fake make its own. */
  faults?: Faults;
  /** The organization the fake starts with (and returns to on reset); false for none. */
  organization?: OrganizationInput | false;
  /** Settings every organization starts with (seat limit, auto-accepted invites, default workspace role). */
  settings?: Partial<OrgSettings>;
}

export interface LangSmithFake {
  app: Hono<FakeEnv>;
  state: LangSmithState;
  faults: Faults;
  /** The organization the fake was started with (null when `organization: false`). */
  organization: () => SeededOrganization | null;
}

export function createLangSmithFake(opts: LangSmithFakeOptions = {}): LangSmithFake {
  const faults = opts.faults ?? new Faults();
  const state = new LangSmithState({ settings: opts.settings });
  let seeded: SeededOrganization | null =
    opts.organization === false ? null : state.createOrganization(opts.organization ?? {}, { initial: true });

  const app = new Hono<FakeEnv>();
  const isControl = (c: Context) => {
    const path = new URL(c.req.url).pathname;
    return path === faults.controlPrefix || path.startsWith(`${faults.controlPrefix}/`);
  };

  // Faults first. Their JSON bodies (`{"error":{...}}`) are rewritten in FastAPI's words
  // (`{"detail": ...}`); status, headers (Retry-After) and the HTML of a 502/503 stay as they
  // are. LangSmith documents neither 429 nor Retry-After (§B Unknown).
  // `c` typed without Hono's `any` input, which would reach the fault middleware as an unchecked `any`.
  app.use('*', async (c: Context<FakeEnv, '*'>, next) => {
    const res = await faults.middleware(c, next);
    if (!(res instanceof Response) || !(res.headers.get('content-type') ?? '').includes('application/json')) return res;
    const body = (await res.clone().json()) as { error?: { message?: unknown } } | null;
    if (typeof body?.error?.message !== 'string') return res;
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return new Response(JSON.stringify({ detail: body.error.message }), { status: res.status, headers });
  });

  // FastAPI (redirect_slashes): `/api/v1/workspaces/` answers 307 to `/api/v1/workspaces`.
  app.use('/api/*', async (c, next) => {
    const url = new URL(c.req.url);
    if (url.pathname.length > 1 && url.pathname.endsWith('/')) {
      url.pathname = url.pathname.replace(/\/+$/, '');
      return c.redirect(url.toString(), 307);
    }
    await next();
  });

  app.onError((err, c) => {
    if (isControl(c)) {
      if (err instanceof LangSmithError) return c.json({ error: { code: controlCode(err.status), message: err.detail } }, err.status);
      if (err instanceof z.ZodError) return c.json({ error: { code: 'invalid_request', message: describeIssues(err) } }, 400);
    } else {
      // §B Unknown: status and body not documented; FastAPI's HTTPException shape.
      if (err instanceof LangSmithError) return c.json({ detail: err.detail }, err.status);
      // §B Conventions: the one documented error.
      if (err instanceof ValidationFailure) return c.json({ detail: err.errors }, 422);
    }
    console.error('[langsmith fake] unhandled error', err);
    return c.json({ detail: 'Internal Server Error' }, 500);
  });
  app.notFound((c) =>
    isControl(c)
      ? c.json({ error: { code: 'not_found', message: `No such control endpoint: ${c.req.method} ${new URL(c.req.url).pathname}.` } }, 404)
      : c.json({ detail: 'Not Found' }, 404),
  );

  // Routing comes before authentication, as in FastAPI: an unknown path is a 404 and a known
  // path with another method a 405 whatever the headers; only a routed request meets `auth`.
  const api = new Hono<FakeEnv>();
  const auth = authenticate(state);
  const paths = new Map<string, Set<string>>();
  const route: Route = (method, path, ...handlers) => {
    const set = paths.get(path) ?? new Set<string>();
    set.add(method.toUpperCase());
    paths.set(path, set);
    api.on(method.toUpperCase(), path, auth, ...handlers);
  };
  // The fixed paths (`/workspaces/current/members`, `/orgs/current/members/active`) are
  // registered before the parameterised ones that could also match them.
  registerWorkspaceMemberRoutes(route, state);
  registerWorkspaceRoutes(route, state);
  registerOrgMemberRoutes(route, state);
  for (const [path, methods] of paths) {
    const allow = [...methods].join(', ');
    api.all(path, (c) => c.json({ detail: 'Method Not Allowed' }, 405, { Allow: allow }));
  }
  app.route('/api/v1', api);

  app.route(
    faults.controlPrefix,
    controlRoutes(state, faults, (orgs) => {
      seeded = orgs[0] ?? null;
    }),
  );

  return { app, state, faults, organization: () => seeded };
}
