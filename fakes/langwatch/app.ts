/**
 * The LangWatch stand-in as one Hono app (TARGETS.md §A): the SCIM server (`/api/scim/v2`,
 * scim.ts), the SCIM-token family (`/api/scim-tokens`, scim-tokens.ts), REST Groups
 * (`/api/groups`, groups.ts), organization members and invites (`/api/organization`,
 * organization.ts), and the control API under `/_fake` (control.ts).
 *
 * Errors are rendered here, by family (TARGETS §A0 "Error bodies"): the Groups flat body, the
 * organization body (with `error` only on the bare path), SCIM's RFC 7644 body, and the control
 * API's house shape. Faults (fakes/faults.ts) keep their status and headers but answer in the
 * family's words too, so a client reading a fault never meets a body the real server cannot send.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { describeIssues, Faults } from '../faults.js';
import { createControlApp } from './control.js';
import {
  controlBody,
  groupsBody,
  INTERNAL_500,
  LwError,
  organizationBody,
  RawAnswer,
  ScimFail,
  scimBody,
  UniqueViolation,
} from './errors.js';
import { createGroupsApp } from './groups.js';
import { MANAGEMENT_API_VERSION, type OrganizationInput, type OrgSettings, type SeededOrganization } from './model.js';
import { createOrganizationApp } from './organization.js';
import { createScimApp, SCIM_BASE } from './scim.js';
import { createScimTokensApp } from './scim-tokens.js';
import { LangWatchState } from './state.js';

export { CONTROL_API_USAGE, dumpOrganization } from './control.js';

export interface LangWatchFakeOptions {
  /** Share one Faults between stand-ins, or let the fake make its own. */
  faults?: Faults;
  /** The organization the fake starts with (and returns to on reset); false for none. */
  organization?: OrganizationInput | false;
  /** Settings every organization starts with. */
  settings?: Partial<OrgSettings>;
  /** Base of invite links (LangWatch's BASE_HOST); defaults to the origin each request came in on. */
  publicUrl?: string;
}

export interface LangWatchFake {
  app: Hono<{ Bindings: HttpBindings }>;
  state: LangWatchState;
  faults: Faults;
  /** The organization the fake was started with (null when `organization: false`). */
  organization: () => SeededOrganization | null;
}

type FamilyName = 'scim' | 'groups' | 'organization' | 'control' | 'other';
const VERSION_SEGMENT = new RegExp(`^/api/(organization|scim-tokens)/(${MANAGEMENT_API_VERSION}|latest)(/|$)`);

function familyOf(c: Context, controlPrefix: string): { family: FamilyName; versioned: boolean } {
  const path = new URL(c.req.url).pathname;
  if (path === controlPrefix || path.startsWith(`${controlPrefix}/`)) return { family: 'control', versioned: false };
  if (path === SCIM_BASE || path.startsWith(`${SCIM_BASE}/`)) return { family: 'scim', versioned: false };
  if (path === '/api/groups' || path.startsWith('/api/groups/')) return { family: 'groups', versioned: false };
  if (/^\/api\/(organization|scim-tokens)(\/|$)/.test(path)) return { family: 'organization', versioned: VERSION_SEGMENT.test(path) };
  return { family: 'other', versioned: false };
}

/** The body LangWatch would send for a status no route chose (a fault, an unmapped failure). */
function genericBody(
  family: FamilyName,
  versioned: boolean,
  status: number,
  code: string,
  message: string,
): { body: unknown; type: string } {
  if (family === 'scim') return { body: scimBody(status, message), type: 'application/scim+json' };
  if (family === 'groups')
    return { body: { error: code, message, fault: status >= 500 ? 'platform' : 'customer' }, type: 'application/json' };
  if (family === 'organization') return { body: organizationBody(new LwError(status, code, message), versioned), type: 'application/json' };
  return { body: controlBody(code, message), type: 'application/json' };
}

