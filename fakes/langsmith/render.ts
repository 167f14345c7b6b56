/**
 * The JSON the LangSmith stand-in answers with, one function per ls-spec schema (TARGETS.md §B
 * table, "success answer" column), and the control API's `GET /_fake/state` view.
 */
import type { LangSmithState } from './state.js';
import type { Organization, OrgIdentity, PendingIdentity, Role, Workspace, WorkspaceIdentity } from './model.js';

type Json = Record<string, unknown>;

/** ls-spec `Role` (§B S3). */
export function renderRole(role: Role): Json {
  return { ...role, permissions: [...role.permissions] };
}

/** ls-spec `app__schemas__Tenant` (§B S2, S2b). */
export function renderWorkspace(org: Organization, ws: Workspace): Json {
  return {
    id: ws.id,
    organization_id: org.id,
    created_at: ws.createdAt,
    display_name: ws.displayName,
    is_personal: false,
    is_deleted: ws.deleted,
    tenant_handle: ws.tenantHandle,
    data_plane_url: null,
  };
}

/**
 * ls-spec `TenantForUser` (§B S1): the workspace plus the caller's own role in it. A service key
 * has no workspace identity; what LangSmith shows for it is not documented (null here).
 */
export function renderWorkspaceForUser(s: LangSmithState, org: Organization, ws: Workspace, callerIdentityId: string | null): Json {
  const mine = callerIdentityId === null ? undefined : s.workspaceIdentityOf(ws, callerIdentityId);
  const role = mine ? s.findRole(org, mine.roleId) : undefined;
  return {
    ...renderWorkspace(org, ws),
    read_only: false,
    role_id: role?.id ?? null,
    role_name: role?.display_name ?? null,
    permissions: role ? [...role.permissions] : null,
  };
}

function person(s: LangSmithState, userId: string): Json {
  const user = s.users.get(userId)!;
  return {
    user_id: user.authUserId,
    ls_user_id: user.id,
    email: user.email,
    full_name: user.fullName,
    display_name: user.fullName,
    avatar_url: null,
    linked_login_methods: [],
  };
}

/** ls-spec `OrgMemberIdentity` (§B S4, S4b): `id` is the organization identity id; `role_*` the organization role. */
export function renderOrgMember(s: LangSmithState, org: Organization, identity: OrgIdentity): Json {
  const roleName = s.roleName(org, identity.roleId);
  return {
    id: identity.id,
    organization_id: org.id,
    tenant_id: null,
    created_at: identity.createdAt,
    ...person(s, identity.userId),
    read_only: false,
    role_id: identity.roleId,
    role_name: roleName,
    access_scope: 'organization',
    is_disabled: identity.disabled,
    org_role_id: identity.roleId,
    org_role_name: roleName,
    tenant_ids: [...org.workspaces.values()].filter((ws) => !ws.deleted && s.workspaceIdentityOf(ws, identity.id)).map((ws) => ws.id),
  };
}

/** ls-spec `OrgPendingIdentity` / `PendingIdentity` at organization level (§B S4 `pending`, S4b, S5). */
export function renderPending(s: LangSmithState, org: Organization, p: PendingIdentity): Json {
  const roleName = s.roleName(org, p.roleId);
  const workspaceIds = [...p.workspaces.keys()];
  return {
    id: p.id,
    email: p.email,
    read_only: false,
    role_id: p.roleId,
    role_name: roleName,
    workspace_ids: workspaceIds,
    workspace_role_id: p.workspaceRoleId,
    password: null,
    full_name: null,
    access_scope: 'organization',
    user_id: p.userId === null ? null : (s.users.get(p.userId)?.authUserId ?? null),
    tenant_id: null,
    organization_id: org.id,
    created_at: p.createdAt,
    org_role_id: p.roleId,
    org_role_name: roleName,
    tenant_ids: workspaceIds,
  };
}

/** ls-spec `MemberIdentity` (§B S9): `id` is the workspace identity id; `role_*` the workspace role. */
export function renderWorkspaceMember(s: LangSmithState, org: Organization, ws: Workspace, w: WorkspaceIdentity): Json {
  const parent = org.members.get(w.parentId);
  return {
    id: w.id,
    organization_id: org.id,
    tenant_id: ws.id,
    created_at: w.createdAt,
    ...person(s, w.userId),
    read_only: false,
    role_id: w.roleId,
    role_name: s.roleName(org, w.roleId),
    access_scope: 'workspace',
    is_disabled: parent?.disabled ?? false,
    org_role_id: parent?.roleId ?? null,
    org_role_name: s.roleName(org, parent?.roleId ?? null),
  };
}

/**
 * ls-spec `PendingIdentity` as a workspace lists it (§B S9 `pending`): its own per-workspace id,
 * and as `role_id` the workspace role the person will get (the server default when the invite
 * named none).
 */
