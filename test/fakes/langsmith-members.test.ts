/**
 * The LangSmith stand-in over real HTTP, part 2: invites (§B S5, S8), adding people to
 * workspaces and its trap (S10), roles (S6, S11), removal (S7, S12) and the paged lists (S4b).
 * Statuses §B marks as not documented are checked only as "the stand-in's choice".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLangSmithFake, type RunningLangSmithFake } from '../../fakes/langsmith/server.js';

type Json = any;

let fake: RunningLangSmithFake;
let role: Record<string, string>;
beforeAll(async () => {
  fake = await startLangSmithFake();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  expect((await control('POST', '/reset')).status).toBe(200);
  const roles = (await ls('GET', '/orgs/current/roles')).body as Json[];
  role = Object.fromEntries(roles.map((r) => [r.display_name, r.id]));
});

async function ls(method: string, path: string, call: { body?: unknown; tenant?: string } = {}): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'X-API-Key': fake.organization.apiKey, 'X-Organization-Id': fake.organization.organizationId };
  if (call.tenant !== undefined) headers['X-Tenant-Id'] = call.tenant;
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${fake.url}/api/v1${path}`, {
    method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${fake.url}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const orgId = () => fake.organization.organizationId;
const ws0 = () => fake.organization.workspaces[0]!.id;
const undocumented = (res: { status: number; body: Json }, status: number) => {
  expect(res.status).toBe(status);
  expect(typeof res.body.detail).toBe('string');
};
const seed = async (email: string, extra: Record<string, unknown> = {}) =>
  (await control('POST', `/organizations/${orgId()}/members`, { email, ...extra })).body;
const orgMembers = async () => (await ls('GET', '/orgs/current/members')).body;
const wsMembers = async (ws: string) => (await ls('GET', '/workspaces/current/members', { tenant: ws })).body;
const newWorkspace = async (name: string) => (await ls('POST', '/workspaces', { body: { display_name: name } })).body.id as string;

describe('invites (§B S5, S8)', () => {
  it("stay pending until accepted; accepting makes a new organization identity with the invite's workspaces and role", async () => {
    const prod = await newWorkspace('Production');
    const inv = await ls('POST', '/orgs/current/members', {
      body: { email: 'Ada@Example.com', role_id: role['Organization User'], workspace_ids: [prod], workspace_role_id: role['Editor'] },
    });
    expect(inv.status).toBe(200);
    expect(inv.body).toMatchObject({ email: 'ada@example.com', access_scope: 'organization', organization_id: orgId() });
    const before = await orgMembers();
    expect(before.members.map((m: Json) => m.email)).not.toContain('ada@example.com');
    expect(before.pending.map((p: Json) => p.id)).toEqual([inv.body.id]);
    // The workspace lists the invite as pending, under an id of its own, with the role to come.
    const wsPending = (await wsMembers(prod)).pending;
    expect(wsPending).toEqual([expect.objectContaining({ email: 'ada@example.com', role_name: 'Editor', tenant_id: prod })]);
    expect(wsPending[0].id).not.toBe(inv.body.id);

    const accepted = await control('POST', `/invites/${inv.body.id}/accept`);
    expect(accepted.status).toBe(201);
    expect(accepted.body.id).not.toBe(inv.body.id);
    const after = await orgMembers();
    expect(after.pending).toEqual([]);
    expect(after.members.find((m: Json) => m.email === 'ada@example.com')).toMatchObject({
      id: accepted.body.id,
      role_name: 'Organization User',
      tenant_ids: [prod],
    });
    expect((await wsMembers(prod)).members.map((m: Json) => `${m.email}:${m.role_name}`)).toEqual(['ada@example.com:Editor']);
  });

  it('an invite with workspaces but no workspace_role_id gives the default workspace role on acceptance', async () => {
    const inv = await ls('POST', '/orgs/current/members', { body: { email: 'noroles@example.com', workspace_ids: [ws0()] } });
    expect(inv.body).toMatchObject({ workspace_role_id: null, role_name: 'Organization User' });
    await control('POST', `/invites/${inv.body.id}/accept`);
    expect((await wsMembers(ws0())).members.find((m: Json) => m.email === 'noroles@example.com').role_name).toBe('Viewer');
  });

  it('re-inviting a member or an invited person is a 409 (not documented); the lists tell which', async () => {
    await seed('member@example.com');
    await ls('POST', '/orgs/current/members', { body: { email: 'invited@example.com' } });
    undocumented(await ls('POST', '/orgs/current/members', { body: { email: 'MEMBER@example.com' } }), 409);
    undocumented(await ls('POST', '/orgs/current/members', { body: { email: 'invited@example.com' } }), 409);
    expect((await ls('GET', '/orgs/current/members/active?emails=member@example.com')).body).toHaveLength(1);
    expect((await ls('GET', '/orgs/current/members/pending?emails=invited@example.com')).body).toHaveLength(1);
  });

  it('refuses unknown workspaces and roles of the wrong scope (400, not documented), and changes nothing', async () => {
    undocumented(
      await ls('POST', '/orgs/current/members', {
        body: { email: 'a@example.com', workspace_ids: ['7d4f6f7e-1111-4222-8333-944445555666'] },
      }),
      400,
    );
    undocumented(await ls('POST', '/orgs/current/members', { body: { email: 'a@example.com', role_id: role['Editor'] } }), 400);
    undocumented(
      await ls('POST', '/orgs/current/members', { body: { email: 'a@example.com', workspace_role_id: role['Organization Admin'] } }),
      400,
    );
    undocumented(await ls('POST', '/orgs/current/members', { body: { email: 'not-an-address' } }), 400);
    expect((await orgMembers()).pending).toEqual([]);
  });

  it('a batch is all or nothing (not documented)', async () => {
    await seed('taken@example.com');
    undocumented(
      await ls('POST', '/orgs/current/members/batch', { body: [{ email: 'one@example.com' }, { email: 'taken@example.com' }] }),
      409,
    );
    undocumented(
      await ls('POST', '/orgs/current/members/batch', { body: [{ email: 'dup@example.com' }, { email: 'dup@example.com' }] }),
      409,
    );
    expect((await orgMembers()).pending).toEqual([]);
    const ok = await ls('POST', '/orgs/current/members/batch', { body: [{ email: 'one@example.com' }, { email: 'two@example.com' }] });
    expect(ok.body.map((p: Json) => p.email)).toEqual(['one@example.com', 'two@example.com']);
  });

  it('revoking (S8) and withdrawing from one workspace; unknown pending ids are 404 (not documented)', async () => {
    const prod = await newWorkspace('Production');
    const inv = (await ls('POST', '/orgs/current/members', { body: { email: 'p@example.com', workspace_ids: [ws0(), prod] } })).body;
    const wsPendingId = (await wsMembers(prod)).pending[0].id;
    expect((await ls('DELETE', `/workspaces/current/members/${wsPendingId}/pending`, { tenant: prod })).status).toBe(200);
    expect((await orgMembers()).pending[0].workspace_ids).toEqual([ws0()]);
    // The organization-level id is not the workspace's pending id, and the reverse.
    undocumented(await ls('DELETE', `/orgs/current/members/${wsPendingId}/pending`), 404);
    expect((await ls('DELETE', `/orgs/current/members/${inv.id}/pending`)).status).toBe(200);
    expect((await orgMembers()).pending).toEqual([]);
    undocumented(await ls('DELETE', `/orgs/current/members/${inv.id}/pending`), 404);
  });

  it('with autoAcceptInvites on, an invitee is a member at once (as some suites want)', async () => {
    await control('PATCH', '/settings', { autoAcceptInvites: true });
    await ls('POST', '/orgs/current/members', {
      body: { email: 'fast@example.com', workspace_ids: [ws0()], workspace_role_id: role['Editor'] },
    });
    expect((await orgMembers()).members.map((m: Json) => m.email)).toContain('fast@example.com');
    expect((await wsMembers(ws0())).members.find((m: Json) => m.email === 'fast@example.com').role_name).toBe('Editor');
  });

  it('a seat limit, when set, counts members and pending invites (status not documented)', async () => {
    await control('PATCH', '/settings', { seatLimit: 2 });
    expect((await ls('POST', '/orgs/current/members', { body: { email: 'second@example.com' } })).status).toBe(200);
    undocumented(await ls('POST', '/orgs/current/members', { body: { email: 'third@example.com' } }), 400);
  });
});

describe('adding to a workspace (§B S10) and its trap', () => {
  it("the docs' sample body asking for Editor leaves the member with the default role, Viewer: only reading back shows it", async () => {
    const carl = await seed('carl@example.com');
    const res = await ls('POST', '/workspaces/current/members', {
      tenant: ws0(),
      body: { user_id: carl.user_id, workspace_ids: [ws0()], workspace_role_id: role['Editor'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.role_name).toBe('Viewer');
    expect((await wsMembers(ws0())).members.find((m: Json) => m.email === 'carl@example.com').role_name).toBe('Viewer');
  });

  it('the default role can be set, e.g. to Admin, to make the same mistake an escalation', async () => {
    await control('PATCH', '/settings', { defaultWorkspaceRole: 'Admin' });
    const carl = await seed('carl@example.com');
    const res = await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { org_identity_id: carl.id } });
    expect(res.body.role_name).toBe('Admin');
  });

  it('workspace_ids does not reach other workspaces: only the X-Tenant-Id workspace gets the member', async () => {
    const prod = await newWorkspace('Production');
    const carl = await seed('carl@example.com');
    await ls('POST', '/workspaces/current/members', {
      tenant: ws0(),
      body: { org_identity_id: carl.id, role_id: role['Editor'], workspace_ids: [prod] },
    });
    expect((await orgMembers()).members.find((m: Json) => m.id === carl.id).tenant_ids).toEqual([ws0()]);
    expect((await wsMembers(prod)).members).toEqual([]);
  });

  it('refuses (not documented): no identifier (400), a pending invitee (400), twice (409), an organization role (400)', async () => {
    undocumented(await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { role_id: role['Editor'] } }), 400);
    const inv = (await ls('POST', '/orgs/current/members', { body: { email: 'pending@example.com' } })).body;
    undocumented(
      await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { org_identity_id: inv.id, role_id: role['Editor'] } }),
      400,
    );
    const carl = await seed('carl@example.com');
    undocumented(
      await ls('POST', '/workspaces/current/members', {
        tenant: ws0(),
        body: { org_identity_id: carl.id, role_id: role['Organization User'] },
      }),
      400,
    );
    expect(
      (await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { org_identity_id: carl.id, role_id: role['Editor'] } }))
        .status,
    ).toBe(200);
    undocumented(
      await ls('POST', '/workspaces/current/members', { tenant: ws0(), body: { org_identity_id: carl.id, role_id: role['Viewer'] } }),
      409,
    );
  });

  it('undeclared answer bodies (S6, S7, S8, S11, S12) are null: read the lists instead', async () => {
    const carl = await seed('carl@example.com', { workspaces: [{ workspace: 'Default', role: 'Viewer' }] });
    const wsId = (await wsMembers(ws0())).members.find((m: Json) => m.email === 'carl@example.com').id;
    expect(
      (await ls('PATCH', `/workspaces/current/members/${wsId}`, { tenant: ws0(), body: { role_id: role['Editor'] } })).body,
    ).toBeNull();
    expect((await ls('PATCH', `/orgs/current/members/${carl.id}`, { body: { role_id: role['Organization Admin'] } })).body).toBeNull();
    expect((await ls('DELETE', `/workspaces/current/members/${wsId}`, { tenant: ws0() })).body).toBeNull();
    expect((await ls('DELETE', `/orgs/current/members/${carl.id}`)).body).toBeNull();
  });
});

describe('organization roles and removal (§B S6, S7)', () => {
  it('keeps the last Organization Admin (400, not documented), and removal takes every workspace membership with it', async () => {
    const adminId = fake.organization.admin.identityId;
    undocumented(await ls('PATCH', `/orgs/current/members/${adminId}`, { body: { role_id: role['Organization User'] } }), 400);
    undocumented(await ls('DELETE', `/orgs/current/members/${adminId}`), 400);
    const prod = await newWorkspace('Production');
    const ada = await seed('ada@example.com', { workspaces: [{ workspace: 'Default' }, { workspace: 'Production', role: 'Viewer' }] });
    expect((await orgMembers()).members.find((m: Json) => m.id === ada.id).tenant_ids).toEqual([ws0(), prod]);
    expect((await ls('DELETE', `/orgs/current/members/${ada.id}`)).status).toBe(200);
    expect((await wsMembers(prod)).members).toEqual([]);
    undocumented(await ls('DELETE', `/orgs/current/members/${ada.id}`), 404);
  });

  it('shows a member disabled in the UI as is_disabled, and lets the active list filter on it', async () => {
    const ada = await seed('ada@example.com', { workspaces: [{ workspace: 'Default' }] });
    await control('PATCH', `/organizations/${orgId()}/members/${ada.id}`, { disabled: true });
    expect((await orgMembers()).members.find((m: Json) => m.id === ada.id).is_disabled).toBe(true);
    expect((await wsMembers(ws0())).members.find((m: Json) => m.email === 'ada@example.com').is_disabled).toBe(true);
    expect((await ls('GET', '/orgs/current/members/active?is_disabled=true')).body.map((m: Json) => m.email)).toEqual(['ada@example.com']);
  });
});

describe('paged lists (§B S4b)', () => {
  it('pages of 50 by default, newest first, until a short page; offset and limit move through them', async () => {
    for (let i = 0; i < 119; i++) await seed(`user${String(i).padStart(3, '0')}@example.com`);
    const first = (await ls('GET', '/orgs/current/members/active')).body as Json[];
    expect(first).toHaveLength(50);
    expect(first[0].email).toBe('user118@example.com');
    const seen: string[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = (await ls('GET', `/orgs/current/members/active?offset=${offset}`)).body as Json[];
      seen.push(...page.map((m) => m.email));
      if (page.length < 50) break;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    const big = (await ls('GET', '/orgs/current/members/active?limit=500&sort_by=email&sort_by_desc=false')).body as Json[];
    expect(big.map((m) => m.email)).toEqual([...seen].sort());
  });

  it('filters by repeated emails and by q; `emails[]` is not the parameter and is ignored (unfiltered)', async () => {
    await seed('ada@example.com', { fullName: 'Ada Lovelace' });
    await seed('bob@example.com');
    const two = (await ls('GET', '/orgs/current/members/active?emails=ada@example.com&emails=BOB@example.com')).body as Json[];
    expect(two.map((m) => m.email).sort()).toEqual(['ada@example.com', 'bob@example.com']);
    expect((await ls('GET', '/orgs/current/members/active?q=lovelace')).body.map((m: Json) => m.email)).toEqual(['ada@example.com']);
    expect((await ls('GET', '/orgs/current/members/active?emails[]=ada@example.com')).body).toHaveLength(3);
  });

  it('validates its parameters (422)', async () => {
    const res = await ls('GET', '/orgs/current/members/active?limit=ten&offset=-1&sort_by=age&ls_user_ids=nope');
    expect(res.status).toBe(422);
    expect(res.body.detail.map((d: Json) => `${d.loc.join('.')}:${d.type}`).sort()).toEqual(
      ['query.limit:int_parsing', 'query.offset:greater_than_equal', 'query.sort_by:enum', 'query.ls_user_ids.0:uuid_parsing'].sort(),
    );
  });

  it('the workspace lists page the same way, and list pending invitations with their workspace ids', async () => {
    await ls('POST', '/orgs/current/members', { body: { email: 'p1@example.com', workspace_ids: [ws0()] } });
    await ls('POST', '/orgs/current/members', { body: { email: 'p2@example.com', workspace_ids: [ws0()] } });
    const pending = (await ls('GET', '/workspaces/current/members/pending?limit=1', { tenant: ws0() })).body as Json[];
    expect(pending.map((p) => p.email)).toEqual(['p2@example.com']);
    const orgPending = (await orgMembers()).pending as Json[];
    expect(orgPending.map((p) => p.id)).not.toContain(pending[0].id);
  });
});
