/**
 * The LangWatch stand-in itself, over real HTTP on 127.0.0.1: the API of TARGETS.md §A with its
 * refusals and guard rails, the control API, and every fault mode. The bridge's own tests trust
 * this server, so it is held to the same shapes and statuses a client would meet.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLangWatchFake, type RunningLangWatchFake } from '../../fakes/langwatch/server.js';
import type { SeededOrganization } from '../../fakes/langwatch/state.js';

// Response bodies are whatever the server sent; the assertions are the type check here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Reply {
  status: number;
  body: Json;
  headers: Headers;
  text: string;
}

let fake: RunningLangWatchFake;
let org: SeededOrganization;

beforeAll(async () => {
  fake = await startLangWatchFake({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(async () => {
  const reset = await control('POST', '/_fake/reset');
  expect(reset.status).toBe(200);
  org = fake.organization;
});

/** One request; `key: null` sends no Authorization header. */
async function call(
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; key?: string | null; signal?: AbortSignal; base?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const key = opts.key === undefined ? org.apiKey : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${opts.base ?? fake.url}${path}`, { method, headers, body: payload, signal: opts.signal });
  const text = await res.text();
  let body: Json = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body, headers: res.headers, text };
}

const control = (method: string, path: string, body?: unknown) => call(method, path, { body, key: null });
const state = async (): Promise<Json> => (await control('GET', `/_fake/state?organizationId=${org.organizationId}`)).body.organizations[0];
const orgBinding = (role = 'MEMBER') => ({ role, scopeType: 'ORGANIZATION', scopeId: org.organizationId });
const team = () => org.teams[0]!;

/** Puts a member straight into the organization through the control API. */
async function seedMember(email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await control('POST', `/_fake/organizations/${org.organizationId}/members`, { email, ...extra });
  expect(r.status).toBe(201);
  return r.body.userId as string;
}

function expectError(r: Reply, status: number, code: string, mentions?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.body).toMatchObject({ error: { code, message: expect.any(String) } });
  if (mentions) expect(r.body.error.message).toContain(mentions);
}

// ---- auth ------------------------------------------------------------------------------------

describe('auth', () => {
  it('answers 401 without a key, with a malformed key, an unknown key, or a wrong secret', async () => {
    expectError(await call('GET', '/api/groups', { key: null }), 401, 'unauthorized');
    expectError(await call('GET', '/api/groups', { key: 'not-a-key' }), 401, 'unauthorized');
    expectError(await call('GET', '/api/groups', { key: 'sk-lw-0000000000000000_abcdef' }), 401, 'unauthorized');
    const [id] = org.apiKey.replace('sk-lw-', '').split('_');
    expectError(await call('GET', '/api/organization/members', { key: `sk-lw-${id}_wrongsecret` }), 401, 'unauthorized');
  });

  it('lets a view key read and answers 403 to its writes', async () => {
    const key = org.viewApiKey;
    expect((await call('GET', '/api/groups', { key })).status).toBe(200);
    expect((await call('GET', '/api/organization/members', { key })).status).toBe(200);
    expectError(await call('POST', '/api/groups', { key, body: { name: 'x' } }), 403, 'forbidden');
    expectError(await call('PATCH', `/api/organization/members/${org.admin.userId}`, { key, body: { role: 'MEMBER' } }), 403, 'forbidden');
    expectError(await call('POST', '/api/organization/invites', { key, body: { invites: [] } }), 403, 'forbidden');
    expect((await state()).groups).toEqual([]);
  });

  it('keeps organizations apart: a key never sees another organization', async () => {
    const other = await control('POST', '/_fake/organizations', { name: 'Globex' });
    expect(other.status).toBe(201);
    const created = await call('POST', '/api/groups', { body: { name: 'Acme only' } });
    expectError(await call('GET', `/api/groups/${created.body.id}`, { key: other.body.apiKey }), 404, 'group_not_found');
    expect((await call('GET', '/api/groups', { key: other.body.apiKey })).body.data).toEqual([]);
    const members = await call('GET', '/api/organization/members', { key: other.body.apiKey });
    expect(members.body.members.map((m: Json) => m.email)).toEqual(['admin@globex.test']);
  });

  it('answers 404 in the house shape for an unknown endpoint', async () => {
    expectError(await call('GET', '/api/nope'), 404, 'not_found');
  });
});

// ---- groups ----------------------------------------------------------------------------------

describe('groups', () => {
  it('creates a group with members and bindings and reads it back every way', async () => {
    const ada = await seedMember('ada@acme.test', { name: 'Ada' });
    const created = await call('POST', '/api/groups', {
      body: {
        name: '  Data Science  ',
        memberIds: [ada, ada],
        bindings: [orgBinding('VIEWER'), { role: 'ADMIN', scopeType: 'TEAM', scopeId: team().id }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Data Science',
      slug: 'data-science',
      organizationId: org.organizationId,
      createdAt: expect.any(String),
    });
    const id = created.body.id as string;

    const detail = await call('GET', `/api/groups/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id,
      name: 'Data Science',
      scimSource: null,
      externalId: null,
      members: [{ userId: ada, name: 'Ada', email: 'ada@acme.test' }],
      bindings: [
        { id: expect.any(String), role: 'VIEWER', customRoleId: null, customRoleName: null, scopeType: 'ORGANIZATION', scopeId: org.organizationId },
        { id: expect.any(String), role: 'ADMIN', scopeType: 'TEAM', scopeId: team().id },
      ],
    });

    const list = await call('GET', '/api/groups');
    expect(list.body).toMatchObject({
      data: [{ id, name: 'Data Science', slug: 'data-science', scimSource: null, memberCount: 1, bindings: expect.any(Array) }],
      pagination: { page: 1, limit: 50, total: 1 },
    });
    expect((await call('GET', `/api/groups/${id}/members`)).body).toEqual({ data: [{ userId: ada, name: 'Ada', email: 'ada@acme.test' }] });
    expect((await call('GET', `/api/groups/${id}/bindings`)).body.data).toHaveLength(2);
  });

  it('paginates by name with limit up to 1000', async () => {
    for (const name of ['Charlie', 'Alpha', 'Bravo']) expect((await call('POST', '/api/groups', { body: { name } })).status).toBe(201);
    const page2 = await call('GET', '/api/groups?page=2&limit=2');
    expect(page2.body.data.map((g: Json) => g.name)).toEqual(['Charlie']);
    expect(page2.body.pagination).toMatchObject({ page: 2, limit: 2, total: 3 });
    expect((await call('GET', '/api/groups?limit=1000')).body.data).toHaveLength(3);
    expectError(await call('GET', '/api/groups?limit=1001'), 400, 'invalid_request', 'limit');
    expectError(await call('GET', '/api/groups?page=0'), 400, 'invalid_request', 'page');
    expectError(await call('GET', '/api/groups?limit=abc'), 400, 'invalid_request', 'limit');
  });

  it('renames (a new slug), edits members and bindings, and deletes with its memberships and bindings', async () => {
    const bob = await seedMember('bob@acme.test');
    const { body: g } = await call('POST', '/api/groups', { body: { name: 'Ops' } });
    const renamed = await call('PATCH', `/api/groups/${g.id}`, { body: { name: 'Platform Ops' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ id: g.id, name: 'Platform Ops', slug: 'platform-ops' });

    expect(await call('POST', `/api/groups/${g.id}/members`, { body: { userId: bob } })).toMatchObject({ status: 201, body: { success: true } });
    expectError(await call('POST', `/api/groups/${g.id}/members`, { body: { userId: bob } }), 400, 'already_group_member', bob);

    const binding = await call('POST', `/api/groups/${g.id}/bindings`, {
      body: { role: 'CUSTOM', customRoleId: org.customRoles[0]!.id, scopeType: 'PROJECT', scopeId: team().projects[0]!.id },
    });
    expect(binding.status).toBe(201);
    expect(binding.body).toMatchObject({ role: 'CUSTOM', customRoleId: org.customRoles[0]!.id, customRoleName: 'Annotator', scopeType: 'PROJECT' });

    let s = await state();
    expect(s.groups).toEqual([
      expect.objectContaining({
        name: 'Platform Ops',
        scimSource: null,
        members: [{ userId: bob, email: 'bob@acme.test' }],
        bindings: [expect.objectContaining({ id: binding.body.id, role: 'CUSTOM' })],
      }),
    ]);

    expect((await call('DELETE', `/api/groups/${g.id}/bindings/${binding.body.id}`)).body).toEqual({ success: true });
    expectError(await call('DELETE', `/api/groups/${g.id}/bindings/${binding.body.id}`), 404, 'binding_not_found');
    expect((await call('DELETE', `/api/groups/${g.id}/members/${bob}`)).body).toEqual({ success: true });
    expectError(await call('DELETE', `/api/groups/${g.id}/members/${bob}`), 404, 'group_member_not_found');

    await call('POST', `/api/groups/${g.id}/members`, { body: { userId: bob } });
    await call('POST', `/api/groups/${g.id}/bindings`, { body: orgBinding() });
    expect((await call('DELETE', `/api/groups/${g.id}`)).body).toEqual({ success: true });
    expectError(await call('GET', `/api/groups/${g.id}`), 404, 'group_not_found');
    expectError(await call('DELETE', `/api/groups/${g.id}`), 404, 'group_not_found');
    s = await state();
    expect(s.groups).toEqual([]);
    expect((await call('GET', `/api/organization/members/${bob}/access`)).body.groups).toEqual([]);
  });

  it('gives two groups of one name distinct slugs', async () => {
    const a = await call('POST', '/api/groups', { body: { name: 'Team' } });
    const b = await call('POST', '/api/groups', { body: { name: 'Team' } });
    expect([a.body.slug, b.body.slug]).toEqual(['team', 'team-2']);
  });

  it('refuses bad names, naming the field', async () => {
    expectError(await call('POST', '/api/groups', { body: { name: 'x'.repeat(101) } }), 400, 'invalid_request', 'name');
    expectError(await call('POST', '/api/groups', { body: { name: '    ' } }), 400, 'invalid_request', 'name');
    expectError(await call('POST', '/api/groups', { body: {} }), 400, 'invalid_request', 'name');
    expectError(await call('POST', '/api/groups', { body: { name: 42 } }), 400, 'invalid_request', 'name');
    const padded = await call('POST', '/api/groups', { body: { name: `  ${'y'.repeat(100)}  ` } });
    expect(padded.status).toBe(201);
    expect(padded.body.name).toBe('y'.repeat(100));
    expectError(await call('PATCH', `/api/groups/${padded.body.id}`, { body: { name: 'z'.repeat(101) } }), 400, 'invalid_request', 'name');
    expectError(await call('POST', '/api/groups', { raw: '{"name":' }), 400, 'invalid_request', 'body');
  });

  it('refuses a userId that is not a member, naming it, and creates nothing', async () => {
    const r = await call('POST', '/api/groups', { body: { name: 'Ghosts', memberIds: [org.admin.userId, 'user_nobody'] } });
    expectError(r, 400, 'user_not_in_organization', 'user_nobody');
    expect(r.body.error.message).toContain('memberIds[1]');
    expect((await state()).groups).toEqual([]);

    const { body: g } = await call('POST', '/api/groups', { body: { name: 'Real' } });
    expectError(await call('POST', `/api/groups/${g.id}/members`, { body: { userId: 'user_nobody' } }), 400, 'user_not_in_organization', 'user_nobody');
    expectError(await call('POST', `/api/groups/${g.id}/members`, { body: {} }), 400, 'invalid_request', 'userId');
  });

  it('refuses invalid bindings: CUSTOM without customRoleId, unknown roles and scopes', async () => {
    const { body: g } = await call('POST', '/api/groups', { body: { name: 'Bound' } });
    const path = `/api/groups/${g.id}/bindings`;
    expectError(await call('POST', path, { body: { role: 'CUSTOM', scopeType: 'ORGANIZATION', scopeId: org.organizationId } }), 400, 'invalid_request', 'customRoleId');
    expectError(await call('POST', path, { body: { role: 'CUSTOM', customRoleId: 'customrole_nope', scopeType: 'ORGANIZATION', scopeId: org.organizationId } }), 400, 'custom_role_not_found', 'customrole_nope');
    expectError(await call('POST', path, { body: { role: 'OWNER', scopeType: 'ORGANIZATION', scopeId: org.organizationId } }), 400, 'invalid_request', 'role');
    expectError(await call('POST', path, { body: { role: 'ADMIN', scopeType: 'WORKSPACE', scopeId: 'x' } }), 400, 'invalid_request', 'scopeType');
    expectError(await call('POST', path, { body: { role: 'ADMIN', scopeType: 'ORGANIZATION' } }), 400, 'invalid_request', 'scopeId');
    expectError(await call('POST', path, { body: { role: 'ADMIN', scopeType: 'ORGANIZATION', scopeId: 'organization_other' } }), 400, 'scope_not_in_organization');
    expectError(await call('POST', path, { body: { role: 'ADMIN', scopeType: 'TEAM', scopeId: 'team_unknown' } }), 400, 'scope_not_in_organization');
    // The same refusal inside a create names the binding, and nothing is created.
    const r = await call('POST', '/api/groups', { body: { name: 'Half', bindings: [orgBinding(), { role: 'CUSTOM', scopeType: 'TEAM', scopeId: team().id }] } });
    expectError(r, 400, 'invalid_request', 'bindings[1].customRoleId');
    // A customRoleId on a built-in role is dropped, as the application does.
    const member = await call('POST', path, { body: { ...orgBinding(), customRoleId: org.customRoles[0]!.id } });
    expect(member.body).toMatchObject({ role: 'MEMBER', customRoleId: null });
    expect((await state()).groups.map((x: Json) => x.name)).toEqual(['Bound']);
  });

  it('guards SCIM-managed groups (seeded) but leaves their bindings editable', async () => {
    const carol = await seedMember('carol@acme.test');
    const seeded = await control('POST', `/_fake/organizations/${org.organizationId}/groups`, { name: 'Okta Engineers', scimSource: 'okta', memberIds: [carol] });
    expect(seeded.status).toBe(201);
    const id = seeded.body.id as string;
    expectError(await call('PATCH', `/api/groups/${id}`, { body: { name: 'Renamed' } }), 409, 'scim_managed_group');
    expectError(await call('POST', `/api/groups/${id}/members`, { body: { userId: org.admin.userId } }), 409, 'scim_managed_group');
    expectError(await call('DELETE', `/api/groups/${id}/members/${carol}`), 409, 'scim_managed_group');
    expect((await call('POST', `/api/groups/${id}/bindings`, { body: orgBinding() })).status).toBe(201);
    expect((await call('GET', `/api/groups/${id}`)).body).toMatchObject({ scimSource: 'okta', name: 'Okta Engineers' });
  });
});

