/**
 * The LangWatch stand-in's REST Groups API (TARGETS.md §A2) over real HTTP: envelopes, the
 * Groups family's flat error body, 422 validation, the SCIM lock, members and bindings.
 */
import { describe, expect, it } from 'vitest';
import { control, expectGroupsError, raw, rest, scimGroup, seedMember, useLangWatchFake, type Json } from './langwatch-client.js';

const ctx = useLangWatchFake();
const orgBinding = (role = 'MEMBER') => ({ role, scopeType: 'ORGANIZATION', scopeId: ctx.org.organizationId });
const team = () => ctx.org.teams[0]!;

describe('Groups: auth, permission and plan (§A0)', () => {
  it('answers the legacy 401 body without a key or with a bad one; Bearer, X-Auth-Token and Basic all work', async () => {
    for (const auth of [null, 'Bearer sk-lw-0000_abcd', 'Bearer ']) {
      const r = await raw(ctx, 'GET', '/api/groups', { auth });
      expect(r.status, String(auth)).toBe(401);
      expect(r.body).toEqual({ error: 'Unauthorized', message: expect.any(String) });
    }
    expect((await raw(ctx, 'GET', '/api/groups', { headers: { 'x-auth-token': ctx.org.apiKey } })).status).toBe(200);
    const basic = Buffer.from(`project_x:${ctx.org.apiKey}`).toString('base64');
    expect((await raw(ctx, 'GET', '/api/groups', { auth: `Basic ${basic}` })).status).toBe(200);
  });

  it('needs organization:manage even to read: a view key gets the legacy 403', async () => {
    const r = await rest(ctx, 'GET', '/api/groups', undefined, ctx.org.viewApiKey);
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'Forbidden', message: 'Insufficient permissions. Required: organization:manage' });
  });

  it('answers 402 enterprise_plan_required with feature, tips and docsUrl without the plan, after 401', async () => {
    await control(ctx, 'PATCH', '/_fake/settings', { plan: false });
    const r = await rest(ctx, 'GET', '/api/groups');
    expectGroupsError(r, 402, 'enterprise_plan_required');
    expect(r.body).toMatchObject({
      feature: 'GROUPS',
      message: 'Groups require an Enterprise plan',
      docsUrl: expect.stringContaining('/pricing'),
    });
    expect(r.body.tips.length).toBeGreaterThan(0);
    expect((await rest(ctx, 'POST', '/api/groups', { name: 'x' })).status).toBe(402);
    expect((await rest(ctx, 'GET', '/api/groups', undefined, null)).status).toBe(401);
  });
});

