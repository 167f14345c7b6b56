/**
 * The LangSmith stand-in checked against request/answer pairs written from LangSmith's own
 * documentation, its published API description and LangChain's Terraform provider (TARGETS.md
 * §B sources), so that the stand-in cannot drift back to this project's assumptions:
 *
 *   ls-doc   langchain-ai/docs src/langsmith/manage-organization-by-api.mdx (sample code, notes)
 *   ls-spec  tryAGI/LangSmith src/libs/LangSmith/openapi.json (copy of LangSmith's OpenAPI), by operationId
 *   ls-tf    langchain-ai/terraform-provider-langsmith internal/provider/*.go (requests it sends, and
 *            the fake server answers of its own *_test.go)
 *
 * Every row uses only documented statuses (200, 422, and the 403 of §B Keys); the stand-in's
 * choices for undocumented refusals are exercised in langsmith.test.ts, not here.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLangSmithFake, type RunningLangSmithFake } from '../../fakes/langsmith/server.js';

type Json = any;

let fake: RunningLangSmithFake;
beforeAll(async () => {
  fake = await startLangSmithFake();
});
afterAll(async () => {
  await fake?.close();
});

/** The ids a row may use, made fresh before every row. */
interface Ctx {
  orgId: string;
  ws: string;
  role: (name: string) => string;
  /** A member (seeded), Editor in Default. */
  ada: { orgIdentityId: string; wsIdentityId: string; userId: string; lsUserId: string };
  /** A member (seeded) in no workspace. */
  carl: { orgIdentityId: string; userId: string; lsUserId: string };
  /** Invited to the organization and Default, still pending. */
  bob: { pendingId: string; wsPendingId: string };
}

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; tenant?: string | null } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'X-API-Key': fake.organization.apiKey, 'X-Organization-Id': fake.organization.organizationId };
  if (opts.tenant) headers['X-Tenant-Id'] = opts.tenant;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${fake.url}/api/v1${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

async function control(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${fake.url}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

let x: Ctx;
beforeEach(async () => {
  await control('POST', '/reset');
  const orgId = fake.organization.organizationId;
  const ws = fake.organization.workspaces[0]!.id;
  const roles = (await call('GET', '/orgs/current/roles')).body as Json[];
  const role = (name: string) => roles.find((r) => `${r.access_scope}:${r.display_name}` === name)!.id as string;
  const ada = await control('POST', `/organizations/${orgId}/members`, {
    email: 'ada@example.com',
    fullName: 'Ada Lovelace',
    workspaces: [{ workspace: 'Default', role: 'Editor' }],
  });
  const carl = await control('POST', `/organizations/${orgId}/members`, { email: 'carl@example.com' });
  const bob = await call('POST', '/orgs/current/members', {
    body: {
      email: 'bob@example.com',
      role_id: role('organization:Organization User'),
      workspace_ids: [ws],
      workspace_role_id: role('workspace:Editor'),
    },
  });
  const wsList = (await call('GET', '/workspaces/current/members', { tenant: ws })).body;
  x = {
    orgId,
    ws,
    role,
    ada: {
      orgIdentityId: ada.id,
      wsIdentityId: wsList.members.find((m: Json) => m.email === 'ada@example.com').id,
      userId: ada.user_id,
      lsUserId: ada.ls_user_id,
    },
    carl: { orgIdentityId: carl.id, userId: carl.user_id, lsUserId: carl.ls_user_id },
    bob: { pendingId: bob.body.id, wsPendingId: wsList.pending.find((p: Json) => p.email === 'bob@example.com').id },
  };
});

interface Row {
  name: string;
  source: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (x: Ctx) => string;
  body?: (x: Ctx) => unknown;
  /** X-Tenant-Id: the Default workspace (true), or none. */
  tenant?: boolean;
  status: number;
  /** The salient fields of the answer (toMatchObject). */
  answer?: (x: Ctx) => unknown;
  /** What a read-back shows afterwards. */
  then?: (x: Ctx, body: Json) => void | Promise<void>;
}

const loc = (...l: (string | number)[]) => expect.arrayContaining([expect.objectContaining({ loc: l })]);
const workspaceMembers = async (x: Ctx) => (await call('GET', '/workspaces/current/members', { tenant: x.ws })).body;
const orgMembers = async () => (await call('GET', '/orgs/current/members')).body;

const ROWS: Row[] = [
  // ---- workspaces and roles: §B S1, S2, S2b, S3 ----
  {
    name: 'list workspaces: a bare array of TenantForUser',
    source: 'ls-spec list_workspaces_api_v1_workspaces_get (200: array of TenantForUser); ls-doc "List workspaces"',
    method: 'GET',
    path: () => '/workspaces?include_deleted=false',
    status: 200,
    answer: (x) => [
      { id: x.ws, organization_id: x.orgId, display_name: 'Default', is_personal: false, is_deleted: false, tenant_handle: null },
    ],
  },
  {
    name: 'create a workspace: 200 (not 201) with the Tenant',
    source:
      'ls-doc sample "Create a workspace" session.post(workspaces_path, json={"display_name": "My Workspace"}); ls-spec create_workspace_api_v1_workspaces_post (200: Tenant)',
    method: 'POST',
    path: () => '/workspaces',
    body: () => ({ display_name: 'My Workspace' }),
    status: 200,
    answer: (x) => ({
      display_name: 'My Workspace',
      organization_id: x.orgId,
      is_personal: false,
      is_deleted: false,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    }),
  },
  {
    name: 'create a workspace with a chosen id and handle',
    source: 'ls-spec WorkspaceCreate {id (uuid), display_name, tenant_handle}; ls-tf workspace_resource.go workspaceNewParamsFromModel',
    method: 'POST',
    path: () => '/workspaces',
    body: () => ({ id: '7d4f6f7e-1111-4222-8333-944445555666', display_name: 'Staging', tenant_handle: 'staging' }),
    status: 200,
    answer: () => ({ id: '7d4f6f7e-1111-4222-8333-944445555666', display_name: 'Staging', tenant_handle: 'staging' }),
  },
  {
    name: 'an empty display_name is a 422',
    source: 'ls-spec WorkspaceCreate.display_name minLength 1; HTTPValidationError',
    method: 'POST',
    path: () => '/workspaces',
    body: () => ({ display_name: '' }),
    status: 422,
    answer: () => ({ detail: loc('body', 'display_name') }),
  },
  {
    name: 'a display_name outside the pattern is a 422',
    source: "ls-spec WorkspaceCreate.display_name pattern ^[a-zA-Z0-9\\-_ '@()]+$",
    method: 'POST',
    path: () => '/workspaces',
    body: () => ({ display_name: 'R&D / EU' }),
    status: 422,
    answer: () => ({ detail: [expect.objectContaining({ loc: ['body', 'display_name'], type: 'string_pattern_mismatch' })] }),
  },
  {
    name: 'rename a workspace (X-Tenant-Id = the workspace, as the Terraform provider sends)',
    source:
      'ls-spec patch_workspace_api_v1_workspaces__workspace_id__patch (WorkspacePatch, 200: Tenant); ls-tf workspace_resource.go updateWorkspace',
    method: 'PATCH',
    path: (x) => `/workspaces/${x.ws}`,
    body: () => ({ display_name: 'Production' }),
    tenant: true,
    status: 200,
    answer: (x) => ({ id: x.ws, display_name: 'Production' }),
  },
  {
    name: 'a workspace_id that is not a UUID is a 422',
    source: 'ls-spec patch_workspace: path workspace_id format uuid',
    method: 'PATCH',
    path: () => '/workspaces/abc',
    body: () => ({ display_name: 'X' }),
    status: 422,
    answer: () => ({ detail: [expect.objectContaining({ loc: ['path', 'workspace_id'], type: 'uuid_parsing' })] }),
  },
  {
    name: 'list roles: organization and workspace roles in one bare array, with access_scope',
    source:
      "ls-doc sample: roles_res = session.get(f\"{orgs_path}/roles\"); \"system org roles are 'Organization Admin', 'Organization User'; system workspace roles are 'Admin', 'Editor', 'Viewer'\"; ls-spec Role",
    method: 'GET',
    path: () => '/orgs/current/roles',
    status: 200,
    answer: () =>
      ['organization:Organization Admin', 'organization:Organization User', 'workspace:Admin', 'workspace:Editor', 'workspace:Viewer'].map(
        (n) => {
          const [scope, displayName] = n.split(':');
          return { access_scope: scope, display_name: displayName, id: expect.any(String), permissions: expect.any(Array) };
        },
      ),
  },
  // ---- organization members: §B S4, S4b ----
  {
    name: 'list organization members: {organization_id, members, pending}',
    source:
      'ls-spec get_current_org_members (OrganizationMembers); ls-doc sample org_members["members"], member["email"], member["user_id"]',
    method: 'GET',
    path: () => '/orgs/current/members',
    status: 200,
    answer: (x) => ({
      organization_id: x.orgId,
      members: expect.arrayContaining([
        expect.objectContaining({
          id: x.ada.orgIdentityId,
          email: 'ada@example.com',
          user_id: x.ada.userId,
          ls_user_id: x.ada.lsUserId,
          role_name: 'Organization User',
          tenant_ids: [x.ws],
          is_disabled: false,
        }),
      ]),
      pending: [expect.objectContaining({ id: x.bob.pendingId, email: 'bob@example.com', workspace_ids: [x.ws] })],
    }),
  },
  {
    name: "active members by email: a bare array (the Terraform provider's lookup)",
    source:
      'ls-tf access_helpers.go readMembershipLists (limit=100, emails, sort_by=created_at, sort_by_desc=true); ls-spec get_current_active_org_members (array of OrgMemberIdentity)',
    method: 'GET',
    path: () => '/orgs/current/members/active?limit=100&emails=ada%40example.com&sort_by=created_at&sort_by_desc=true',
    status: 200,
    answer: (x) => [
      { id: x.ada.orgIdentityId, email: 'ada@example.com', ls_user_id: x.ada.lsUserId, role_id: x.role('organization:Organization User') },
    ],
  },
  {
    name: 'pending members by email: a bare array',
    source:
      'ls-tf org_membership_resource.go readOrgMembership (orgMembershipPendingPath); ls-spec get_current_pending_org_members (array of OrgPendingIdentity)',
    method: 'GET',
    path: () => '/orgs/current/members/pending?limit=100&emails=bob%40example.com',
    status: 200,
    answer: (x) => [
      { id: x.bob.pendingId, email: 'bob@example.com', role_id: x.role('organization:Organization User'), workspace_ids: [x.ws] },
    ],
  },
  {
    name: 'limit above 500 is a 422',
    source: 'ls-spec get_current_active_org_members: limit maximum 500',
    method: 'GET',
    path: () => '/orgs/current/members/active?limit=501',
    status: 422,
    answer: () => ({ detail: [expect.objectContaining({ loc: ['query', 'limit'], type: 'less_than_equal' })] }),
  },
  {
    name: 'limit below 1 is a 422',
    source: 'ls-spec get_current_pending_org_members: limit minimum 1',
    method: 'GET',
    path: () => '/orgs/current/members/pending?limit=0',
    status: 422,
    answer: () => ({ detail: [expect.objectContaining({ loc: ['query', 'limit'], type: 'greater_than_equal' })] }),
  },
  // ---- invites: §B S5, S8 ----
  {
    name: 'invite to the organization and a workspace: 200, a pending identity',
    source:
      'ls-doc sample "Invite a user to the org and the new workspace, as an Editor" {email, role_id, workspace_ids, workspace_role_id}; ls-spec add_member_to_current_org (PendingIdentity)',
    method: 'POST',
    path: () => '/orgs/current/members',
    body: (x) => ({
      email: 'new@example.com',
      role_id: x.role('organization:Organization User'),
      workspace_ids: [x.ws],
      workspace_role_id: x.role('workspace:Editor'),
    }),
    status: 200,
    answer: (x) => ({
      id: expect.any(String),
      email: 'new@example.com',
      role_id: x.role('organization:Organization User'),
      workspace_ids: [x.ws],
      workspace_role_id: x.role('workspace:Editor'),
    }),
    then: async (_x, body) => {
      expect((await orgMembers()).pending.map((p: Json) => p.id)).toContain(body.id);
    },
  },
  {
    name: "invite with an organization role only (the Terraform provider's body)",
    source: 'ls-tf access_helpers.go orgInvitePayload {email, role_id}; org_membership_resource.go createOrgMembershipInvite',
    method: 'POST',
    path: () => '/orgs/current/members',
    body: (x) => ({ email: 'tf@example.com', role_id: x.role('organization:Organization Admin') }),
    status: 200,
    answer: (x) => ({ email: 'tf@example.com', role_id: x.role('organization:Organization Admin'), role_name: 'Organization Admin' }),
  },
  {
    name: 'read_only, password and full_name are accepted by the schema (the docs say to omit them)',
    source: 'ls-spec PendingIdentityCreate {read_only, password, full_name}; ls-doc Note "These params should be omitted"',
    method: 'POST',
    path: () => '/orgs/current/members',
    body: () => ({ email: 'legacy@example.com', read_only: false, password: null, full_name: 'Legacy' }),
    status: 200,
    answer: () => ({ email: 'legacy@example.com' }),
  },
  {
    name: 'an invite without email is a 422',
    source: 'ls-spec PendingIdentityCreate required ["email"]',
    method: 'POST',
    path: () => '/orgs/current/members',
    body: () => ({ role_id: null }),
    status: 422,
    answer: () => ({ detail: [expect.objectContaining({ loc: ['body', 'email'], type: 'missing', msg: 'Field required' })] }),
  },
  {
    name: 'batch invite: an array in, an array of pending identities out',
    source:
      'ls-spec add_members_to_current_org_batch_api_v1_orgs_current_members_batch_post (Payloads: array of PendingIdentityCreate; 200: array of PendingIdentity)',
    method: 'POST',
    path: () => '/orgs/current/members/batch',
    body: (x) => [
      { email: 'b1@example.com', workspace_ids: [x.ws], workspace_role_id: x.role('workspace:Viewer') },
      { email: 'b2@example.com' },
    ],
    status: 200,
    answer: (x) => [{ email: 'b1@example.com', workspace_ids: [x.ws] }, { email: 'b2@example.com' }],
  },
  {
    name: 'a batch that is not an array is a 422',
    source: 'ls-spec add_members_to_current_org_batch: body type array',
    method: 'POST',
    path: () => '/orgs/current/members/batch',
    body: () => ({ email: 'b1@example.com' }),
    status: 422,
    answer: () => ({ detail: [expect.objectContaining({ loc: ['body'], type: 'list_type' })] }),
  },
  {
    name: 'revoke a pending invite by its pending id',
    source:
      'ls-spec delete_current_org_pending_member ("When an admin deletes a pending member invite", 200); ls-tf org_membership_resource.go deletePendingOrgMembership',
    method: 'DELETE',
    path: (x) => `/orgs/current/members/${x.bob.pendingId}/pending`,
    status: 200,
    then: async () => {
      expect((await orgMembers()).pending).toEqual([]);
    },
  },
  // ---- organization roles and removal: §B S6, S7 ----
  {
    name: 'change an organization role with the org identity id',
    source:
      'ls-doc sample "Update the user\'s organization role to Organization Admin" session.patch(f"{orgs_path}/members/{existing_org_member[\'id\']}", json={"role_id": ...}); ls-spec update_current_org_member (OrgIdentityPatch)',
    method: 'PATCH',
    path: (x) => `/orgs/current/members/${x.ada.orgIdentityId}`,
    body: (x) => ({ role_id: x.role('organization:Organization Admin') }),
    status: 200,
    then: async (x) => {
      expect((await orgMembers()).members.find((m: Json) => m.id === x.ada.orgIdentityId).role_name).toBe('Organization Admin');
    },
  },
  {
    name: 'a role_id that is not a UUID is a 422',
    source: 'ls-spec OrgIdentityPatch.role_id format uuid',
    method: 'PATCH',
    path: (x) => `/orgs/current/members/${x.ada.orgIdentityId}`,
    body: () => ({ role_id: 'admin' }),
    status: 422,
    answer: () => ({ detail: [expect.objectContaining({ loc: ['body', 'role_id'], type: 'uuid_parsing' })] }),
  },
  {
    name: 'remove someone from the organization (and so from its workspaces)',
    source: 'ls-spec remove_member_from_current_org (200); ls-doc "Remove someone from the organization"',
    method: 'DELETE',
    path: (x) => `/orgs/current/members/${x.ada.orgIdentityId}`,
    status: 200,
    then: async (x) => {
      expect((await orgMembers()).members.map((m: Json) => m.email)).not.toContain('ada@example.com');
      expect((await workspaceMembers(x)).members.map((m: Json) => m.email)).not.toContain('ada@example.com');
    },
  },
  // ---- workspace members: §B S9-S12 ----
  {
    name: 'list workspace members: {tenant_id, members, pending}',
    source:
      'ls-doc sample session.get(f"{workspaces_path}/current/members", headers=new_workspace_headers); members["members"]; ls-spec TenantMembers',
    method: 'GET',
    path: () => '/workspaces/current/members',
    tenant: true,
    status: 200,
    answer: (x) => ({
      tenant_id: x.ws,
      members: expect.arrayContaining([
        expect.objectContaining({ id: x.ada.wsIdentityId, email: 'ada@example.com', role_name: 'Editor', tenant_id: x.ws }),
      ]),
      pending: [expect.objectContaining({ id: x.bob.wsPendingId, email: 'bob@example.com', tenant_id: x.ws })],
    }),
  },
  {
    name: 'a workspace-scoped request without X-Tenant-Id, with an organization-scoped key, is 403',
    source:
      'ls-doc Warning: "If X-Tenant-Id is not specified when accessing workspace-scoped resources with an organization-scoped service key, the request will fail with 403 Forbidden."',
    method: 'GET',
    path: () => '/workspaces/current/members',
    status: 403,
  },
  {
    name: 'add an organization member to a workspace: {org_identity_id, role_id}',
    source:
      'ls-tf workspace_membership_resource.go workspaceMemberPayloadFromOrgMembership + TestWorkspaceMembershipEnsureCreatesActiveMembershipForAcceptedOrgMember; ls-spec IdentityCreate, add_member_to_current_workspace (200: Identity)',
    method: 'POST',
    path: () => '/workspaces/current/members',
    body: (x) => ({ org_identity_id: x.carl.orgIdentityId, role_id: x.role('workspace:Editor') }),
    tenant: true,
    status: 200,
    answer: (x) => ({
      tenant_id: x.ws,
      organization_id: x.orgId,
      ls_user_id: x.carl.lsUserId,
      user_id: x.carl.userId,
      role_id: x.role('workspace:Editor'),
      role_name: 'Editor',
    }),
    then: (x, body) => {
      // §B "Identity ids": the workspace identity is not the organization identity.
      expect(body.id).not.toBe(x.carl.orgIdentityId);
    },
  },
  {
    name: 'add by ls_user_id instead',
    source: 'ls-spec IdentityCreate.ls_user_id; ls-tf workspaceMemberPayloadFromOrgMembership (LSUserID fallback)',
    method: 'POST',
    path: () => '/workspaces/current/members',
    body: (x) => ({ ls_user_id: x.carl.lsUserId, role_id: x.role('workspace:Admin') }),
    tenant: true,
    status: 200,
    answer: (x) => ({ ls_user_id: x.carl.lsUserId, role_name: 'Admin' }),
  },
  {
    name: "the docs' sample body {user_id, workspace_ids, workspace_role_id} is accepted (200)",
    source:
      'ls-doc sample "Add a user that already exists in the org to the new workspace, as a Viewer" json={"user_id":..., "workspace_ids": [...], "workspace_role_id": ...}',
    method: 'POST',
    path: () => '/workspaces/current/members',
    body: (x) => ({ user_id: x.carl.userId, workspace_ids: [x.ws], workspace_role_id: x.role('workspace:Viewer') }),
    tenant: true,
    status: 200,
    answer: (x) => ({ user_id: x.carl.userId, tenant_id: x.ws }),
  },
  {
    name: "the sample's workspace_role_id is not a field of S10: asking for Editor that way yields the server default",
    source:
      'ls-spec IdentityCreate has no workspace_ids/workspace_role_id (TARGETS.md §B "Sources disagree on S10"); stand-in default role Viewer',
    method: 'POST',
    path: () => '/workspaces/current/members',
    body: (x) => ({ user_id: x.carl.userId, workspace_ids: [x.ws], workspace_role_id: x.role('workspace:Editor') }),
    tenant: true,
    status: 200,
    answer: () => ({ role_name: 'Viewer' }),
    then: async (x) => {
      expect((await workspaceMembers(x)).members.find((m: Json) => m.email === 'carl@example.com').role_name).toBe('Viewer');
    },
  },
  {
    name: 'change a workspace role with the workspace identity id',
    source:
      'ls-doc sample "Update the user\'s workspace role to Admin" session.patch(f"{workspaces_path}/current/members/{workspace_member[\'id\']}", json={"role_id": ...}); ls-tf updateActiveWorkspaceMembershipRole',
    method: 'PATCH',
    path: (x) => `/workspaces/current/members/${x.ada.wsIdentityId}`,
    body: (x) => ({ role_id: x.role('workspace:Admin') }),
    tenant: true,
    status: 200,
    then: async (x) => {
      expect((await workspaceMembers(x)).members.find((m: Json) => m.id === x.ada.wsIdentityId).role_name).toBe('Admin');
    },
  },
  {
    name: 'a workspace role change without role_id is a 422',
    source: 'ls-spec IdentityPatch required ["role_id"]',
    method: 'PATCH',
    path: (x) => `/workspaces/current/members/${x.ada.wsIdentityId}`,
    body: () => ({}),
    tenant: true,
    status: 422,
    answer: () => ({ detail: [expect.objectContaining({ loc: ['body', 'role_id'], type: 'missing' })] }),
  },
  {
    name: 'remove someone from a workspace',
    source: 'ls-spec delete_current_workspace_member (200); ls-tf deleteActiveWorkspaceMembership',
    method: 'DELETE',
    path: (x) => `/workspaces/current/members/${x.ada.wsIdentityId}`,
    tenant: true,
    status: 200,
    then: async (x) => {
      expect((await workspaceMembers(x)).members.map((m: Json) => m.email)).not.toContain('ada@example.com');
      expect((await orgMembers()).members.map((m: Json) => m.email)).toContain('ada@example.com');
    },
  },
  {
    name: 'active workspace members by email: a bare array',
    source:
      'ls-tf workspace_membership_resource.go readWorkspaceMembership (workspaceMembershipActivePath, X-Tenant-Id); ls-spec get_current_active_workspace_members (array of MemberIdentity)',
    method: 'GET',
    path: () => '/workspaces/current/members/active?limit=100&emails=ada%40example.com',
    tenant: true,
    status: 200,
    answer: (x) => [{ id: x.ada.wsIdentityId, email: 'ada@example.com', role_name: 'Editor' }],
  },
  {
    name: 'withdraw a pending invite from a workspace by its workspace pending id',
    source:
      'ls-tf TestWorkspaceMembershipDeleteUsesPendingEndpoint (DELETE /api/v1/workspaces/current/members/{pending-id}/pending); ls-spec delete_current_workspace_pending_member',
    method: 'DELETE',
    path: (x) => `/workspaces/current/members/${x.bob.wsPendingId}/pending`,
    tenant: true,
    status: 200,
    then: async (x) => {
      expect((await workspaceMembers(x)).pending).toEqual([]);
    },
  },
];

describe('recorded LangSmith exchanges', () => {
  it('has a source for every row, and enough rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
    for (const row of ROWS) expect(row.source).toMatch(/ls-(doc|spec|tf)/);
  });

  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const res = await call(row.method, row.path(x), { ...(row.body ? { body: row.body(x) } : {}), tenant: row.tenant ? x.ws : null });
    expect(res.status, `${row.method} ${row.path(x)} -> ${JSON.stringify(res.body)}\nsource: ${row.source}`).toBe(row.status);
    if (row.status === 422) expect(Array.isArray(res.body.detail)).toBe(true);
    if (row.answer) expect(res.body).toMatchObject(row.answer(x) as object);
    if (row.then) await row.then(x, res.body);
  });
});