// ---- members ---------------------------------------------------------------------------------

describe('members', () => {
  it('lists members with role and status, disabled ones only with includeDisabled=true', async () => {
    const dan = await seedMember('dan@acme.test', { name: 'Dan' });
    const eve = await seedMember('eve@acme.test', { disabled: true });
    const active = await call('GET', '/api/organization/members');
    expect(active.status).toBe(200);
    expect(active.body.members.map((m: Json) => m.userId)).toEqual([org.admin.userId, dan]);
    expect(active.body.members[1]).toMatchObject({
      userId: dan,
      email: 'dan@acme.test',
      role: 'MEMBER',
      status: 'active',
      disabled: false,
      user: { id: dan, name: 'Dan', email: 'dan@acme.test' },
    });
    const all = await call('GET', '/api/organization/members?includeDisabled=true');
    expect(all.body.members.find((m: Json) => m.userId === eve)).toMatchObject({ status: 'disabled', disabled: true });
    expectError(await call('GET', '/api/organization/members?includeDisabled=maybe'), 400, 'invalid_request', 'includeDisabled');
  });

  it('shows one member with the teams they reach, and what they reach and why', async () => {
    const fay = await seedMember('fay@acme.test');
    const { body: g } = await call('POST', '/api/groups', { body: { name: 'Team admins', memberIds: [fay], bindings: [{ role: 'ADMIN', scopeType: 'TEAM', scopeId: team().id }] } });
    const one = await call('GET', `/api/organization/members/${fay}`);
    expect(one.body).toMatchObject({ userId: fay, role: 'MEMBER', teams: [{ teamId: team().id, role: 'ADMIN' }] });
    const access = await call('GET', `/api/organization/members/${fay}/access`);
    expect(access.status).toBe(200);
    expect(access.body).toMatchObject({
      user: { id: fay, orgRole: 'MEMBER', disabled: false },
      groups: [{ id: g.id, name: 'Team admins', scimSource: null }],
      directBindings: [],
      effective: [{ scopeType: 'TEAM', scopeId: team().id, role: 'ADMIN', sources: [{ via: 'group', groupId: g.id }] }],
    });
    expectError(await call('GET', '/api/organization/members/user_nobody'), 404, 'member_not_found');
    expectError(await call('GET', '/api/organization/members/user_nobody/access'), 404, 'member_not_found');
  });

  it('changes exactly one of role or disabled', async () => {
    const gil = await seedMember('gil@acme.test');
    const path = `/api/organization/members/${gil}`;
    expect((await call('PATCH', path, { body: { role: 'EXTERNAL' } })).body).toMatchObject({ role: 'EXTERNAL' });
    expect((await call('PATCH', path, { body: { disabled: true } })).body).toMatchObject({ disabled: true, status: 'disabled' });
    expect((await call('PATCH', path, { body: { disabled: false } })).body).toMatchObject({ disabled: false, status: 'active' });
    expectError(await call('PATCH', path, { body: { role: 'ADMIN', disabled: true } }), 400, 'invalid_request', 'exactly one');
    expectError(await call('PATCH', path, { body: {} }), 400, 'invalid_request', 'exactly one');
    expectError(await call('PATCH', path, { body: { role: 'VIEWER' } }), 400, 'invalid_request', 'role');
    expectError(await call('PATCH', path, { body: { disabled: 'yes' } }), 400, 'invalid_request', 'disabled');
    expectError(await call('PATCH', '/api/organization/members/user_nobody', { body: { role: 'ADMIN' } }), 404, 'member_not_found');
    expect((await state()).members.find((m: Json) => m.userId === gil)).toMatchObject({ email: 'gil@acme.test', role: 'EXTERNAL', disabled: false });
  });

  it('removes a member from the organization and its groups', async () => {
    const hal = await seedMember('hal@acme.test');
    const { body: g } = await call('POST', '/api/groups', { body: { name: 'G', memberIds: [hal] } });
    expect((await call('DELETE', `/api/organization/members/${hal}`)).body).toEqual({ success: true });
    expectError(await call('GET', `/api/organization/members/${hal}`), 404, 'member_not_found');
    expectError(await call('DELETE', `/api/organization/members/${hal}`), 404, 'member_not_found');
    expect((await call('GET', `/api/groups/${g.id}`)).body.members).toEqual([]);
  });

  it('never lets the last active admin be demoted, disabled or removed', async () => {
    const admin = `/api/organization/members/${org.admin.userId}`;
    expectError(await call('PATCH', admin, { body: { role: 'MEMBER' } }), 400, 'cannot_demote_last_admin');
    expectError(await call('PATCH', admin, { body: { disabled: true } }), 400, 'cannot_disable_last_admin');
    expectError(await call('DELETE', admin), 400, 'cannot_remove_last_admin');
    // A disabled admin does not count as a second admin.
    await seedMember('ivy@acme.test', { role: 'ADMIN', disabled: true });
    expectError(await call('DELETE', admin), 400, 'cannot_remove_last_admin');
    // A second active admin lifts the rail.
    const jay = await seedMember('jay@acme.test', { role: 'ADMIN' });
    expect((await call('PATCH', admin, { body: { role: 'MEMBER' } })).status).toBe(200);
    expectError(await call('DELETE', `/api/organization/members/${jay}`), 400, 'cannot_remove_last_admin');
    expect((await state()).members.map((m: Json) => [m.email, m.role, m.disabled])).toEqual([
      ['admin@acme.test', 'MEMBER', false],
      ['ivy@acme.test', 'ADMIN', true],
      ['jay@acme.test', 'ADMIN', false],
    ]);
  });

  it('refuses self-disable and self-removal for a key that acts as a member', async () => {
    const kim = await seedMember('kim@acme.test', { role: 'ADMIN' });
    const key = await control('POST', `/_fake/organizations/${org.organizationId}/keys`, { userId: kim });
    expect(key.status).toBe(201);
    expectError(await call('PATCH', `/api/organization/members/${kim}`, { key: key.body.token, body: { disabled: true } }), 400, 'cannot_disable_self');
    expectError(await call('DELETE', `/api/organization/members/${kim}`, { key: key.body.token }), 400, 'cannot_remove_self');
  });

  it('makes a re-enabled member take a seat: member_seat_limit_reached when the seats are full', async () => {
    await seedMember('lou@acme.test');
    const off = await seedMember('max@acme.test', { disabled: true });
    const settings = await control('PATCH', '/_fake/settings', { organizationId: org.organizationId, seatLimit: 2 });
    expect(settings.body).toEqual({ organizationId: org.organizationId, settings: { seatLimit: 2, plan: true, autoAcceptInvites: true } });
    const r = await call('PATCH', `/api/organization/members/${off}`, { body: { disabled: false } });
    expectError(r, 403, 'member_seat_limit_reached');
    expect(r.body.error.meta).toEqual({ limitType: 'members', current: 2, max: 2 });
    expect((await state()).members.find((m: Json) => m.userId === off).disabled).toBe(true);
    await control('PATCH', '/_fake/settings', { organizationId: org.organizationId, seatLimit: 3 });
    expect((await call('PATCH', `/api/organization/members/${off}`, { body: { disabled: false } })).body).toMatchObject({ disabled: false });
  });
});

