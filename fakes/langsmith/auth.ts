/**
 * Headers and keys (TARGETS.md §B "Headers", "Keys").
 *
 * - `X-API-Key` on every request; missing or unknown is 401 (status and body not documented).
 * - `X-Organization-Id` on every request (ls-doc: "should be present on all requests"); the
 *   stand-in refuses a request without it, or naming another organization than the key's, with
 *   403 (not documented; ls-spec lists the header only on organization-scoped routes, so a
 *   real server may be more lenient; a client that always sends it is right either way).
 * - workspace-scoped (ls-spec security "Tenant ID") routes take their workspace from
 *   `X-Tenant-Id`. Without it, an organization-scoped key is refused with **403** (§B Keys,
 *   ls-doc Warning: documented), and a key that is not organization-scoped defaults to the
 *   workspace it was created in (§B Keys). An X-Tenant-Id naming a workspace the key cannot
 *   reach (unknown, deleted, another organization's, not a member) is 403 (not documented).
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { H } from 'hono/types';
import { forbidden, LangSmithError } from './errors.js';
import type { Caller, Organization, Workspace } from './model.js';
import type { LangSmithState } from './state.js';
import { parseUuid } from './validation.js';

export interface FakeEnv {
  Bindings: HttpBindings;
  Variables: { org: Organization; caller: Caller; workspace: Workspace };
}

export type Mw = MiddlewareHandler<FakeEnv>;

/** Registers an application route (authenticated, counted, 405 for other methods); see app.ts. */
export type Route = (method: 'get' | 'post' | 'patch' | 'delete', path: string, ...handlers: H<FakeEnv>[]) => void;

export function authenticate(state: LangSmithState): Mw {
  return async (c, next) => {
    const key = c.req.header('x-api-key')?.trim();
    if (!key) throw new LangSmithError(401, 'Missing API key: send it in the X-API-Key header');
    const found = state.authenticate(key);
    if (!found) throw new LangSmithError(401, 'Invalid API key');
    const orgHeader = c.req.header('x-organization-id')?.trim();
    if (!orgHeader) throw forbidden('Missing X-Organization-Id header');
    if (parseUuid(orgHeader) !== found.organization.id) throw forbidden(`The API key does not belong to organization ${orgHeader}`);
    const caller = state.callerOf(found.organization, found.apiKey);
    if (!caller) throw forbidden('The owner of this API key is no longer an active member of the organization');
    c.set('org', found.organization);
    c.set('caller', caller);
    await next();
  };
}

/** §B Keys: the workspace of a workspace-scoped request. */
export function resolveTenant(state: LangSmithState, c: Context<FakeEnv>, opts: { required: boolean }): Workspace | null {
  const org = c.get('org');
  const caller = c.get('caller');
  const raw = c.req.header('x-tenant-id')?.trim();
  if (!raw) {
    if (!opts.required) return null;
    // Documented: "If X-Tenant-Id is not specified when accessing workspace-scoped resources with
    // an organization-scoped service key, the request will fail with 403 Forbidden" (ls-doc).
    if (caller.key.organizationScoped)
      throw forbidden('X-Tenant-Id is required for workspace-scoped requests with an organization-scoped key');
    // Documented: otherwise "operations will default to the workspace the key was initially created in".
    const home = caller.key.homeWorkspaceId === null ? undefined : org.workspaces.get(caller.key.homeWorkspaceId);
    if (!home || home.deleted || !state.canReach(caller, home))
      throw forbidden('The workspace this key was created in is no longer reachable');
    return home;
  }
  const id = parseUuid(raw);
  const ws = id === null ? undefined : org.workspaces.get(id);
  if (!ws || ws.deleted || !state.canReach(caller, ws)) {
    throw forbidden(`Workspace ${raw} is not a workspace of this organization, or this key has no access to it`);
  }
  return ws;
}

export function tenant(state: LangSmithState): Mw {
  return async (c, next) => {
    c.set('workspace', resolveTenant(state, c, { required: true })!);
    await next();
  };
}

/** Organization management needs Organization Admin (ls-doc Notes); the refusal is not documented (403 here). */
export function orgAdmin(state: LangSmithState): Mw {
  return async (c, next) => {
    if (!state.isOrgAdmin(c.get('caller'))) throw forbidden('This action needs the Organization Admin role');
    await next();
  };
}

/** Managing a workspace's members needs its Admin role or Organization Admin; the refusal is not documented (403). */
export function workspaceAdmin(state: LangSmithState): Mw {
  return async (c, next) => {
    if (!state.isWorkspaceAdmin(c.get('caller'), c.get('workspace'))) throw forbidden('This action needs the Admin role in this workspace');
    await next();
  };
}
