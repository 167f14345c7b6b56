/**
 * Recorded pairs for LangWatch's REST Groups API (TARGETS.md §A2) and its Enterprise gate,
 * written from langwatch/langwatch's own integration tests and docs. The source suites act with
 * the admin's personal key; rows act with the manage service key (same permissions here).
 */
import { expect } from 'vitest';
import type { Given, Row } from './langwatch-recorded-types.js';

const GROUPS = 'platform/app/src/app/api/groups/__tests__/groups-rest-api.integration.test.ts';
const GATE = 'platform/app/src/app/api/groups/__tests__/groups-enterprise-gate.integration.test.ts';
const within = (g: Given) => g.org.teams[0]!.id;

export const GROUPS_ROWS: Row[] = [
  // ---- groups ---------------------------------------------------------------------------
  {
    source: `${GROUPS} › lists all groups for the organization`,
    given: async (g) => void (await g.group('List Test')),
    request: { method: 'GET', path: '/api/groups', as: 'manage' },
    expect: { status: 200, body: { data: [{ name: 'List Test' }] } },
  },
  {
    source: `${GROUPS} › returns paginated results (TARGETS §A2: no totalPages)`,
    request: { method: 'GET', path: '/api/groups?page=1&limit=10', as: 'manage' },
    expect: { status: 200, body: { pagination: { page: 1, limit: 10, total: 0 } } },
    after: (_g, _v, reply) => expect(reply.body.pagination).not.toHaveProperty('totalPages'),
  },
  {
    source: `${GROUPS} › returns 401 without auth`,
    request: { method: 'GET', path: '/api/groups', as: 'none' },
    expect: { status: 401, body: { error: 'Unauthorized' } },
  },
  {
    source: `${GROUPS} › creates a group`,
    request: { method: 'POST', path: '/api/groups', as: 'manage', body: { name: 'New Group' } },
    expect: { status: 201, body: { id: expect.any(String), slug: 'new-group' } },
  },
  {
    source: `${GROUPS} › creates a group with members and bindings`,
    given: async (g) => ({ second: await g.member('test2@example.com', { name: 'Groups Second User' }), team: within(g) }),
    request: {
      method: 'POST',
      path: '/api/groups',
      as: 'manage',
      bodyOf: (v) => ({ name: 'Full Group', memberIds: [v.second], bindings: [{ role: 'MEMBER', scopeType: 'TEAM', scopeId: v.team }] }),
    },
    expect: { status: 201 },
    after: async (g, _v, reply) => {
      const detail = (await g.rest('GET', `/api/groups/${reply.body.id}`)).body;
      expect([detail.members.length, detail.bindings.length]).toEqual([1, 1]);
    },
  },
  {
    source: `${GROUPS} › returns 422 for missing name`,
    request: { method: 'POST', path: '/api/groups', as: 'manage', body: {} },
    expect: { status: 422, body: { error: 'validation_error', reasons: [{ code: 'schema_failure', meta: { field: 'name' } }] } },
  },
  {
    source: `${GROUPS} › returns group with members and bindings`,
    given: async (g) => {
      const second = await g.member('test2@example.com');
      return { second, id: await g.group('Detail Test', { memberIds: [second] }) };
    },
    request: { method: 'GET', path: (v) => `/api/groups/${v.id}`, as: 'manage' },
    expect: { status: 200, bodyOf: (v) => ({ members: [{ userId: v.second }], bindings: [] }) },
  },
  {
    source: `${GROUPS} › returns 404 for nonexistent (GET)`,
    request: { method: 'GET', path: '/api/groups/nonexistent', as: 'manage' },
    expect: { status: 404, body: { error: 'group_not_found' } },
  },
  {
    source: `${GROUPS} › renames a group`,
    given: async (g) => ({ id: await g.group('Rename Test') }),
    request: { method: 'PATCH', path: (v) => `/api/groups/${v.id}`, as: 'manage', body: { name: 'Renamed Group' } },
    expect: { status: 200, body: { name: 'Renamed Group', slug: expect.stringContaining('renamed-group') } },
  },
  {
    source: `${GROUPS} › rejects rename of SCIM-managed group`,
    given: async (g) => ({ id: await g.group('SCIM Group', { scimSource: 'azure-ad' }) }),
    request: { method: 'PATCH', path: (v) => `/api/groups/${v.id}`, as: 'manage', body: { name: 'New Name' } },
    expect: { status: 409, body: { error: 'scim_managed_group' } },
  },
  {
    source: `${GROUPS} › deletes a group`,
    given: async (g) => ({ id: await g.group('Delete Test') }),
    request: { method: 'DELETE', path: (v) => `/api/groups/${v.id}`, as: 'manage' },
    expect: { status: 200, body: { success: true } },
    after: async (g, v) => expect((await g.rest('GET', `/api/groups/${v.id}`)).status).toBe(404),
  },
  {
    source: `${GROUPS} › refuses to delete a directory-managed group and leaves it in place`,
    given: async (g) => ({ id: await g.group('Scim Delete', { scimSource: 'okta' }) }),
    request: { method: 'DELETE', path: (v) => `/api/groups/${v.id}`, as: 'manage' },
    expect: { status: 409, body: { error: 'scim_managed_group' } },
    after: async (g, v) => expect((await g.rest('GET', `/api/groups/${v.id}`)).status).toBe(200),
  },
  {
    source: `${GROUPS} › returns 404 for nonexistent (DELETE)`,
    request: { method: 'DELETE', path: '/api/groups/nonexistent', as: 'manage' },
    expect: { status: 404, body: { error: 'group_not_found' } },
  },
  {
    source: `${GROUPS} › adds a member`,
    given: async (g) => ({ id: await g.group('Member Test'), second: await g.member('test2@example.com') }),
    request: { method: 'POST', path: (v) => `/api/groups/${v.id}/members`, as: 'manage', bodyOf: (v) => ({ userId: v.second }) },
    expect: { status: 201, body: { success: true } },
  },
  {
    source: `${GROUPS} › lists group members`,
    given: async (g) => {
      const second = await g.member('test2@example.com', { name: 'Groups Second User' });
      return { id: await g.group('Member Test', { memberIds: [second] }) };
    },
    request: { method: 'GET', path: (v) => `/api/groups/${v.id}/members`, as: 'manage' },
    expect: { status: 200, body: { data: [{ userId: expect.any(String), name: 'Groups Second User', email: 'test2@example.com' }] } },
  },
  {
    source: `${GROUPS} › removes a member`,
    given: async (g) => {
      const second = await g.member('test2@example.com');
      return { second, id: await g.group('Member Test', { memberIds: [second] }) };
    },
    request: { method: 'DELETE', path: (v) => `/api/groups/${v.id}/members/${v.second}`, as: 'manage' },
    expect: { status: 200, body: { success: true } },
    after: async (g, v) => expect((await g.rest('GET', `/api/groups/${v.id}/members`)).body.data).toEqual([]),
  },
  {
    source: `${GROUPS} › rejects adding to SCIM-managed group`,
    given: async (g) => ({ id: await g.group('SCIM Member', { scimSource: 'okta' }), second: await g.member('test2@example.com') }),
    request: { method: 'POST', path: (v) => `/api/groups/${v.id}/members`, as: 'manage', bodyOf: (v) => ({ userId: v.second }) },
    expect: { status: 409, body: { error: 'scim_managed_group' } },
  },
  {
    source: `${GROUPS} › rejects non-org user`,
    given: async (g) => ({
      id: await g.group('Member Test'),
      outsider: await g.member('outsider@example.com', {}, (await g.otherOrg()).organizationId),
    }),
    request: { method: 'POST', path: (v) => `/api/groups/${v.id}/members`, as: 'manage', bodyOf: (v) => ({ userId: v.outsider }) },
    expect: { status: 422, bodyOf: (v) => ({ error: 'user_not_in_organization', userId: v.outsider }) },
  },
  {
    source: `${GROUPS} › rejects removal from SCIM group`,
    given: async (g) => ({
      id: await g.group('SCIM Remove', { scimSource: 'azure-ad', memberIds: [g.org.admin.userId] }),
      admin: g.org.admin.userId,
    }),
    request: { method: 'DELETE', path: (v) => `/api/groups/${v.id}/members/${v.admin}`, as: 'manage' },
    expect: { status: 409, body: { error: 'scim_managed_group' } },
  },
  {
    source: 'docs/api-reference/groups/overview.mdx › Errors (group_member_already_added, 409)',
    given: async (g) => ({ id: await g.group('Twice', { memberIds: [g.org.admin.userId] }), admin: g.org.admin.userId }),
    request: { method: 'POST', path: (v) => `/api/groups/${v.id}/members`, as: 'manage', bodyOf: (v) => ({ userId: v.admin }) },
    expect: { status: 409, bodyOf: (v) => ({ error: 'group_member_already_added', userId: v.admin }) },
  },
  {
    source:
      'platform/app/src/server/app-layer/groups/repositories/group.prisma.repository.ts removeMember + groups error-handler.ts (TARGETS §A2: a non-member is an unmapped 500)',
    given: async (g) => ({ id: await g.group('Nobody here'), admin: g.org.admin.userId }),
    request: { method: 'DELETE', path: (v) => `/api/groups/${v.id}/members/${v.admin}`, as: 'manage' },
    expect: { status: 500, body: { error: 'Internal server error' } },
  },
  {
    source: `${GROUPS} › adds a role binding`,
    given: async (g) => ({ id: await g.group('Binding Test'), team: within(g) }),
    request: {
      method: 'POST',
      path: (v) => `/api/groups/${v.id}/bindings`,
      as: 'manage',
      bodyOf: (v) => ({ role: 'MEMBER', scopeType: 'TEAM', scopeId: v.team }),
    },
    expect: { status: 201, bodyOf: (v) => ({ id: expect.any(String), role: 'MEMBER', scopeType: 'TEAM', scopeId: v.team }) },
  },
  {
    source:
      'platform/app/src/server/app-layer/groups/group.service.ts addBinding + role-bindings/errors.ts RoleBindingAlreadyExistsError (TARGETS §A2)',
    given: async (g) => ({
      id: await g.group('Binding Test', { bindings: [{ role: 'MEMBER', scopeType: 'TEAM', scopeId: within(g) }] }),
      team: within(g),
    }),
    request: {
      method: 'POST',
      path: (v) => `/api/groups/${v.id}/bindings`,
      as: 'manage',
      bodyOf: (v) => ({ role: 'MEMBER', scopeType: 'TEAM', scopeId: v.team }),
    },
    expect: { status: 409, bodyOf: (v) => ({ error: 'role_binding_already_exists', scopeType: 'TEAM', scopeId: v.team }) },
  },
  {
    source: `${GROUPS} › lists group bindings`,
    given: async (g) => ({ id: await g.group('Binding Test', { bindings: [{ role: 'MEMBER', scopeType: 'TEAM', scopeId: within(g) }] }) }),
    request: { method: 'GET', path: (v) => `/api/groups/${v.id}/bindings`, as: 'manage' },
    expect: { status: 200, body: { data: [{ role: 'MEMBER', scopeType: 'TEAM', customRoleId: null, customRoleName: null }] } },
  },
  {
    source: `${GROUPS} › removes a binding`,
    given: async (g) => {
      const id = await g.group('Binding Test', { bindings: [{ role: 'MEMBER', scopeType: 'TEAM', scopeId: within(g) }] });
      return { id, binding: (await g.rest('GET', `/api/groups/${id}/bindings`)).body.data[0].id };
    },
    request: { method: 'DELETE', path: (v) => `/api/groups/${v.id}/bindings/${v.binding}`, as: 'manage' },
    expect: { status: 200, body: { success: true } },
  },
  {
    source: `${GROUPS} › returns 404 for nonexistent binding`,
    given: async (g) => ({ id: await g.group('Binding Test') }),
    request: { method: 'DELETE', path: (v) => `/api/groups/${v.id}/bindings/nonexistent`, as: 'manage' },
    expect: { status: 404, body: { error: 'role_binding_not_found' } },
  },
  {
    // The source asserts only status >= 400; TARGETS §A2 (group.service.ts addBinding) gives 422 scope_not_in_organization.
    source: `${GROUPS} › rejects cross-org scope`,
    given: async (g) => ({ id: await g.group('Binding Test'), otherTeam: (await g.otherOrg()).teams[0]!.id }),
    request: {
      method: 'POST',
      path: (v) => `/api/groups/${v.id}/bindings`,
      as: 'manage',
      bodyOf: (v) => ({ role: 'MEMBER', scopeType: 'TEAM', scopeId: v.otherTeam }),
    },
    expect: { status: 422, body: { error: 'scope_not_in_organization' } },
  },
  {
    source: `${GROUPS} › rejects a custom role from another organization`,
    given: async (g) => ({
      id: await g.group('Role Validation'),
      foreign: (await g.otherOrg('Foreign Role Org')).customRoles[0]!.id,
      team: within(g),
    }),
    request: {
      method: 'POST',
      path: (v) => `/api/groups/${v.id}/bindings`,
      as: 'manage',
      bodyOf: (v) => ({ role: 'CUSTOM', customRoleId: v.foreign, scopeType: 'TEAM', scopeId: v.team }),
    },
    expect: { status: 422, body: { error: 'custom_role_not_assignable' } },
    after: async (g, v) => expect((await g.rest('GET', `/api/groups/${v.id}/bindings`)).body.data).toEqual([]),
  },
  {
    source: `${GROUPS} › rejects a custom binding without a role id`,
    given: async (g) => ({ id: await g.group('Role Validation'), team: within(g) }),
    request: {
      method: 'POST',
      path: (v) => `/api/groups/${v.id}/bindings`,
      as: 'manage',
      bodyOf: (v) => ({ role: 'CUSTOM', scopeType: 'TEAM', scopeId: v.team }),
    },
    expect: { status: 422, body: { error: 'custom_role_id_required' } },
  },
  {
    source: `${GROUPS} › rejects creating a group with a cross-organization custom role`,
    given: async (g) => ({ foreign: (await g.otherOrg('Foreign Role Org')).customRoles[0]!.id, team: within(g) }),
    request: {
      method: 'POST',
      path: '/api/groups',
      as: 'manage',
      bodyOf: (v) => ({
        name: 'Poisoned Group',
        bindings: [{ role: 'CUSTOM', customRoleId: v.foreign, scopeType: 'TEAM', scopeId: v.team }],
      }),
    },
    expect: { status: 422, body: { error: 'custom_role_not_assignable' } },
    after: async (g) => expect((await g.rest('GET', '/api/groups')).body.data).toEqual([]),
  },
  // ---- the Enterprise gate ----------------------------------------------------------------
  {
    source: `${GATE} › refuses a plan below Enterprise with 402 and admits the same credential on Enterprise (list)`,
    given: async (g) => g.settings({ plan: false }),
    request: { method: 'GET', path: '/api/groups', as: 'manage' },
    expect: {
      status: 402,
      body: {
        error: 'enterprise_plan_required',
        feature: 'GROUPS',
        tips: expect.arrayContaining([expect.any(String)]),
        docsUrl: expect.stringContaining('/pricing'),
      },
    },
  },
  {
    source: `${GATE} › refuses a plan below Enterprise with 402 and admits the same credential on Enterprise (create refused, nothing created)`,
    given: async (g) => g.settings({ plan: false }),
    request: { method: 'POST', path: '/api/groups', as: 'manage', body: { name: 'Gate Refused' } },
    expect: { status: 402 },
    after: async (g) => expect((await g.state()).organizations[0].groups).toEqual([]),
  },
  {
    source: `${GATE} › still answers 401 before the gate when no credential is sent`,
    given: async (g) => g.settings({ plan: false }),
    request: { method: 'GET', path: '/api/groups', as: 'none' },
    expect: { status: 401 },
  },
];