// ---- invites ---------------------------------------------------------------------------------

describe('invites', () => {
  const invite = (email: string, extra: Record<string, unknown> = {}) => ({ email, role: 'MEMBER', teams: [{ teamId: team().id, role: 'MEMBER' }], ...extra });

  it('accepts invites at once by default: the member is listed right after inviting', async () => {
    const r = await call('POST', '/api/organization/invites', {
      body: { invites: [invite('Nia@Acme.test'), invite('oto@acme.test', { role: 'ADMIN', teams: [{ teamId: team().id, role: 'CUSTOM', customRoleId: org.customRoles[0]!.id }] })] },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.invites).toHaveLength(2);
    expect(r.body.invites[0]).toEqual({
      id: expect.any(String),
      email: 'nia@acme.test',
      role: 'MEMBER',
      inviteCode: expect.any(String),
      inviteUrl: expect.stringContaining(r.body.invites[0].inviteCode),
      emailNotSent: true,
      teams: [{ teamId: team().id, role: 'MEMBER', customRoleId: null }],
    });
    expect(r.body.invites[1].teams).toEqual([{ teamId: team().id, role: 'CUSTOM', customRoleId: org.customRoles[0]!.id }]);

    const members = (await call('GET', '/api/organization/members')).body.members;
    expect(members.map((m: Json) => [m.email, m.role])).toEqual([
      ['admin@acme.test', 'ADMIN'],
      ['nia@acme.test', 'MEMBER'],
      ['oto@acme.test', 'ADMIN'],
    ]);
    const nia = members[1].userId as string;
    expect((await call('GET', `/api/organization/members/${nia}`)).body.teams).toEqual([
      { teamId: team().id, teamName: 'Engineering', role: 'MEMBER', customRoleId: null },
    ]);
    expect((await call('GET', '/api/organization/invites')).body).toEqual({ invites: [] });
    expectError(await call('POST', '/api/organization/invites', { body: { invites: [invite('nia@acme.test')] } }), 409, 'already_organization_member', 'nia@acme.test');
  });

  it('keeps invites pending without auto-accept; accepting one makes the member, revoking one deletes it', async () => {
    await control('PATCH', '/_fake/settings', { autoAcceptInvites: false });
    const r = await call('POST', '/api/organization/invites', { body: { invites: [invite('pat@acme.test'), invite('quin@acme.test')] } });
    expect(r.status).toBe(201);
    const [pat, quin] = r.body.invites as Json[];
    const pending = await call('GET', '/api/organization/invites');
    expect(pending.body.invites.map((i: Json) => [i.email, i.role, i.status])).toEqual([
      ['pat@acme.test', 'MEMBER', 'PENDING'],
      ['quin@acme.test', 'MEMBER', 'PENDING'],
    ]);
    expect((await call('GET', '/api/organization/members')).body.members).toHaveLength(1);

    const accepted = await control('POST', `/_fake/invites/${pat.id}/accept`);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ email: 'pat@acme.test', role: 'MEMBER', teams: [{ teamId: team().id, role: 'MEMBER' }] });
    expect(accepted.body.userId).toMatch(/^user_/);
    expectError(await control('POST', `/_fake/invites/${pat.id}/accept`), 404, 'invite_not_found');

    expect((await call('DELETE', `/api/organization/invites/${quin.id}`)).body).toEqual({ success: true });
    expectError(await call('DELETE', `/api/organization/invites/${quin.id}`), 404, 'invite_not_found');
    const s = await state();
    expect(s.invites).toEqual([]);
    expect(s.members.map((m: Json) => m.email)).toEqual(['admin@acme.test', 'pat@acme.test']);
    expect(s.members[1].directBindings).toEqual([expect.objectContaining({ scopeType: 'TEAM', scopeId: team().id, role: 'MEMBER' })]);
  });

  it('refuses a second pending invite for one address', async () => {
    await control('PATCH', '/_fake/settings', { autoAcceptInvites: false });
    expect((await call('POST', '/api/organization/invites', { body: { invites: [invite('rae@acme.test')] } })).status).toBe(201);
    expectError(await call('POST', '/api/organization/invites', { body: { invites: [invite('RAE@acme.test')] } }), 409, 'duplicate_invite');
  });

  it('takes 1..50 invites per batch', async () => {
    const many = Array.from({ length: 51 }, (_, i) => invite(`p${i}@acme.test`));
    expectError(await call('POST', '/api/organization/invites', { body: { invites: many } }), 400, 'invalid_request', 'invites');
    expectError(await call('POST', '/api/organization/invites', { body: { invites: [] } }), 400, 'invalid_request', 'invites');
    expectError(await call('POST', '/api/organization/invites', { body: {} }), 400, 'invalid_request', 'invites');
    expect((await state()).members).toHaveLength(1);
    const fifty = await call('POST', '/api/organization/invites', { body: { invites: many.slice(0, 50) } });
    expect(fifty.status).toBe(201);
    expect((await state()).members).toHaveLength(51);
  });

  it('is all or nothing: one bad invite and none of the batch is written', async () => {
    const existing = await seedMember('sam@acme.test');
    expect(existing).toBeTruthy();
    const cases: [unknown[], number, string, string][] = [
      [[invite('ok1@acme.test'), invite('sam@acme.test')], 409, 'already_organization_member', 'sam@acme.test'],
      [[invite('ok1@acme.test'), invite('not-an-email')], 400, 'invalid_request', 'invites[1].email'],
      [[invite('ok1@acme.test'), invite('ok2@acme.test', { teams: [{ teamId: 'team_nope', role: 'MEMBER' }] })], 400, 'team_not_in_organization', 'invites[1].teams[0].teamId'],
      [[invite('ok1@acme.test'), invite('ok2@acme.test', { teams: [{ teamId: team().id, role: 'CUSTOM' }] })], 400, 'invalid_request', 'customRoleId'],
      [[invite('ok1@acme.test'), invite('ok2@acme.test', { role: 'VIEWER' })], 400, 'invalid_request', 'invites[1].role'],
      [[invite('ok1@acme.test'), invite('OK1@acme.test')], 400, 'invalid_request', 'invites[1].email'],
    ];
    for (const [invites, status, code, mentions] of cases) {
      expectError(await call('POST', '/api/organization/invites', { body: { invites } }), status, code, mentions);
    }
    const s = await state();
    expect(s.members.map((m: Json) => m.email)).toEqual(['admin@acme.test', 'sam@acme.test']);
    expect(s.invites).toEqual([]);
  });

  it('counts invites against the seat limit, all or nothing', async () => {
    await control('PATCH', '/_fake/settings', { organizationId: org.organizationId, seatLimit: 2, autoAcceptInvites: false });
    const r = await call('POST', '/api/organization/invites', { body: { invites: [invite('t1@acme.test'), invite('t2@acme.test')] } });
    expectError(r, 403, 'member_seat_limit_reached');
    expect((await state()).invites).toEqual([]);
    const one = await call('POST', '/api/organization/invites', { body: { invites: [invite('t1@acme.test')] } });
    expect(one.status).toBe(201);
    // The seat is held by the pending invite; lowering the limit makes accepting it fail.
    await control('PATCH', '/_fake/settings', { organizationId: org.organizationId, seatLimit: 1 });
    expectError(await control('POST', `/_fake/invites/${one.body.invites[0].id}/accept`), 403, 'member_seat_limit_reached');
  });
});

