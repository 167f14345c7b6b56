/**
 * The LangSmith stand-in (fakes/langsmith) over real HTTP: headers, every endpoint's happy path
 * and refusals, FastAPI-style 422s, guard rails, the control API and injected faults.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLangSmithFake, type RunningLangSmithFake } from '../../fakes/langsmith/server.js';

let fake: RunningLangSmithFake;

beforeAll(async () => {
  fake = await startLangSmithFake();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  const res = await fetch(`${fake.url}/_fake/reset`, { method: 'POST' });
  expect(res.status).toBe(200);
});

// ---- helpers ---------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Call {
  body?: unknown;
  /** A raw body, sent as is (malformed JSON). */
  raw?: string;
  tenant?: string;
  key?: string | null;
  org?: string | null;
  headers?: Record<string, string>;
}

async function ls(method: string, path: string, call: Call = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const org = fake.organization;
  const headers: Record<string, string> = { ...call.headers };
  const key = call.key === undefined ? org.apiKey : call.key;
  const orgId = call.org === undefined ? org.organizationId : call.org;
  if (key !== null) headers['X-API-Key'] = key;
  if (orgId !== null) headers['X-Organization-Id'] = orgId;
  if (call.tenant !== undefined) headers['X-Tenant-Id'] = call.tenant;
  let body: string | undefined;
  if (call.raw !== undefined) body = call.raw;
  else if (call.body !== undefined) body = JSON.stringify(call.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${fake.url}/api/v1${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // HTML from an injected 502/503 stays text.
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${fake.url}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function roles(): Promise<Record<string, string>> {
  const res = await ls('GET', '/orgs/current/roles');
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body as Json[]).map((r) => [r.display_name, r.id]));
}

const ws0 = () => fake.organization.workspaces[0]!.id;

async function orgState(): Promise<Json> {
  const { body } = await control('GET', `/state?organizationId=${fake.organization.organizationId}`);
  return body.organizations[0];
}

async function orgMemberByEmail(email: string): Promise<Json> {
  const res = await ls('GET', '/orgs/current/members');
  return (res.body.members as Json[]).find((m) => m.email === email);
}

/** Invites and (auto-)accepts someone; returns their organization member record. */
async function join(email: string, roleName = 'Organization User', workspaces: string[] = [], workspaceRole = 'Viewer'): Promise<Json> {
  const r = await roles();
  const res = await ls('POST', '/orgs/current/members', {
    body: { email, role_id: r[roleName], workspace_ids: workspaces, workspace_role_id: r[workspaceRole] },
  });
  expect(res.status).toBe(200);
  return orgMemberByEmail(email);
}

// ---- auth --------------------------------------------------------------------------------------

describe('auth headers', () => {
  it('refuses a missing or unknown X-API-Key with 401 and a detail', async () => {
    for (const key of [null, 'lsv2_pt_00000000000000000000000000000000_0000000000']) {
      const res = await ls('GET', '/workspaces', { key });
      expect(res.status).toBe(401);
      expect(typeof res.body.detail).toBe('string');
    }
  });

  it('refuses an X-Organization-Id that is missing or not the key\'s organization with 403', async () => {
    const other = await control('POST', '/organizations', { displayName: 'Other' });
    expect(other.status).toBe(201);
    for (const org of [null, other.body.organizationId, 'not-a-uuid']) {
      const res = await ls('GET', '/orgs/current/members', { org });
      expect(res.status).toBe(403);
      expect(typeof res.body.detail).toBe('string');
    }
    // The other organization's key works with its own id only.
    const own = await ls('GET', '/orgs/current/members', { key: other.body.apiKey, org: other.body.organizationId });
    expect(own.status).toBe(200);
    expect(own.body.members.map((m: Json) => m.email)).toEqual([other.body.admin.email]);
  });

  it('needs X-Tenant-Id on workspace-scoped requests: 400 missing, 403 unknown or foreign', async () => {
    const missing = await ls('GET', '/workspaces/current/members');
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toMatch(/X-Tenant-Id/);

    const other = await control('POST', '/organizations', { displayName: 'Other' });
    for (const tenant of ['7d4f6f7e-1111-4222-8333-944445555666', other.body.workspaces[0].id, 'nope']) {
      const res = await ls('GET', '/workspaces/current/members', { tenant });
      expect(res.status).toBe(403);
      expect(typeof res.body.detail).toBe('string');
    }
    expect((await ls('GET', '/workspaces/current/members', { tenant: ws0() })).status).toBe(200);
  });

  it('routes before it authenticates: 404 for an unknown path, 405 for another method, 307 for a trailing slash', async () => {
    const unknown = await ls('GET', '/nothing/here', { key: null });
    expect(unknown).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    const wrongMethod = await ls('PUT', '/workspaces', { key: null });
    expect(wrongMethod).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    const slash = await ls('GET', '/workspaces/');
    expect(slash.status).toBe(307);
    expect(new URL(slash.headers.get('location')!).pathname).toBe('/api/v1/workspaces');
  });

  it('lets only an Organization Admin manage the organization (403 for an Organization User\'s key)', async () => {
    const user = await join('user@example.com');
    const key = await control('POST', `/organizations/${fake.organization.organizationId}/keys`, { identityId: user.id });
    expect(key.status).toBe(201);
    const read = await ls('GET', '/orgs/current/members', { key: key.body.apiKey });
    expect(read.status).toBe(200);
    const invite = await ls('POST', '/orgs/current/members', { key: key.body.apiKey, body: { email: 'x@example.com' } });
    expect(invite.status).toBe(403);
    const ws = await ls('POST', '/workspaces', { key: key.body.apiKey, body: { display_name: 'Nope' } });
    expect(ws.status).toBe(403);
    // Not a member of the Default workspace, so no access to it either.
    expect((await ls('GET', '/workspaces/current/members', { key: key.body.apiKey, tenant: ws0() })).status).toBe(403);
  });

  it('stops honouring a key once its owner has left the organization', async () => {
    const second = await join('second-admin@example.com', 'Organization Admin');
    const key = await control('POST', `/organizations/${fake.organization.organizationId}/keys`, { identityId: second.id });
    expect((await ls('GET', '/workspaces', { key: key.body.apiKey })).status).toBe(200);
    expect((await ls('DELETE', `/orgs/current/members/${second.id}`)).status).toBe(200);
    expect((await ls('GET', '/workspaces', { key: key.body.apiKey })).status).toBe(403);
  });
});

// ---- workspaces and roles ------------------------------------------------------------------

describe('workspaces', () => {
  it('lists, creates (creator becomes Admin) and renames workspaces', async () => {
    const list = await ls('GET', '/workspaces');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ id: ws0(), display_name: 'Default', organization_id: fake.organization.organizationId })]);

    const created = await ls('POST', '/workspaces', { body: { display_name: 'Production' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ display_name: 'Production', organization_id: fake.organization.organizationId });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);

    const members = await ls('GET', '/workspaces/current/members', { tenant: created.body.id });
    expect(members.body).toMatchObject({
      tenant_id: created.body.id,
      members: [{ email: fake.organization.admin.email, role_name: 'Admin' }],
      pending: [],
    });

    const renamed = await ls('PATCH', `/workspaces/${created.body.id}`, { body: { display_name: 'Prod' } });
    expect(renamed).toMatchObject({ status: 200, body: { id: created.body.id, display_name: 'Prod' } });
    expect((await ls('GET', '/workspaces')).body.map((w: Json) => w.display_name)).toEqual(['Default', 'Prod']);
  });

  it('refuses to rename an unknown workspace (404) or a malformed id (422)', async () => {
    const unknown = await ls('PATCH', '/workspaces/7d4f6f7e-1111-4222-8333-944445555666', { body: { display_name: 'X' } });
    expect(unknown.status).toBe(404);
    expect(typeof unknown.body.detail).toBe('string');
    const malformed = await ls('PATCH', '/workspaces/abc', { body: { display_name: 'X' } });
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail).toEqual([expect.objectContaining({ type: 'uuid_parsing', loc: ['path', 'workspace_id'], input: 'abc' })]);
  });
});

