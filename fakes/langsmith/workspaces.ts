/**
 * Workspaces and roles (TARGETS.md §B S1, S2, S2b, S3), organization-scoped.
 */
import { z } from 'zod';
import { orgAdmin, resolveTenant, type Route } from './auth.js';
import { conflict, forbidden, notFound } from './errors.js';
import type { Caller, Organization, Workspace } from './model.js';
import { renderRole, renderWorkspace, renderWorkspaceForUser } from './render.js';
import type { LangSmithState } from './state.js';
import { DisplayName, optional, parseBody, parseQuery, pathUuid, queryBool, Uuid } from './validation.js';

// ---- request schemas (ls-spec) ---------------------------------------------------------------

/** ls-spec `WorkspaceCreate`: `{display_name (min 1, pattern), id?, tenant_handle?}` (§B S2). */
const WorkspaceCreateBody = z.object({ display_name: DisplayName, id: Uuid.optional(), tenant_handle: optional(z.string()) });
/** ls-spec `WorkspacePatch`: `{display_name}` (§B S2b). */
const WorkspacePatchBody = z.object({ display_name: DisplayName });
/** §B S1: `?include_deleted=false`. */
const ListQuery = z.object({ include_deleted: queryBool(false) });

// ---- rules -----------------------------------------------------------------------------------

/** §B S1: "the workspaces this key can see". */
export function visibleWorkspaces(s: LangSmithState, org: Organization, caller: Caller, includeDeleted: boolean): Workspace[] {
  return [...org.workspaces.values()].filter((ws) => (includeDeleted || !ws.deleted) && s.canReach(caller, ws));
}

/**
 * §B S2. A workspace id already taken is a 409 (not documented). A personal key's owner becomes
 * the new workspace's Admin, as the UI does (not documented); a service key adds nobody.
 */
export function createWorkspace(s: LangSmithState, org: Organization, caller: Caller, b: z.output<typeof WorkspaceCreateBody>): Workspace {
  if (b.id !== undefined) {
    for (const o of s.organizations.values()) if (o.workspaces.has(b.id)) throw conflict(`Workspace ${b.id} already exists`);
  }
  const ws = s.addWorkspace(org, b.display_name, b.id, b.tenant_handle ?? null);
  if (caller.identity) s.addWorkspaceIdentity(ws, caller.identity, s.systemRole('WORKSPACE_ADMIN').id);
  return ws;
}

/** §B S2b. An unknown (or deleted) workspace is 404, not documented. */
export function renameWorkspace(s: LangSmithState, org: Organization, caller: Caller, workspaceId: string, displayName: string): Workspace {
  const ws = org.workspaces.get(workspaceId);
  if (!ws || ws.deleted) throw notFound('Workspace not found');
  if (!s.isWorkspaceAdmin(caller, ws)) throw forbidden('This action needs the Admin role in this workspace');
  ws.displayName = displayName;
  return ws;
}

// ---- routes ----------------------------------------------------------------------------------

export function registerWorkspaceRoutes(route: Route, s: LangSmithState): void {
  // §B S1: a bare array of ls-spec `TenantForUser`.
  route('get', '/workspaces', (c) => {
    const org = c.get('org');
    const caller = c.get('caller');
    const { include_deleted } = parseQuery(c, ListQuery);
    return c.json(
      visibleWorkspaces(s, org, caller, include_deleted).map((ws) => renderWorkspaceForUser(s, org, ws, caller.identity?.id ?? null)),
    );
  });

  // §B S2: 200 (not 201) with ls-spec `Tenant`.
  route('post', '/workspaces', orgAdmin(s), async (c) => {
    const org = c.get('org');
    const b = await parseBody(c, WorkspaceCreateBody);
    return c.json(renderWorkspace(org, createWorkspace(s, org, c.get('caller'), b)), 200);
  });

  // §B S2b. TARGETS.md marks it organization-scoped; ls-spec's security for this route is
  // "Tenant ID" and the Terraform provider sends X-Tenant-Id = the workspace [ls-tf
  // workspace_resource.go]. The stand-in accepts both: without X-Tenant-Id the path names the
  // workspace; with one, it must be a workspace the key reaches (§B Keys).
  route('patch', '/workspaces/:workspace_id', async (c) => {
    const org = c.get('org');
    resolveTenant(s, c, { required: false });
    const workspaceId = pathUuid(c, 'workspace_id');
    const { display_name } = await parseBody(c, WorkspacePatchBody);
    return c.json(renderWorkspace(org, renameWorkspace(s, org, c.get('caller'), workspaceId, display_name)));
  });

  // §B S3: a bare array of ls-spec `Role`, system roles first, with `access_scope`.
  route('get', '/orgs/current/roles', (c) => c.json(s.rolesOf(c.get('org')).map(renderRole)));
}