// ---- settings and control API ----------------------------------------------------------------

describe('settings and control API', () => {
  it('answers 402 enterprise_plan_required everywhere while the plan is off (after auth)', async () => {
    expect((await control('PATCH', '/_fake/settings', { plan: false })).status).toBe(200);
    expectError(await call('GET', '/api/groups'), 402, 'enterprise_plan_required');
    expectError(await call('GET', '/api/organization/members'), 402, 'enterprise_plan_required');
    expectError(await call('POST', '/api/organization/invites', { body: { invites: [] } }), 402, 'enterprise_plan_required');
    expectError(await call('GET', '/api/groups', { key: null }), 401, 'unauthorized');
    await control('PATCH', '/_fake/settings', { plan: true });
    expect((await call('GET', '/api/groups')).status).toBe(200);
  });

  it('refuses invalid settings and unknown organizations', async () => {
    expectError(await control('PATCH', '/_fake/settings', { seatLimit: -1 }), 400, 'invalid_request', 'seatLimit');
    expectError(await control('PATCH', '/_fake/settings', { plan: 'off' }), 400, 'invalid_request', 'plan');
    expectError(await control('PATCH', '/_fake/settings', { bogus: 1 }), 400, 'invalid_request');
    expectError(await control('PATCH', '/_fake/settings', { organizationId: 'organization_nope', plan: false }), 404, 'organization_not_found');
  });

  it('resets to the very same organization and keys, with nothing else', async () => {
    await call('POST', '/api/groups', { body: { name: 'Gone after reset' } });
    await seedMember('uma@acme.test');
    await control('POST', '/_fake/organizations', { name: 'Initech' });
    const before = org;
    const reset = await control('POST', '/_fake/reset');
    expect(reset.body.organizations).toEqual([before]);
    const all = (await control('GET', '/_fake/state')).body.organizations;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      id: before.organizationId,
      groups: [],
      invites: [],
      members: [{ userId: before.admin.userId, email: before.admin.email, role: 'ADMIN', disabled: false }],
    });
    expect((await call('GET', '/api/groups', { key: before.apiKey })).status).toBe(200);
  });

  it('dumps the exact state a test asserts', async () => {
    const vic = await seedMember('vic@acme.test', { name: 'Vic' });
    await control('PATCH', '/_fake/settings', { autoAcceptInvites: false });
    await call('POST', '/api/organization/invites', { body: { invites: [{ email: 'wes@acme.test', role: 'EXTERNAL', teams: [] }] } });
    const { body: g } = await call('POST', '/api/groups', { body: { name: 'Readers', memberIds: [vic], bindings: [orgBinding('VIEWER')] } });
    const s = await state();
    expect(s).toMatchObject({
      id: org.organizationId,
      settings: { seatLimit: null, plan: true, autoAcceptInvites: false },
      seatsUsed: 3,
      members: [
        { userId: org.admin.userId, email: org.admin.email, role: 'ADMIN', disabled: false },
        { userId: vic, email: 'vic@acme.test', name: 'Vic', role: 'MEMBER', disabled: false, directBindings: [] },
      ],
      invites: [{ email: 'wes@acme.test', role: 'EXTERNAL', teams: [] }],
      groups: [
        {
          id: g.id,
          name: 'Readers',
          slug: 'readers',
          scimSource: null,
          members: [{ userId: vic, email: 'vic@acme.test' }],
          bindings: [{ id: expect.any(String), role: 'VIEWER', customRoleId: null, scopeType: 'ORGANIZATION', scopeId: org.organizationId }],
        },
      ],
    });
  });

  it('creates organizations, teams and keys on demand', async () => {
    const created = await control('POST', '/_fake/organizations', {
      name: 'Umbrella',
      admin: { email: 'boss@umbrella.test' },
      teams: [{ name: 'Research', projects: ['T-Virus'] }],
      seatLimit: 5,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      organizationId: expect.any(String),
      apiKey: expect.stringMatching(/^sk-lw-[a-z0-9]+_[a-z0-9]+$/),
      viewApiKey: expect.stringMatching(/^sk-lw-/),
      admin: { email: 'boss@umbrella.test' },
      teams: [{ name: 'Research', projects: [{ name: 'T-Virus' }] }],
      settings: { seatLimit: 5, plan: true, autoAcceptInvites: true },
    });
    const teamR = await control('POST', `/_fake/organizations/${created.body.organizationId}/teams`, { name: 'Ops' });
    expect(teamR.status).toBe(201);
    const bind = await call('POST', '/api/groups', {
      key: created.body.apiKey,
      body: { name: 'Ops', bindings: [{ role: 'MEMBER', scopeType: 'TEAM', scopeId: teamR.body.id }] },
    });
    expect(bind.status).toBe(201);
    const view = await control('POST', `/_fake/organizations/${created.body.organizationId}/keys`, { scopes: ['organization:view'] });
    expectError(await call('DELETE', `/api/groups/${bind.body.id}`, { key: view.body.token }), 403, 'forbidden');
    expectError(await control('POST', '/_fake/organizations', { seatLimit: 'many' }), 400, 'invalid_request', 'seatLimit');
  });
});