describe('roles', () => {
  it('lists the system roles with their scopes, and custom roles added through the control API', async () => {
    const before = await ls('GET', '/orgs/current/roles');
    expect(before.status).toBe(200);
    expect(before.body.map((r: Json) => [r.name, r.display_name, r.access_scope])).toEqual([
      ['ORGANIZATION_ADMIN', 'Organization Admin', 'organization'],
      ['ORGANIZATION_USER', 'Organization User', 'organization'],
      ['WORKSPACE_ADMIN', 'Admin', 'workspace'],
      ['WORKSPACE_USER', 'Editor', 'workspace'],
      ['WORKSPACE_VIEWER', 'Viewer', 'workspace'],
    ]);
    for (const r of before.body) expect(r).toMatchObject({ id: expect.any(String), permissions: expect.any(Array) });

    const custom = await control('POST', '/roles', { displayName: 'Annotators' });
    expect(custom.status).toBe(201);
    expect(custom.body).toMatchObject({ name: 'CUSTOM', display_name: 'Annotators', access_scope: 'workspace' });
    const after = await ls('GET', '/orgs/current/roles');
    expect(after.body.at(-1)).toMatchObject({ id: custom.body.id, display_name: 'Annotators', access_scope: 'workspace' });

    // Reset keeps the system role ids and drops the custom role.
    await control('POST', '/reset');
    const again = await ls('GET', '/orgs/current/roles');
    expect(again.body.map((r: Json) => r.id)).toEqual(before.body.map((r: Json) => r.id));
  });
});

