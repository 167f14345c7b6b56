/**
 * Workspace members (TARGETS.md §B S9, S10, S11, S12), workspace-scoped: the workspace is the
 * one X-Tenant-Id names (auth.ts, §B Keys). Identity ids on these paths are **workspace**
 * identity ids, from this workspace's list, not the organization list's (§B "Identity ids").
 *
 * Also served, from ls-spec and the Terraform provider, though not in TARGETS.md's table:
 * `GET …/members/active` and `…/members/pending` (paged like S4b) and
 * `DELETE …/members/{id}/pending` (withdraw a pending invite from this workspace)
 * [ls-spec; ls-tf workspace_membership_resource.go].
 */
import { z } from 'zod';
import { tenant, workspaceAdmin, type Route } from './auth.js';
import { badReference, conflict, notFound } from './errors.js';
import { normId, type Organization, type OrgIdentity, type Workspace, type WorkspaceIdentity } from './model.js';
import { ActiveListQuery, ARRAY_PARAMS, page, PendingListQuery } from './paging.js';
import { renderIdentity, renderWorkspaceMember, renderWorkspacePending } from './render.js';
import type { LangSmithState } from './state.js';
import { optional, parseBody, parseQuery, pathUuid, Uuid } from './validation.js';

// ---- request schemas (ls-spec) ---------------------------------------------------------------

/**
 * ls-spec `IdentityCreate` (§B S10): `{org_identity_id, role_id}`, or `ls_user_id`, or the
 * deprecated `user_id` instead of `org_identity_id`; every field optional. There is **no**
 * `workspace_ids` or `workspace_role_id`: the docs' sample sends them (§B "Sources disagree on
 * S10"), and since no schema forbids unknown fields (§B Conventions) they are dropped silently
 * here, so that sample's member gets the server's default role (OrgSettings.defaultWorkspaceRole).
 */
const IdentityCreateBody = z.object({
  org_identity_id: optional(Uuid),
  ls_user_id: optional(Uuid),
  user_id: optional(Uuid),
  read_only: optional(z.boolean()),
  role_id: optional(Uuid),
});
export type WorkspaceMemberInput = z.output<typeof IdentityCreateBody>;
/** ls-spec `IdentityPatch` (§B S11): `role_id` required. */
const IdentityPatchBody = z.object({ role_id: Uuid, read_only: optional(z.boolean()) });

// ---- rules -----------------------------------------------------------------------------------

/** The organization member an S10 body names: org_identity_id, else ls_user_id, else user_id. */
function memberNamed(s: LangSmithState, org: Organization, b: WorkspaceMemberInput): OrgIdentity {
  const members = [...org.members.values()];
  let found: OrgIdentity | undefined;
  if (b.org_identity_id !== undefined) found = org.members.get(b.org_identity_id);
  else if (b.ls_user_id !== undefined) found = members.find((m) => m.userId === b.ls_user_id);
  else if (b.user_id !== undefined) found = members.find((m) => s.users.get(m.userId)?.authUserId === b.user_id);
  // Neither refusal is documented (400 `{detail}` here). A person whose invite is still pending
  // has no organization identity yet, so cannot be added ([ls-tf] refuses to try).
  else throw badReference('Name the organization member: org_identity_id (or ls_user_id, or the deprecated user_id)');
  if (!found)
    throw badReference('That person is not an active member of this organization; invite them with POST /api/v1/orgs/current/members');
  return found;
}

/**
 * §B S10: add an existing organization member to the X-Tenant-Id workspace. Without `role_id`
 * the member gets the server default (not documented; OrgSettings.defaultWorkspaceRole, "Viewer").
 * Already in the workspace: 409, not documented.
 */
export function addWorkspaceMember(s: LangSmithState, org: Organization, ws: Workspace, b: WorkspaceMemberInput): WorkspaceIdentity {
  const member = memberNamed(s, org, b);
  const role = b.role_id === undefined ? s.defaultWorkspaceRole(org) : s.requireRole(org, b.role_id, 'workspace', 'role_id');
  if (s.workspaceIdentityOf(ws, member.id))
    throw conflict(`${s.users.get(member.userId)!.email} is already a member of workspace ${ws.displayName}`);
  return s.addWorkspaceIdentity(ws, member, role.id);
}