// ---- bad input never makes a 500 -------------------------------------------------------------

describe('bad input', () => {
  it('never answers 5xx to malformed bodies on any write', async () => {
    const { body: g } = await call('POST', '/api/groups', { body: { name: 'Target' } });
    const writes: [string, string][] = [
      ['POST', '/api/groups'],
      ['PATCH', `/api/groups/${g.id}`],
      ['POST', `/api/groups/${g.id}/members`],
      ['POST', `/api/groups/${g.id}/bindings`],
      ['PATCH', `/api/organization/members/${org.admin.userId}`],
      ['POST', '/api/organization/invites'],
    ];
    const bodies = ['', 'null', '[]', '"text"', '42', '{', '{"name":null}', '{"invites":{}}', '{"invites":[null]}', '{"bindings":"x","name":"a"}', '{"memberIds":[1],"name":"a"}', '{"role":null}', '{"userId":[]}'];
    for (const [method, path] of writes) {
      for (const raw of bodies) {
        const r = await call(method, path, { raw });
        expect(r.status, `${method} ${path} ${raw}: ${r.text}`).toBeLessThan(500);
        // Extra fields are ignored, so a few of these are valid for some routes.
        if (r.status >= 400) expect(r.body?.error?.code, r.text).toEqual(expect.any(String));
      }
    }
  });
});