// ---- organization members ----------------------------------------------------------------------

describe('organization members', () => {
  it('starts with the admin as the one Organization Admin', async () => {
    const res = await ls('GET', '/orgs/current/members');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      members: [
        expect.objectContaining({
          id: fake.organization.admin.identityId,
          user_id: fake.organization.admin.userId,
          email: fake.organization.admin.email,
          role_name: 'Organization Admin',
        }),
      ],
      pending: [],
    });
  });

  it('invites someone into the organization and workspaces (auto-accepted by default)', async () => {
    const r = await roles();
    const res = await ls('POST', '/orgs/current/members', {
      body: { email: 'Ada@Example.com', role_id: r['Organization User'], workspace_ids: [ws0()], workspace_role_id: r['Editor'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: 'ada@example.com', role_id: r['Organization User'], workspace_ids: [ws0()] });

    const member = await orgMemberByEmail('ada@example.com');
    expect(member).toMatchObject({ role_id: r['Organization User'], role_name: 'Organization User', tenant_ids: [ws0()] });
    // The pending identity's id is not the member's identity id (LangSmith makes a new one on accept).
    expect(member.id).not.toBe(res.body.id);
    expect(member.user_id).toMatch(/^[0-9a-f-]{36}$/);

    const wsMembers = await ls('GET', '/workspaces/current/members', { tenant: ws0() });
    expect(wsMembers.body.members).toContainEqual(expect.objectContaining({ email: 'ada@example.com', role_name: 'Editor', user_id: member.user_id }));
  });

  it('keeps an invite pending until accepted when autoAcceptInvites is off', async () => {
    expect((await control('PATCH', '/settings', { autoAcceptInvites: false })).status).toBe(200);
    const r = await roles();
    const invite = await ls('POST', '/orgs/current/members', {
      body: { email: 'pat@example.com', role_id: r['Organization User'], workspace_ids: [ws0()], workspace_role_id: r['Viewer'] },
    });
    expect(invite.status).toBe(200);
    const listed = await ls('GET', '/orgs/current/members');
    expect(listed.body.members.map((m: Json) => m.email)).not.toContain('pat@example.com');
    expect(listed.body.pending).toEqual([expect.objectContaining({ id: invite.body.id, email: 'pat@example.com', role_name: 'Organization User' })]);
    const wsPending = await ls('GET', '/workspaces/current/members', { tenant: ws0() });
    expect(wsPending.body.pending).toEqual([expect.objectContaining({ email: 'pat@example.com', role_name: 'Viewer' })]);
    expect((await ls('GET', '/orgs/current/members/pending?emails=pat@example.com')).body).toHaveLength(1);

    // A pending identity is not a member: PATCH on its id is a 404, and a second invite a 409.
    expect((await ls('PATCH', `/orgs/current/members/${invite.body.id}`, { body: { role_id: r['Organization Admin'] } })).status).toBe(404);
    expect((await ls('POST', '/orgs/current/members', { body: { email: 'pat@example.com' } })).status).toBe(409);

    const accepted = await control('POST', `/invites/${invite.body.id}/accept`);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ email: 'pat@example.com', role_name: 'Organization User', tenant_ids: [ws0()] });
    const after = await ls('GET', '/orgs/current/members');
    expect(after.body.pending).toEqual([]);
    expect(after.body.members.map((m: Json) => m.email)).toContain('pat@example.com');
  });

  it('revokes a pending invite', async () => {
    await control('PATCH', '/settings', { autoAcceptInvites: false });
    const invite = await ls('POST', '/orgs/current/members', { body: { email: 'gone@example.com' } });
    const revoked = await ls('DELETE', `/orgs/current/members/${invite.body.id}/pending`);
    expect(revoked.status).toBe(200);
    expect((await ls('GET', '/orgs/current/members')).body.pending).toEqual([]);
    expect((await ls('DELETE', `/orgs/current/members/${invite.body.id}/pending`)).status).toBe(404);
  });

  it('answers 409 when the email is already a member', async () => {
    await join('dup@example.com');
    const again = await ls('POST', '/orgs/current/members', { body: { email: 'DUP@example.com' } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already a member/);
    const admin = await ls('POST', '/orgs/current/members', { body: { email: fake.organization.admin.email } });
    expect(admin.status).toBe(409);
  });

  it('refuses role ids of the wrong scope, unknown roles and unknown workspaces with 400', async () => {
    const r = await roles();
    const cases = [
      { email: 'a@example.com', role_id: r['Admin'] },
      { email: 'a@example.com', role_id: r['Organization User'], workspace_ids: [ws0()], workspace_role_id: r['Organization Admin'] },
      { email: 'a@example.com', role_id: '7d4f6f7e-1111-4222-8333-944445555666' },
      { email: 'a@example.com', workspace_ids: ['7d4f6f7e-1111-4222-8333-944445555666'] },
    ];
    for (const body of cases) {
      const res = await ls('POST', '/orgs/current/members', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.body.detail).toBe('string');
    }
    const user = await join('b@example.com');
    const patch = await ls('PATCH', `/orgs/current/members/${user.id}`, { body: { role_id: r['Viewer'] } });
    expect(patch.status).toBe(400);
    expect(patch.body.detail).toMatch(/access_scope "organization"/);
    expect((await orgState()).pending).toEqual([]);
  });

  it('changes an organization role and removes a member from the organization and every workspace', async () => {
    const r = await roles();
    const prod = (await ls('POST', '/workspaces', { body: { display_name: 'Production' } })).body.id;
    const m = await join('mover@example.com', 'Organization User', [ws0(), prod], 'Editor');

    const promoted = await ls('PATCH', `/orgs/current/members/${m.id}`, { body: { role_id: r['Organization Admin'] } });
    expect(promoted).toMatchObject({ status: 200, body: { id: m.id, role_name: 'Organization Admin' } });

    const removed = await ls('DELETE', `/orgs/current/members/${m.id}`);
    expect(removed.status).toBe(200);
    const state = await orgState();
    expect(state.members.map((x: Json) => x.email)).toEqual([fake.organization.admin.email]);
    for (const ws of state.workspaces) expect(ws.members.map((x: Json) => x.email)).toEqual([fake.organization.admin.email]);
    expect((await ls('DELETE', `/orgs/current/members/${m.id}`)).status).toBe(404);
  });

  it('never demotes or removes the last Organization Admin', async () => {
    const r = await roles();
    const admin = fake.organization.admin.identityId;
    const demote = await ls('PATCH', `/orgs/current/members/${admin}`, { body: { role_id: r['Organization User'] } });
    expect(demote.status).toBe(400);
    expect(demote.body.detail).toMatch(/last Organization Admin/);
    const remove = await ls('DELETE', `/orgs/current/members/${admin}`);
    expect(remove.status).toBe(400);
    expect(remove.body.detail).toMatch(/last Organization Admin/);

    // With a second admin, the first may go.
    await join('second@example.com', 'Organization Admin');
    expect((await ls('PATCH', `/orgs/current/members/${admin}`, { body: { role_id: r['Organization User'] } })).status).toBe(200);
  });

  it('refuses invites beyond the seat limit (members and pending invites take seats)', async () => {
    await control('PATCH', '/settings', { seatLimit: 3, autoAcceptInvites: false });
    expect((await ls('POST', '/orgs/current/members', { body: { email: 's1@example.com' } })).status).toBe(200);
    expect((await ls('POST', '/orgs/current/members', { body: { email: 's2@example.com' } })).status).toBe(200);
    const full = await ls('POST', '/orgs/current/members', { body: { email: 's3@example.com' } });
    expect(full.status).toBe(400);
    expect(full.body.detail).toMatch(/seat limit/);
    expect((await orgState()).seatsUsed).toBe(3);
  });
});