export function renderWorkspacePending(s: LangSmithState, org: Organization, ws: Workspace, p: PendingIdentity): Json {
  const roleId = p.workspaceRoleId ?? s.defaultWorkspaceRole(org).id;
  return {
    id: p.workspaces.get(ws.id)!,
    email: p.email,
    read_only: false,
    role_id: roleId,
    role_name: s.roleName(org, roleId),
    workspace_ids: [...p.workspaces.keys()],
    workspace_role_id: p.workspaceRoleId,
    password: null,
    full_name: null,
    access_scope: 'workspace',
    user_id: p.userId === null ? null : (s.users.get(p.userId)?.authUserId ?? null),
    tenant_id: ws.id,
    organization_id: org.id,
    created_at: p.createdAt,
    org_role_id: p.roleId,
    org_role_name: s.roleName(org, p.roleId),
  };
}

/** ls-spec `Identity` (§B S10 answer). */
export function renderIdentity(s: LangSmithState, org: Organization, ws: Workspace, w: WorkspaceIdentity): Json {
  const user = s.users.get(w.userId)!;
  return {
    id: w.id,
    organization_id: org.id,
    tenant_id: ws.id,
    created_at: w.createdAt,
    user_id: user.authUserId,
    ls_user_id: user.id,
    read_only: false,
    role_id: w.roleId,
    role_name: s.roleName(org, w.roleId),
    access_scope: 'workspace',
  };
}

/**
 * One organization as `GET /_fake/state` shows it (camelCase, like the rest of the control API).
 * Other test suites read it (test/sync/contract.test.ts: `members[].email`,
 * `members[].workspaces[].displayName|roleName`); keep the names stable and only add to them.
 * Members and invites are sorted by email; workspaces and roles keep creation order.
 */
export function snapshot(s: LangSmithState, org: Organization): Json {
  const byEmail = (a: { email: string }, b: { email: string }) => a.email.localeCompare(b.email);
  const roleName = (id: string | null) => s.roleName(org, id);
  const live = [...org.workspaces.values()].filter((ws) => !ws.deleted);
  return {
    id: org.id,
    displayName: org.displayName,
    settings: { ...org.settings },
    seatsUsed: s.seatsUsed(org),
    apiKeys: [...org.keys.values()].map((k) => ({
      key: k.key,
      kind: k.kind,
      organizationScoped: k.organizationScoped,
      homeWorkspaceId: k.homeWorkspaceId,
      identityId: k.identityId,
      roleName: roleName(k.roleId),
      email: k.identityId === null ? null : emailOf(s, org, k.identityId),
    })),
    roles: s.rolesOf(org).map((r) => ({ id: r.id, name: r.name, displayName: r.display_name, accessScope: r.access_scope })),
    members: [...org.members.values()]
      .map((m) => {
        const user = s.users.get(m.userId)!;
        return {
          identityId: m.id,
          userId: user.authUserId,
          lsUserId: user.id,
          email: user.email,
          fullName: user.fullName,
          roleId: m.roleId,
          roleName: roleName(m.roleId),
          disabled: m.disabled,
          workspaces: live.flatMap((ws) => {
            const w = s.workspaceIdentityOf(ws, m.id);
            return w
              ? [{ identityId: w.id, workspaceId: ws.id, displayName: ws.displayName, roleId: w.roleId, roleName: roleName(w.roleId) }]
              : [];
          }),
        };
      })
      .sort(byEmail),
    pending: [...org.pending.values()]
      .map((p) => ({
        id: p.id,
        email: p.email,
        roleName: roleName(p.roleId),
        workspaceRoleId: p.workspaceRoleId,
        workspaces: [...p.workspaces].map(([wid, pendingId]) => ({
          workspaceId: wid,
          pendingId,
          displayName: org.workspaces.get(wid)?.displayName ?? null,
          roleName: roleName(p.workspaceRoleId ?? s.defaultWorkspaceRole(org).id),
        })),
      }))
      .sort(byEmail),
    workspaces: [...org.workspaces.values()].map((ws) => ({
      id: ws.id,
      displayName: ws.displayName,
      deleted: ws.deleted,
      members: [...ws.members.values()]
        .map((w) => ({
          identityId: w.id,
          orgIdentityId: w.parentId,
          email: s.users.get(w.userId)!.email,
          roleId: w.roleId,
          roleName: roleName(w.roleId),
        }))
        .sort(byEmail),
      pending: [...org.pending.values()]
        .filter((p) => p.workspaces.has(ws.id))
        .map((p) => ({
          id: p.id,
          pendingId: p.workspaces.get(ws.id)!,
          email: p.email,
          roleName: roleName(p.workspaceRoleId ?? s.defaultWorkspaceRole(org).id),
        }))
        .sort(byEmail),
    })),
  };
}

function emailOf(s: LangSmithState, org: Organization, identityId: string): string | null {
  const identity = org.members.get(identityId);
  return identity ? (s.users.get(identity.userId)?.email ?? null) : null;
}