// ---- faults ----------------------------------------------------------------------------------

describe('faults', () => {
  const setFaults = async (config: unknown) => {
    const r = await control('PUT', '/_fake/faults', config);
    expect(r.status, r.text).toBe(200);
    return r.body.faults as Json;
  };
  const requests = async () => (await control('GET', '/_fake/requests')).body as Json;

  it('adds latency to the API but never to the control API', async () => {
    await setFaults({ latency: { ms: 1000 } });
    let t = Date.now();
    expect((await call('GET', '/api/groups')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(980);
    t = Date.now();
    await control('GET', '/_fake/state');
    expect(Date.now() - t).toBeLessThan(900);
    expect((await requests()).log.at(-1)).toMatchObject({ route: 'GET /api/groups', delayedMs: 1000 });
    await setFaults({ latency: { minMs: 100, maxMs: 150 } });
    t = Date.now();
    await call('GET', '/api/groups');
    expect(Date.now() - t).toBeGreaterThanOrEqual(95);
    expect((await requests()).log.at(-1)).toMatchObject({ route: 'GET /api/groups', outcome: 200 });
  });

  it('answers 5xx to the next N requests, then is healthy again', async () => {
    await setFaults({ errors: { next: 2, status: 503 } });
    const a = await call('GET', '/api/groups');
    const b = await call('POST', '/api/groups', { body: { name: 'Never made' } });
    const c = await call('GET', '/api/groups');
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    // 502/503 come from the load balancer, as HTML.
    expect(a.headers.get('content-type')).toContain('text/html');
    expect(a.text).toContain('503');
    expect((await state()).groups).toEqual([]);
    const stats = await requests();
    expect(stats.byStatus).toEqual({ '503': 2, '200': 1 });
    expect((await control('GET', '/_fake/faults')).body.faults.errors).toMatchObject({ next: 0, status: 503 });

    await setFaults({ errors: { next: 1 } });
    const json500 = await call('GET', '/api/groups');
    expectError(json500, 500, 'internal_server_error');
  });

  it('applies a 5xx rate (1 always, 0 never) and a match filter', async () => {
    await setFaults({ errors: { rate: 1, status: 502 } });
    for (let i = 0; i < 3; i++) expect((await call('GET', '/api/groups')).status).toBe(502);
    await setFaults({ errors: { rate: 0 } });
    expect((await call('GET', '/api/groups')).status).toBe(200);
    await setFaults({ errors: { rate: 1, status: 500 }, match: { method: 'POST', path: '/api/groups/:id/members' } });
    const { body: g } = await call('POST', '/api/groups', { body: { name: 'M' } });
    expect(g.id).toBeTruthy();
    expect((await call('POST', `/api/groups/${g.id}/members`, { body: { userId: org.admin.userId } })).status).toBe(500);
    expect((await call('GET', `/api/groups/${g.id}/members`)).status).toBe(200);
  });

  it('answers 429 with Retry-After for the next N requests', async () => {
    await setFaults({ rateLimit: { next: 2, retryAfterSeconds: 3 } });
    const first = await call('GET', '/api/organization/members');
    expectError(first, 429, 'rate_limited');
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await call('GET', '/api/organization/members')).status).toBe(429);
    expect((await call('GET', '/api/organization/members')).status).toBe(200);
  });

  it('answers 429 for a time window, with Retry-After counting down', async () => {
    await setFaults({ rateLimit: { forMs: 30_000 } });
    const r = await call('GET', '/api/groups');
    expect(r.status).toBe(429);
    const seconds = Number(r.headers.get('retry-after'));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(30);
    await setFaults({ rateLimit: { forMs: 200 } });
    expect((await call('GET', '/api/groups')).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call('GET', '/api/groups')).status).toBe(200);
  });

  it('resets the connection: fetch sees a network error, not an HTTP answer', async () => {
    await setFaults({ resets: { next: 1 } });
    await expect(call('POST', '/api/groups', { body: { name: 'Lost' } })).rejects.toThrow(TypeError);
    expect((await call('GET', '/api/groups')).status).toBe(200);
    const stats = await requests();
    expect(stats.byStatus).toMatchObject({ reset: 1, '200': 1 });
    expect(stats.byRouteAndStatus['POST /api/groups']).toEqual({ reset: 1 });
    expect((await state()).groups).toEqual([]);
  });

  it('hangs a request until the client gives up', async () => {
    await setFaults({ timeouts: { next: 1 } });
    const t = Date.now();
    await expect(call('GET', '/api/groups', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - t).toBeGreaterThanOrEqual(280);
    await expect.poll(async () => (await requests()).byStatus.timeout).toBe(1);
    expect((await call('GET', '/api/groups')).status).toBe(200);
  });

  it('ends a hung request when the server closes', async () => {
    const other = await startLangWatchFake();
    await fetch(`${other.url}/_fake/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timeouts: { rate: 1 } }) });
    const hung = fetch(`${other.url}/api/groups`, { headers: { authorization: `Bearer ${other.organization.apiKey}` } });
    hung.catch(() => undefined);
    await expect.poll(() => other.faults.requests().inFlight).toBe(1);
    const t = Date.now();
    await other.close();
    await expect(hung).rejects.toThrow(TypeError);
    expect(Date.now() - t).toBeLessThan(5_000);
  });

  it('answers 402 enterprise_plan_required on everything, even without a key, but not on the control API', async () => {
    await setFaults({ planRequired: true });
    expectError(await call('GET', '/api/groups'), 402, 'enterprise_plan_required');
    expectError(await call('DELETE', '/api/organization/members/anyone', { key: null }), 402, 'enterprise_plan_required');
    expect((await control('GET', '/_fake/state')).status).toBe(200);
    await control('DELETE', '/_fake/faults');
    expect((await call('GET', '/api/groups')).status).toBe(200);
  });

  it('counts every request by route template and status, and never the control API', async () => {
    const { body: g } = await call('POST', '/api/groups', { body: { name: 'Counted' } });
    await call('GET', `/api/groups/${g.id}`);
    await call('GET', `/api/groups/${g.id}`);
    await call('GET', '/api/groups/group_nope');
    await call('GET', '/api/groups', { key: null });
    await control('GET', '/_fake/state');
    const stats = await requests();
    expect(stats.total).toBe(5);
    expect(stats.inFlight).toBe(0);
    expect(stats.byRoute).toEqual({ 'POST /api/groups': 1, 'GET /api/groups/:id': 3, 'GET /api/groups': 1 });
    expect(stats.byStatus).toEqual({ '201': 1, '200': 2, '404': 1, '401': 1 });
    expect(stats.byRouteAndStatus['GET /api/groups/:id']).toEqual({ '200': 2, '404': 1 });
    expect(stats.log).toHaveLength(5);
    expect(stats.log[0]).toMatchObject({ method: 'POST', path: '/api/groups', route: 'POST /api/groups', outcome: 201, fault: null });
    expect((await control('DELETE', '/_fake/requests')).body.total).toBe(0);
    expect((await requests()).total).toBe(0);
  });

  it('refuses an invalid fault configuration, naming the field', async () => {
    expectError(await control('PUT', '/_fake/faults', { errors: { status: 504 } }), 400, 'invalid_request', 'errors.status');
    expectError(await control('PUT', '/_fake/faults', { errors: { rate: 2 } }), 400, 'invalid_request', 'errors.rate');
    expectError(await control('PUT', '/_fake/faults', { latency: {} }), 400, 'invalid_request', 'latency');
    expectError(await control('PUT', '/_fake/faults', { latency: { minMs: 10 } }), 400, 'invalid_request', 'latency');
    expectError(await control('PUT', '/_fake/faults', { chaos: true }), 400, 'invalid_request');
    expect((await control('GET', '/_fake/faults')).body.faults).toMatchObject({ errors: null, latency: null, planRequired: false });
  });
});