// ---- workspace members -------------------------------------------------------------------------

describe('workspace members', () => {
  it('adds an existing org member by user_id, changes their workspace role and removes them', async () => {
    const r = await roles();
    const m = await join('wendy@example.com');
    const added = await ls('POST', '/workspaces/current/members', {
      tenant: ws0(),
      body: { user_id: m.user_id, workspace_ids: [ws0()], workspace_role_id: r['Viewer'] },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ email: 'wendy@example.com', tenant_id: ws0(), role_name: 'Viewer', user_id: m.user_id });
    // A workspace identity has its own id.
    expect(added.body.id).not.toBe(m.id);

    const again = await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { user_id: m.user_id, workspace_role_id: r['Viewer'] } });
    expect(again.status).toBe(409);

    const patched = await ls('PATCH', `/workspaces/current/members/${added.body.id}`, { tenant: ws0(), body: { role_id: r['Editor'] } });
    expect(patched).toMatchObject({ status: 200, body: { id: added.body.id, role_name: 'Editor' } });
    const wrongScope = await ls('PATCH', `/workspaces/current/members/${added.body.id}`, { tenant: ws0(), body: { role_id: r['Organization User'] } });
    expect(wrongScope.status).toBe(400);
    // The organization identity id is not a workspace identity id.
    expect((await ls('PATCH', `/workspaces/current/members/${m.id}`, { tenant: ws0(), body: { role_id: r['Editor'] } })).status).toBe(404);

    expect((await ls('DELETE', `/workspaces/current/members/${added.body.id}`, { tenant: ws0() })).status).toBe(200);
    const listed = await ls('GET', '/workspaces/current/members', { tenant: ws0() });
    expect(listed.body.members.map((x: Json) => x.email)).toEqual([fake.organization.admin.email]);
    // Still a member of the organization.
    expect(await orgMemberByEmail('wendy@example.com')).toBeDefined();
  });

  it('refuses a user that is not in the organization, and a workspace role id of the wrong scope', async () => {
    const r = await roles();
    const stranger = await ls('POST', '/workspaces/current/members', {
      tenant: ws0(),
      body: { user_id: '7d4f6f7e-1111-4222-8333-944445555666', workspace_role_id: r['Viewer'] },
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.detail).toMatch(/not a member of this organization/);
    const m = await join('scope@example.com');
    const wrong = await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { user_id: m.user_id, workspace_role_id: r['Organization Admin'] } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.detail).toMatch(/access_scope "workspace"/);
  });

  it('accepts a custom workspace role', async () => {
    const custom = await control('POST', '/roles', { displayName: 'Annotators' });
    const m = await join('anna@example.com');
    const added = await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { user_id: m.user_id, workspace_role_id: custom.body.id } });
    expect(added).toMatchObject({ status: 200, body: { role_id: custom.body.id, role_name: 'Annotators' } });
  });
});