export function createLangWatchFake(opts: LangWatchFakeOptions = {}): LangWatchFake {
  const faults = opts.faults ?? new Faults();
  const state = new LangWatchState({ settings: opts.settings });
  let seeded: SeededOrganization | null =
    opts.organization === false ? null : state.createOrganization(opts.organization ?? {}, { initial: true });
  const seed = { get: () => seeded, set: (s: SeededOrganization | null) => void (seeded = s) };

  const app = new Hono<{ Bindings: HttpBindings }>();

  // Faults first, rewritten into the family's body shape (status and Retry-After kept; the HTML of
  // a 502/503 from the load balancer and a dropped connection stay as they are).
  // `c` typed without Hono's `any` input, which would reach every helper below as an unchecked `any`.
  app.use('*', async (c: Context<{ Bindings: HttpBindings }, '*'>, next) => {
    let reached = false;
    const res = await faults.middleware(c, async () => {
      reached = true;
      await next();
    });
    if (reached || !(res instanceof Response) || !(res.headers.get('content-type') ?? '').includes('application/json')) return res;
    const { family, versioned } = familyOf(c, faults.controlPrefix);
    let status = res.status;
    let code = status === 429 ? 'rate_limited' : status === 402 ? 'enterprise_plan_required' : 'internal_error';
    let message = status === 429 ? 'Too many requests' : 'An unknown error occurred';
    if (status === 402) {
      // TARGETS §A1: SCIM answers a plan it does not have with 403, never 402.
      if (family === 'scim') status = 403;
      message =
        family === 'scim'
          ? 'SCIM provisioning requires an Enterprise plan'
          : family === 'groups'
            ? 'Groups require an Enterprise plan'
            : 'The management API requires an Enterprise plan';
    }
    if (status >= 500 && family === 'groups') {
      code = 'Internal server error';
      message = 'Internal server error';
    }
    if (status >= 500 && family === 'scim') return c.json(INTERNAL_500, 500);
    const { body, type } = genericBody(family, versioned, status, code, message);
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    headers.set('content-type', type);
    return new Response(JSON.stringify(body), { status, headers });
  });

  app.onError((err, c) => {
    const { family, versioned } = familyOf(c, faults.controlPrefix);
    if (err instanceof RawAnswer) return c.json(err.body, err.status as 400);
    if (family === 'control') {
      if (err instanceof LwError)
        return c.json(controlBody(err.code, err.message, Object.keys(err.meta).length ? err.meta : undefined), err.status as 400);
      if (err instanceof z.ZodError) return c.json(controlBody('invalid_request', describeIssues(err)), 400);
    }
    if (family === 'scim') {
      if (err instanceof ScimFail)
        return new Response(JSON.stringify(scimBody(err.status, err.detail)), {
          status: err.status,
          headers: { 'Content-Type': 'application/scim+json' },
        });
      // TARGETS §A1 "Errors": a uniqueness violation the SCIM routes do not catch is the flat REST 409.
      if (err instanceof UniqueViolation) return c.json({ error: 'Conflict', message: err.message }, 409);
      return c.json(INTERNAL_500, 500);
    }
    if (family === 'groups') {
      if (err instanceof LwError) return c.json(groupsBody(err), err.status as 400);
      // `handleGroupError`: anything unmapped (e.g. deleting a membership that is not there) is a bare 500.
      return c.json({ error: 'Internal server error', message: 'Internal server error' }, 500);
    }
    if (family === 'organization') {
      if (err instanceof LwError) return c.json(organizationBody(err, versioned), err.status as 400);
      return c.json(organizationBody(new LwError(500, 'internal_error', 'An unknown error occurred'), versioned), 500);
    }
    console.error('[langwatch fake] unhandled error', err);
    return c.json(controlBody('internal_server_error', 'Internal error in the LangWatch stand-in.'), 500);
  });

  app.notFound((c) => {
    const { family } = familyOf(c, faults.controlPrefix);
    if (family === 'control')
      return c.json(controlBody('not_found', `No such control endpoint: ${c.req.method} ${new URL(c.req.url).pathname}.`), 404);
    // Hono's own 404 for a path no route serves (e.g. /api/scim/v2/Bulk, /Me, /.search).
    return c.text('404 Not Found', 404);
  });

  app.route(SCIM_BASE, createScimApp(state));
  for (const version of [null, MANAGEMENT_API_VERSION, 'latest'] as const) {
    const suffix = version === null ? '' : `/${version}`;
    app.route(`/api/scim-tokens${suffix}`, createScimTokensApp(state, version));
    app.route(`/api/organization${suffix}`, createOrganizationApp(state, version, opts.publicUrl));
  }
  app.route('/api/groups', createGroupsApp(state));
  app.route(faults.controlPrefix, createControlApp(state, faults, seed));

  return { app, state, faults, organization: () => seeded };
}