/** A workspace identity id from this workspace's list; an organization identity id is not one (404, not documented). */
function requireWorkspaceIdentity(ws: Workspace, identityId: string): WorkspaceIdentity {
  const identity = ws.members.get(normId(identityId));
  if (!identity) throw notFound('Workspace member not found');
  return identity;
}

/** §B S11. */
export function setWorkspaceRole(
  s: LangSmithState,
  org: Organization,
  ws: Workspace,
  identityId: string,
  roleId: string,
): WorkspaceIdentity {
  const identity = requireWorkspaceIdentity(ws, identityId);
  identity.roleId = s.requireRole(org, roleId, 'workspace', 'role_id').id;
  return identity;
}

/** §B S12. */
export function removeWorkspaceMember(ws: Workspace, identityId: string): WorkspaceIdentity {
  const identity = requireWorkspaceIdentity(ws, identityId);
  ws.members.delete(identity.id);
  return identity;
}

/** ls-spec `DELETE /workspaces/current/members/{id}/pending`: the invite no longer brings this workspace. */
export function revokeWorkspacePending(org: Organization, ws: Workspace, pendingId: string): void {
  const id = normId(pendingId);
  const invite = [...org.pending.values()].find((p) => p.workspaces.get(ws.id) === id);
  if (!invite) throw notFound('Pending workspace member not found');
  invite.workspaces.delete(ws.id);
}

const pendingOf = (org: Organization, ws: Workspace) => [...org.pending.values()].filter((p) => p.workspaces.has(ws.id));

// ---- routes ----------------------------------------------------------------------------------

export function registerWorkspaceMemberRoutes(route: Route, s: LangSmithState): void {
  // §B S9: unpaged, `{tenant_id, members, pending}` (ls-spec `TenantMembers`).
  route('get', '/workspaces/current/members', tenant(s), (c) => {
    const org = c.get('org');
    const ws = c.get('workspace');
    return c.json({
      tenant_id: ws.id,
      members: [...ws.members.values()].map((m) => renderWorkspaceMember(s, org, ws, m)),
      pending: pendingOf(org, ws).map((p) => renderWorkspacePending(s, org, ws, p)),
    });
  });
  route('get', '/workspaces/current/members/active', tenant(s), (c) => {
    const org = c.get('org');
    const ws = c.get('workspace');
    const q = parseQuery(c, ActiveListQuery, ARRAY_PARAMS);
    return c.json(
      page(
        [...ws.members.values()].map((m) => renderWorkspaceMember(s, org, ws, m)),
        q,
      ),
    );
  });
  route('get', '/workspaces/current/members/pending', tenant(s), (c) => {
    const org = c.get('org');
    const ws = c.get('workspace');
    const q = parseQuery(c, PendingListQuery, ARRAY_PARAMS);
    return c.json(
      page(
        pendingOf(org, ws).map((p) => renderWorkspacePending(s, org, ws, p)),
        q,
      ),
    );
  });

  // §B S10: 200 (not 201) with ls-spec `Identity`.
  route('post', '/workspaces/current/members', tenant(s), workspaceAdmin(s), async (c) => {
    const org = c.get('org');
    const ws = c.get('workspace');
    const b = await parseBody(c, IdentityCreateBody);
    return c.json(renderIdentity(s, org, ws, addWorkspaceMember(s, org, ws, b)), 200);
  });

  // §B S11, S12 and the pending withdrawal: 200, body not declared by ls-spec (null).
  route('patch', '/workspaces/current/members/:identity_id', tenant(s), workspaceAdmin(s), async (c) => {
    const identityId = pathUuid(c, 'identity_id');
    const { role_id } = await parseBody(c, IdentityPatchBody);
    setWorkspaceRole(s, c.get('org'), c.get('workspace'), identityId, role_id);
    return c.json(null);
  });
  route('delete', '/workspaces/current/members/:identity_id', tenant(s), workspaceAdmin(s), (c) => {
    removeWorkspaceMember(c.get('workspace'), pathUuid(c, 'identity_id'));
    return c.json(null);
  });
  route('delete', '/workspaces/current/members/:identity_id/pending', tenant(s), workspaceAdmin(s), (c) => {
    revokeWorkspacePending(c.get('org'), c.get('workspace'), pathUuid(c, 'identity_id'));
    return c.json(null);
  });
}