// ---- 422 -------------------------------------------------------------------------------------

describe('invalid requests (422 like FastAPI)', () => {
  it.each(['read_only', 'password', 'full_name'])('refuses %s in a body', async (field) => {
    const r = await roles();
    const invite = await ls('POST', '/orgs/current/members', { body: { email: 'x@example.com', [field]: field === 'read_only' ? false : 'x' } });
    expect(invite.status).toBe(422);
    expect(invite.body.detail).toContainEqual(expect.objectContaining({ type: 'extra_forbidden', loc: ['body', field] }));
    const m = await join(`${field.replace('_', '')}@example.com`);
    const ws = await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { user_id: m.user_id, [field]: 'x' } });
    expect(ws.status).toBe(422);
    const patch = await ls('PATCH', `/orgs/current/members/${m.id}`, { body: { role_id: r['Organization User'], [field]: 'x' } });
    expect(patch.status).toBe(422);
    // Nothing changed.
    expect((await orgMemberByEmail('x@example.com'))).toBeUndefined();
  });

  it('answers malformed bodies with a list of pydantic errors', async () => {
    const cases: { call: Call; path?: string; method?: string; type: string; loc: (string | number)[] }[] = [
      { call: { raw: '{"email": ' }, type: 'json_invalid', loc: ['body', 0] },
      { call: {}, type: 'missing', loc: ['body'] },
      { call: { body: ['a@example.com'] }, type: 'model_attributes_type', loc: ['body'] },
      { call: { body: {} }, type: 'missing', loc: ['body', 'email'] },
      { call: { body: { email: 'not-an-email' } }, type: 'value_error', loc: ['body', 'email'] },
      { call: { body: { email: 42 } }, type: 'string_type', loc: ['body', 'email'] },
      { call: { body: { email: 'a@example.com', role_id: 'admin' } }, type: 'uuid_parsing', loc: ['body', 'role_id'] },
      { call: { body: { email: 'a@example.com', workspace_ids: 'all' } }, type: 'list_type', loc: ['body', 'workspace_ids'] },
      { call: { body: { email: 'a@example.com', workspace_ids: ['x'] } }, type: 'uuid_parsing', loc: ['body', 'workspace_ids', 0] },
      { call: { body: { display_name: '' } }, method: 'POST', path: '/workspaces', type: 'string_too_short', loc: ['body', 'display_name'] },
      { call: { body: { name: 'x' } }, method: 'POST', path: '/workspaces', type: 'missing', loc: ['body', 'display_name'] },
      { call: { body: {} }, method: 'PATCH', path: `/orgs/current/members/${fake.organization.admin.identityId}`, type: 'missing', loc: ['body', 'role_id'] },
      { call: { body: { role_id: 'x' } }, method: 'PATCH', path: '/orgs/current/members/not-a-uuid', type: 'uuid_parsing', loc: ['path', 'identity_id'] },
      { call: { body: { workspace_role_id: null } }, method: 'POST', path: '/workspaces/current/members', type: 'missing', loc: ['body', 'user_id'] },
      { call: {}, method: 'GET', path: '/orgs/current/members/active?limit=0', type: 'greater_than_equal', loc: ['query', 'limit'] },
    ];
    for (const c of cases) {
      const res = await ls(c.method ?? 'POST', c.path ?? '/orgs/current/members', { ...c.call, tenant: ws0() });
      expect(res.status, `${c.type} ${JSON.stringify(c.call)}`).toBe(422);
      expect(Array.isArray(res.body.detail)).toBe(true);
      expect(res.body.detail, `${c.type} ${JSON.stringify(c.call)}`).toContainEqual(expect.objectContaining({ type: c.type, loc: c.loc, msg: expect.any(String) }));
    }
    // Every refusal left the state as it was.
    const state = await orgState();
    expect(state.members).toHaveLength(1);
    expect(state.pending).toEqual([]);
    expect(state.workspaces).toHaveLength(1);
  });
});