describe('Groups: create, read, list (§A2)', () => {
  it('creates with members and bindings (201) and reads it back in each shape', async () => {
    const ada = await seedMember(ctx, 'ada@acme.test', { name: 'Ada' });
    const created = await rest(ctx, 'POST', '/api/groups', {
      name: '  Data Science  ',
      memberIds: [ada, ada],
      bindings: [orgBinding(), { role: 'CUSTOM', customRoleId: ctx.org.customRoles[0]!.id, scopeType: 'TEAM', scopeId: team().id }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Data Science',
      slug: 'data-science',
      organizationId: ctx.org.organizationId,
      createdAt: expect.any(String),
    });
    const detail = await rest(ctx, 'GET', `/api/groups/${created.body.id}`);
    expect(detail.body).toEqual({
      id: created.body.id,
      name: 'Data Science',
      slug: 'data-science',
      externalId: null,
      scimSource: null,
      members: [{ userId: ada, name: 'Ada', email: 'ada@acme.test' }],
      bindings: [
        {
          id: expect.any(String),
          role: 'MEMBER',
          customRoleId: null,
          customRoleName: null,
          scopeType: 'ORGANIZATION',
          scopeId: ctx.org.organizationId,
        },
        {
          id: expect.any(String),
          role: 'CUSTOM',
          customRoleId: ctx.org.customRoles[0]!.id,
          customRoleName: 'Annotator',
          scopeType: 'TEAM',
          scopeId: team().id,
        },
      ],
    });
    const list = await rest(ctx, 'GET', '/api/groups');
    expect(list.body.data[0]).toEqual({ ...detail.body, members: undefined, memberCount: 1, createdAt: created.body.createdAt });
    expect((await rest(ctx, 'GET', `/api/groups/${created.body.id}/members`)).body).toEqual({ data: detail.body.members });
    expect((await rest(ctx, 'GET', `/api/groups/${created.body.id}/bindings`)).body).toEqual({ data: detail.body.bindings });
  });

  it('lists sorted by name, paged by page/limit with {page, limit, total} and no totalPages', async () => {
    for (const name of ['charlie', 'Alpha', 'bravo']) await rest(ctx, 'POST', '/api/groups', { name });
    const page = await rest(ctx, 'GET', '/api/groups?page=2&limit=2');
    expect(page.body.pagination).toEqual({ page: 2, limit: 2, total: 3 });
    expect(page.body.data.map((g: Json) => g.name)).toEqual(['charlie']);
    expect((await rest(ctx, 'GET', '/api/groups')).body.data.map((g: Json) => g.name)).toEqual(['Alpha', 'bravo', 'charlie']);
    expect((await rest(ctx, 'GET', '/api/groups?page=9')).body.data).toEqual([]);
    expect((await rest(ctx, 'GET', '/api/groups?limit=1000')).status).toBe(200);
    for (const q of ['limit=1001', 'limit=0', 'page=0', 'page=x']) {
      const r = await rest(ctx, 'GET', `/api/groups?${q}`);
      expectGroupsError(r, 422, 'validation_error');
      expect(r.body.target).toBe('query');
    }
  });

  it('gives two groups of one name distinct slugs, counting from -2', async () => {
    const a = await rest(ctx, 'POST', '/api/groups', { name: 'Team' });
    const b = await rest(ctx, 'POST', '/api/groups', { name: 'Team' });
    expect([a.body.slug, b.body.slug]).toEqual(['team', 'team-2']);
  });

  it('answers 422 validation_error with reasons for schema failures and 400 only for a body that is not JSON', async () => {
    const missing = await rest(ctx, 'POST', '/api/groups', {});
    expectGroupsError(missing, 422, 'validation_error');
    expect(missing.body).toMatchObject({
      target: 'json',
      fields: ['name'],
      reasons: [{ code: 'schema_failure', meta: { field: 'name', type: 'invalid_type' } }],
    });
    expectGroupsError(await rest(ctx, 'POST', '/api/groups', { name: '   ' }), 422, 'validation_error');
    expectGroupsError(await rest(ctx, 'POST', '/api/groups', { name: 'x'.repeat(101) }), 422, 'validation_error');
    expectGroupsError(
      await rest(ctx, 'POST', '/api/groups', { name: 'x', bindings: [{ role: 'OWNER', scopeType: 'ORGANIZATION', scopeId: 'x' }] }),
      422,
      'validation_error',
    );
    expectGroupsError(
      await raw(ctx, 'POST', '/api/groups', { raw: '{"name":', auth: `Bearer ${ctx.org.apiKey}` }),
      400,
      'malformed_request',
    );
    // Not declared JSON: the validator reads `{}`, so it is a 422, not a 400.
    expectGroupsError(
      await raw(ctx, 'POST', '/api/groups', { raw: '{"name":"x"}', contentType: 'text/plain', auth: `Bearer ${ctx.org.apiKey}` }),
      422,
      'validation_error',
    );
    expect((await rest(ctx, 'GET', '/api/groups')).body.data).toEqual([]);
  });

  it('refuses members, custom roles and scopes outside the organization with 422, creating nothing', async () => {
    const other = (await control(ctx, 'POST', '/_fake/organizations', { name: 'Globex' })).body;
    expectGroupsError(
      await rest(ctx, 'POST', '/api/groups', { name: 'x', memberIds: [other.admin.userId] }),
      422,
      'user_not_in_organization',
    );
    expectGroupsError(
      await rest(ctx, 'POST', '/api/groups', { name: 'x', bindings: [{ role: 'CUSTOM', scopeType: 'TEAM', scopeId: team().id }] }),
      422,
      'custom_role_id_required',
    );
    const foreign = await rest(ctx, 'POST', '/api/groups', {
      name: 'x',
      bindings: [{ role: 'CUSTOM', customRoleId: other.customRoles[0].id, scopeType: 'TEAM', scopeId: team().id }],
    });
    expectGroupsError(foreign, 422, 'custom_role_not_assignable');
    expect(foreign.body.customRoleId).toBe(other.customRoles[0].id);
    const scope = await rest(ctx, 'POST', '/api/groups', {
      name: 'x',
      bindings: [{ role: 'MEMBER', scopeType: 'TEAM', scopeId: other.teams[0].id }],
    });
    expectGroupsError(scope, 422, 'scope_not_in_organization');
    expect((await rest(ctx, 'GET', '/api/groups')).body.pagination.total).toBe(0);
  });

  it('answers 404 group_not_found for an unknown group and for another organization’s', async () => {
    const r = await rest(ctx, 'GET', '/api/groups/nope');
    expectGroupsError(r, 404, 'group_not_found');
    expect(r.body.groupId).toBe('nope');
    const other = (await control(ctx, 'POST', '/_fake/organizations', { name: 'Globex' })).body;
    const mine = await rest(ctx, 'POST', '/api/groups', { name: 'Mine' });
    expectGroupsError(await rest(ctx, 'GET', `/api/groups/${mine.body.id}`, undefined, other.apiKey), 404, 'group_not_found');
    expectGroupsError(await rest(ctx, 'DELETE', '/api/groups/nope'), 404, 'group_not_found');
  });
});

describe('Groups: rename, delete, members, bindings (§A2)', () => {
  it('renames (new slug) and deletes with memberships and bindings', async () => {
    const g = await rest(ctx, 'POST', '/api/groups', { name: 'Old', bindings: [orgBinding()] });
    const renamed = await rest(ctx, 'PATCH', `/api/groups/${g.body.id}`, { name: ' New Name ' });
    expect(renamed.body).toEqual({ id: g.body.id, name: 'New Name', slug: 'new-name' });
    expectGroupsError(await rest(ctx, 'PATCH', `/api/groups/${g.body.id}`, {}), 422, 'validation_error');
    expect((await rest(ctx, 'DELETE', `/api/groups/${g.body.id}`)).body).toEqual({ success: true });
    expectGroupsError(await rest(ctx, 'GET', `/api/groups/${g.body.id}`), 404, 'group_not_found');
  });

  it('refuses rename, member add, member remove and delete of a SCIM-managed group with 409; bindings stay editable', async () => {
    const id = await scimGroup(ctx, 'Directory', [ctx.org.admin.userId]);
    const ada = await seedMember(ctx, 'ada@acme.test');
    expectGroupsError(await rest(ctx, 'PATCH', `/api/groups/${id}`, { name: 'x' }), 409, 'scim_managed_group');
    expectGroupsError(await rest(ctx, 'POST', `/api/groups/${id}/members`, { userId: ada }), 409, 'scim_managed_group');
    expectGroupsError(await rest(ctx, 'DELETE', `/api/groups/${id}/members/${ctx.org.admin.userId}`), 409, 'scim_managed_group');
    expectGroupsError(await rest(ctx, 'DELETE', `/api/groups/${id}`), 409, 'scim_managed_group');
    const binding = await rest(ctx, 'POST', `/api/groups/${id}/bindings`, orgBinding('VIEWER'));
    expect(binding.status).toBe(201);
    expect((await rest(ctx, 'DELETE', `/api/groups/${id}/bindings/${binding.body.id}`)).status).toBe(200);
    // A seeded group with another scimSource is locked the same way.
    const seeded = await control(ctx, 'POST', `/_fake/organizations/${ctx.org.organizationId}/groups`, {
      name: 'Okta group',
      scimSource: 'okta',
    });
    expectGroupsError(await rest(ctx, 'DELETE', `/api/groups/${seeded.body.id}`), 409, 'scim_managed_group');
  });

  it('adds a member (201), refuses a second add (409) and an outsider (422), and 500s removing a non-member', async () => {
    const ada = await seedMember(ctx, 'ada@acme.test');
    const g = await rest(ctx, 'POST', '/api/groups', { name: 'G' });
    const add = await rest(ctx, 'POST', `/api/groups/${g.body.id}/members`, { userId: ada });
    expect(add.status).toBe(201);
    expect(add.body).toEqual({ success: true });
    const again = await rest(ctx, 'POST', `/api/groups/${g.body.id}/members`, { userId: ada });
    expectGroupsError(again, 409, 'group_member_already_added');
    expect(again.body.userId).toBe(ada);
    const outsider = await rest(ctx, 'POST', `/api/groups/${g.body.id}/members`, { userId: 'user_nobody' });
    expectGroupsError(outsider, 422, 'user_not_in_organization');
    expectGroupsError(await rest(ctx, 'POST', `/api/groups/${g.body.id}/members`, { userId: '' }), 422, 'validation_error');
    expect((await rest(ctx, 'DELETE', `/api/groups/${g.body.id}/members/${ada}`)).body).toEqual({ success: true });
    const gone = await rest(ctx, 'DELETE', `/api/groups/${g.body.id}/members/${ada}`);
    expect(gone.status).toBe(500);
    expect(gone.body.error).toBe('Internal server error');
  });

  it('adds bindings (201), refuses a duplicate (409), removes them, and 404s an unknown or another group’s binding', async () => {
    const a = await rest(ctx, 'POST', '/api/groups', { name: 'A' });
    const b = await rest(ctx, 'POST', '/api/groups', { name: 'B' });
    const added = await rest(ctx, 'POST', `/api/groups/${a.body.id}/bindings`, { role: 'MEMBER', scopeType: 'TEAM', scopeId: team().id });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: expect.any(String), role: 'MEMBER', scopeType: 'TEAM', scopeId: team().id });
    const dup = await rest(ctx, 'POST', `/api/groups/${a.body.id}/bindings`, { role: 'MEMBER', scopeType: 'TEAM', scopeId: team().id });
    expectGroupsError(dup, 409, 'role_binding_already_exists');
    expect(dup.body).toMatchObject({ scopeType: 'TEAM', scopeId: team().id });
    expect(
      (await rest(ctx, 'POST', `/api/groups/${a.body.id}/bindings`, { role: 'VIEWER', scopeType: 'TEAM', scopeId: team().id })).status,
    ).toBe(201);
    expectGroupsError(await rest(ctx, 'DELETE', `/api/groups/${b.body.id}/bindings/${added.body.id}`), 404, 'role_binding_not_found');
    expect((await rest(ctx, 'DELETE', `/api/groups/${a.body.id}/bindings/${added.body.id}`)).body).toEqual({ success: true });
    expectGroupsError(await rest(ctx, 'DELETE', `/api/groups/${a.body.id}/bindings/${added.body.id}`), 404, 'role_binding_not_found');
    expectGroupsError(await rest(ctx, 'DELETE', `/api/groups/nope/bindings/${added.body.id}`), 404, 'group_not_found');
    expectGroupsError(
      await rest(ctx, 'POST', `/api/groups/${a.body.id}/bindings`, { role: 'MEMBER', scopeType: 'PROJECT', scopeId: 'nope' }),
      422,
      'scope_not_in_organization',
    );
  });

  it('hides members who left the organization from REST reads while their rows stay', async () => {
    const ada = await seedMember(ctx, 'ada@acme.test');
    const g = await rest(ctx, 'POST', '/api/groups', { name: 'G', memberIds: [ada] });
    expect((await rest(ctx, 'DELETE', `/api/organization/members/${ada}`)).status).toBe(200);
    expect((await rest(ctx, 'GET', `/api/groups/${g.body.id}`)).body.members).toEqual([]);
    expect((await rest(ctx, 'GET', '/api/groups')).body.data[0].memberCount).toBe(0);
    const dumped = (await control(ctx, 'GET', '/_fake/state')).body.organizations[0].groups[0];
    expect(dumped.members).toEqual([{ userId: ada, email: 'ada@acme.test', inOrganization: false }]);
  });
});