// ---- faults ----------------------------------------------------------------------------------

describe('faults (fakes/faults.ts)', () => {
  it('answers injected 503s, then is healthy again; the control API is never faulted', async () => {
    expect((await control('PUT', '/faults', { errors: { next: 2, status: 503 } })).status).toBe(200);
    const first = await ls('GET', '/workspaces');
    const second = await ls('POST', '/orgs/current/members', { body: { email: 'retry@example.com' } });
    expect([first.status, second.status]).toEqual([503, 503]);
    expect(String(second.body)).toMatch(/503/);
    // The control API is neither faulted nor counted.
    expect((await control('GET', '/state')).status).toBe(200);
    // The faulted write did not happen; the retry succeeds.
    expect(await orgMemberByEmail('retry@example.com')).toBeUndefined();
    expect((await ls('POST', '/orgs/current/members', { body: { email: 'retry@example.com' } })).status).toBe(200);
    expect(await orgMemberByEmail('retry@example.com')).toBeDefined();

    const stats = (await control('GET', '/requests?log=false')).body;
    expect(stats.byStatus['503']).toBe(2);
    expect(stats.byRouteAndStatus['POST /api/v1/orgs/current/members']).toEqual({ '503': 1, '200': 1 });
  });

  it('answers 429 with Retry-After and a detail', async () => {
    await control('PUT', '/faults', { rateLimit: { next: 1, retryAfterSeconds: 7 }, match: { method: 'POST', path: '/api/v1/workspaces' } });
    // Not matched: goes through.
    expect((await ls('GET', '/workspaces')).status).toBe(200);
    const limited = await ls('POST', '/workspaces', { body: { display_name: 'Later' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(typeof limited.body.detail).toBe('string');
    const later = await ls('POST', '/workspaces', { body: { display_name: 'Later' } });
    expect(later.status).toBe(200);
    expect((await orgState()).workspaces.map((w: Json) => w.displayName)).toEqual(['Default', 'Later']);
  });
});

// ---- control API and final state -----------------------------------------------------------

describe('control API', () => {
  it('shows the exact final state a test can assert on', async () => {
    const r = await roles();
    const prod = (await ls('POST', '/workspaces', { body: { display_name: 'Production' } })).body.id;
    await join('bob@example.com', 'Organization User', [prod], 'Viewer');
    const carol = await join('carol@example.com', 'Organization Admin');
    const carolWs = await ls('POST', '/workspaces/current/members', { tenant: prod, body: { user_id: carol.user_id, workspace_role_id: r['Editor'] } });
    expect(carolWs.status).toBe(200);
    await control('PATCH', '/settings', { autoAcceptInvites: false });
    await ls('POST', '/orgs/current/members', { body: { email: 'dan@example.com', workspace_ids: [prod], workspace_role_id: r['Viewer'] } });

    const state = await orgState();
    const admin = fake.organization.admin.email;
    const summary = {
      members: state.members.map((m: Json) => ({ email: m.email, role: m.roleName, workspaces: m.workspaces.map((w: Json) => `${w.displayName}:${w.roleName}`) })),
      pending: state.pending.map((p: Json) => ({ email: p.email, role: p.roleName, workspaces: p.workspaces.map((w: Json) => `${w.displayName}:${w.roleName}`) })),
      workspaces: state.workspaces.map((w: Json) => ({
        name: w.displayName,
        members: w.members.map((m: Json) => `${m.email}:${m.roleName}`),
        pending: w.pending.map((p: Json) => `${p.email}:${p.roleName}`),
      })),
    };
    expect(summary).toEqual({
      members: [
        { email: admin, role: 'Organization Admin', workspaces: ['Default:Admin', 'Production:Admin'] },
        { email: 'bob@example.com', role: 'Organization User', workspaces: ['Production:Viewer'] },
        { email: 'carol@example.com', role: 'Organization Admin', workspaces: ['Production:Editor'] },
      ],
      pending: [{ email: 'dan@example.com', role: 'Organization User', workspaces: ['Production:Viewer'] }],
      workspaces: [
        { name: 'Default', members: [`${admin}:Admin`], pending: [] },
        {
          name: 'Production',
          members: [`${admin}:Admin`, 'bob@example.com:Viewer', 'carol@example.com:Editor'],
          pending: ['dan@example.com:Viewer'],
        },
      ],
    });
    expect(state.settings).toEqual({ seatLimit: null, autoAcceptInvites: false });
  });

  it('creates organizations with seeded members, and reset returns to the start with the same ids and key', async () => {
    const created = await control('POST', '/organizations', {
      displayName: 'Globex',
      workspaces: ['Prod', 'Dev'],
      members: [{ email: 'hank@globex.example', role: 'Organization User', workspaces: [{ workspace: 'Dev', role: 'Editor' }] }],
      seatLimit: 10,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ displayName: 'Globex', apiKey: expect.stringMatching(/^lsv2_pt_/), settings: { seatLimit: 10 } });
    const headers = { key: created.body.apiKey, org: created.body.organizationId };
    const dev = created.body.workspaces.find((w: Json) => w.displayName === 'Dev').id;
    const devMembers = await ls('GET', '/workspaces/current/members', { ...headers, tenant: dev });
    expect(devMembers.body.members.map((m: Json) => `${m.email}:${m.role_name}`)).toEqual([`${created.body.admin.email}:Admin`, 'hank@globex.example:Editor']);

    const bad = await control('POST', '/organizations', { seatLimit: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');

    const before = fake.organization;
    await join('temp@example.com');
    const reset = await control('POST', '/reset');
    expect(reset.body.organizations).toHaveLength(1);
    expect(reset.body.organizations[0]).toEqual(before);
    const state = (await control('GET', '/state')).body;
    expect(state.organizations).toHaveLength(1);
    expect(state.organizations[0].members.map((m: Json) => m.email)).toEqual([before.admin.email]);
    expect((await ls('GET', '/workspaces')).body.map((w: Json) => w.id)).toEqual([before.workspaces[0]!.id]);
  });

  it('describes itself at GET /_fake and answers unknown control paths with 404', async () => {
    const usage = await control('GET', '');
    expect(usage.body.controlApi).toEqual(expect.arrayContaining([expect.stringMatching(/\/_fake\/state/)]));
    expect((await control('POST', '/invites/7d4f6f7e-1111-4222-8333-944445555666/accept')).status).toBe(404);
    expect((await control('GET', '/nothing')).status).toBe(404);
  });
});
