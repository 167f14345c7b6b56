/**
 * The LangSmith stand-in (fakes/langsmith) over real HTTP, part 1: headers and keys (§B
 * Headers, Keys), FastAPI framing, workspaces (S1, S2, S2b), identity ids, the control API
 * (which other suites read) and injected faults. Members and invites: langsmith-members.test.ts;
 * recorded exchanges from LangSmith's docs and spec: langsmith-recorded.test.ts.
 *
 * Statuses that §B marks as not documented (401, most 403s, 404, 409, 400) are checked here as
 * "the stand-in's choice": status plus a `{detail: string}` body, nothing more.
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
beforeEach(async () => {
  expect((await control('POST', '/reset')).status).toBe(200);
});

interface Call {
  body?: unknown;
  raw?: string;
  tenant?: string;
  key?: string | null;
  org?: string | null;
}

async function ls(method: string, path: string, call: Call = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = {};
  const key = call.key === undefined ? fake.organization.apiKey : call.key;
  const orgId = call.org === undefined ? fake.organization.organizationId : call.org;
  if (key !== null) headers['X-API-Key'] = key;
  if (orgId !== null) headers['X-Organization-Id'] = orgId;
  if (call.tenant !== undefined) headers['X-Tenant-Id'] = call.tenant;
  const body = call.raw ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
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

const orgId = () => fake.organization.organizationId;
const ws0 = () => fake.organization.workspaces[0]!.id;
const UNKNOWN = '7d4f6f7e-1111-4222-8333-944445555666';
const undocumented = (res: { status: number; body: Json }, status: number) => {
  expect(res.status).toBe(status);
  expect(typeof res.body.detail).toBe('string');
};
async function orgState(): Promise<Json> {
  return (await control('GET', `/state?organizationId=${orgId()}`)).body.organizations[0];
}
async function seed(email: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await control('POST', `/organizations/${orgId()}/members`, { email, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

describe('headers and keys (§B Headers, Keys)', () => {
  it('refuses a missing or unknown X-API-Key (401, not documented)', async () => {
    for (const key of [null, 'lsv2_sk_00000000000000000000000000000000_0000000000'])
      undocumented(await ls('GET', '/workspaces', { key }), 401);
  });

  it("refuses an X-Organization-Id that is missing or not the key's organization (403, not documented)", async () => {
    const other = await control('POST', '/organizations', { displayName: 'Other' });
    for (const org of [null, other.body.organizationId, 'not-a-uuid']) undocumented(await ls('GET', '/orgs/current/members', { org }), 403);
    const own = await ls('GET', '/orgs/current/members', { key: other.body.apiKey, org: other.body.organizationId });
    expect(own.status).toBe(200);
    expect(own.body.members.map((m: Json) => m.email)).toEqual([other.body.admin.email]);
  });

  it('the seeded key is organization-scoped: a workspace-scoped request without X-Tenant-Id is 403 (documented)', async () => {
    expect(fake.organization.apiKey).toMatch(/^lsv2_sk_/);
    expect((await orgState()).apiKeys[0]).toMatchObject({ kind: 'service', organizationScoped: true, roleName: 'Organization Admin' });
    undocumented(await ls('GET', '/workspaces/current/members'), 403);
    undocumented(await ls('POST', '/workspaces/current/members', { body: {} }), 403);
    expect((await ls('GET', '/workspaces/current/members', { tenant: ws0() })).status).toBe(200);
  });

  it('a key that is not organization-scoped defaults to the workspace it was created in (documented)', async () => {
    const prod = (await ls('POST', '/workspaces', { body: { display_name: 'Production' } })).body.id;
    const key = await control('POST', `/organizations/${orgId()}/keys`, {
      kind: 'service',
      organizationScoped: false,
      workspaceId: prod,
      role: 'Organization User',
    });
    expect(key.status).toBe(201);
    const list = await ls('GET', '/workspaces/current/members', { key: key.body.apiKey });
    expect(list).toMatchObject({ status: 200, body: { tenant_id: prod } });
    // It reaches no other workspace.
    undocumented(await ls('GET', '/workspaces/current/members', { key: key.body.apiKey, tenant: ws0() }), 403);
    expect((await ls('GET', '/workspaces', { key: key.body.apiKey })).body.map((w: Json) => w.id)).toEqual([prod]);
  });

  it('an X-Tenant-Id naming an unknown, foreign or malformed workspace is 403 (not documented)', async () => {
    const other = await control('POST', '/organizations', { displayName: 'Other' });
    for (const tenant of [UNKNOWN, other.body.workspaces[0].id, 'nope'])
      undocumented(await ls('GET', '/workspaces/current/members', { tenant }), 403);
  });

  it('a personal key acts as its owner: an Organization User reads but cannot manage, and reaches only their workspaces', async () => {
    const user = await seed('user@example.com');
    const key = (await control('POST', `/organizations/${orgId()}/keys`, { identityId: user.id })).body;
    expect(key).toMatchObject({ kind: 'personal', organizationScoped: false, identityId: user.id });
    expect((await ls('GET', '/orgs/current/members', { key: key.apiKey })).status).toBe(200);
    undocumented(await ls('POST', '/orgs/current/members', { key: key.apiKey, body: { email: 'x@example.com' } }), 403);
    undocumented(await ls('POST', '/workspaces', { key: key.apiKey, body: { display_name: 'Nope' } }), 403);
    undocumented(await ls('GET', '/workspaces/current/members', { key: key.apiKey, tenant: ws0() }), 403);
    expect((await ls('GET', '/workspaces', { key: key.apiKey })).body).toEqual([]);
  });

  it('stops honouring a personal key once its owner has left or been disabled', async () => {
    const a = await seed('a@example.com', { role: 'Organization Admin' });
    const b = await seed('b@example.com', { role: 'Organization Admin' });
    const keyA = (await control('POST', `/organizations/${orgId()}/keys`, { identityId: a.id })).body.apiKey;
    const keyB = (await control('POST', `/organizations/${orgId()}/keys`, { identityId: b.id })).body.apiKey;
    expect((await ls('GET', '/workspaces', { key: keyA })).status).toBe(200);
    expect((await ls('DELETE', `/orgs/current/members/${a.id}`)).status).toBe(200);
    undocumented(await ls('GET', '/workspaces', { key: keyA }), 403);
    expect((await control('PATCH', `/organizations/${orgId()}/members/${b.id}`, { disabled: true })).status).toBe(200);
    undocumented(await ls('GET', '/workspaces', { key: keyB }), 403);
  });
});

describe('FastAPI framing (§B Conventions)', () => {
  it('routes before it authenticates: 404 unknown path, 405 other method, 307 trailing slash', async () => {
    expect(await ls('GET', '/nothing/here', { key: null })).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    const wrong = await ls('PUT', '/workspaces', { key: null });
    expect(wrong).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    const slash = await ls('GET', '/workspaces/');
    expect(slash.status).toBe(307);
    expect(new URL(slash.headers.get('location')!).pathname).toBe('/api/v1/workspaces');
  });

  it('authenticates before it validates: a bad body with no key is 401, not 422', async () => {
    expect((await ls('POST', '/workspaces', { key: null, body: { display_name: '' } })).status).toBe(401);
  });

  it('422s list every problem at once as {detail:[{loc,msg,type,input}]}', async () => {
    const res = await ls('POST', '/workspaces', { body: { display_name: 7, id: 'x' } });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      expect.objectContaining({ loc: ['body', 'display_name'], type: 'string_type', msg: expect.any(String), input: 7 }),
      expect.objectContaining({ loc: ['body', 'id'], type: 'uuid_parsing', input: 'x' }),
    ]);
    const bad = await ls('POST', '/workspaces', { raw: '{"display_name":' });
    expect(bad.body.detail).toEqual([expect.objectContaining({ type: 'json_invalid', loc: ['body', 0] })]);
    const none = await ls('POST', '/workspaces', { raw: '' });
    expect(none.body.detail).toEqual([expect.objectContaining({ type: 'missing', loc: ['body'] })]);
    const query = await ls('GET', '/workspaces?include_deleted=maybe');
    expect(query.body.detail).toEqual([expect.objectContaining({ type: 'bool_parsing', loc: ['query', 'include_deleted'] })]);
  });

  it('ignores unknown body fields (no schema forbids them)', async () => {
    const res = await ls('POST', '/workspaces', { body: { display_name: 'Extra', colour: 'blue', read_only: true } });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('colour');
  });
});

describe('workspaces (§B S1, S2, S2b)', () => {
  it('creates with 200, renames with or without X-Tenant-Id, and lists only live workspaces by default', async () => {
    const created = await ls('POST', '/workspaces', { body: { display_name: 'Production' } });
    expect(created.status).toBe(200);
    const id = created.body.id;
    // Created with a service key: nobody was added to it.
    expect((await ls('GET', '/workspaces/current/members', { tenant: id })).body).toEqual({ tenant_id: id, members: [], pending: [] });
    expect((await ls('PATCH', `/workspaces/${id}`, { body: { display_name: 'Prod' } })).body.display_name).toBe('Prod');
    expect((await ls('PATCH', `/workspaces/${id}`, { tenant: id, body: { display_name: 'Prod 2' } })).body.display_name).toBe('Prod 2');
    expect((await ls('GET', '/workspaces')).body.map((w: Json) => w.display_name)).toEqual(['Default', 'Prod 2']);

    expect((await control('DELETE', `/organizations/${orgId()}/workspaces/${id}`)).status).toBe(200);
    expect((await ls('GET', '/workspaces')).body.map((w: Json) => w.id)).toEqual([ws0()]);
    const all = (await ls('GET', '/workspaces?include_deleted=true')).body;
    expect(all.find((w: Json) => w.id === id)).toMatchObject({ is_deleted: true });
    undocumented(await ls('GET', '/workspaces/current/members', { tenant: id }), 403);
    undocumented(await ls('PATCH', `/workspaces/${id}`, { body: { display_name: 'Back' } }), 404);
  });

  it('refuses a taken workspace id (409) and an unknown one to rename (404), neither documented', async () => {
    undocumented(await ls('POST', '/workspaces', { body: { id: ws0(), display_name: 'Again' } }), 409);
    undocumented(await ls('PATCH', `/workspaces/${UNKNOWN}`, { body: { display_name: 'X' } }), 404);
  });

  it("a personal key's owner becomes Admin of the workspace they create, and S1 shows their role", async () => {
    const key = (await control('POST', `/organizations/${orgId()}/keys`, {})).body.apiKey;
    const created = (await ls('POST', '/workspaces', { key, body: { display_name: 'Mine' } })).body;
    const list = (await ls('GET', '/workspaces', { key })).body;
    expect(list.find((w: Json) => w.id === created.id)).toMatchObject({
      role_name: 'Admin',
      role_id: expect.any(String),
      permissions: expect.any(Array),
    });
  });
});

describe('identity ids (§B "Identity ids")', () => {
  it('an organization identity id and a workspace identity id are different values, each only good on its own paths', async () => {
    const ada = await seed('ada@example.com', { workspaces: [{ workspace: 'Default', role: 'Editor' }] });
    const wsMember = (await ls('GET', '/workspaces/current/members', { tenant: ws0() })).body.members.find(
      (m: Json) => m.email === 'ada@example.com',
    );
    expect(wsMember.id).not.toBe(ada.id);
    expect(wsMember.ls_user_id).toBe(ada.ls_user_id);
    const roles = (await ls('GET', '/orgs/current/roles')).body as Json[];
    const admin = roles.find((r) => r.display_name === 'Admin').id;
    const orgAdmin = roles.find((r) => r.display_name === 'Organization Admin').id;
    undocumented(await ls('PATCH', `/workspaces/current/members/${ada.id}`, { tenant: ws0(), body: { role_id: admin } }), 404);
    undocumented(await ls('PATCH', `/orgs/current/members/${wsMember.id}`, { body: { role_id: orgAdmin } }), 404);
    undocumented(await ls('DELETE', `/workspaces/current/members/${ada.id}`, { tenant: ws0() }), 404);
    expect((await ls('PATCH', `/workspaces/current/members/${wsMember.id}`, { tenant: ws0(), body: { role_id: admin } })).status).toBe(200);
  });
});

describe('control API (others read GET /_fake/state)', () => {
  it('keeps the state shape other suites read: members[].email, workspaces[].displayName/roleName, pending[]', async () => {
    await seed('bob@example.com', { workspaces: [{ workspace: 'Default', role: 'Viewer' }] });
    const st = await orgState();
    const admin = fake.organization.admin.email;
    expect(
      st.members.map((m: Json) => ({
        email: m.email,
        role: m.roleName,
        ws: m.workspaces.map((w: Json) => `${w.displayName}:${w.roleName}`),
      })),
    ).toEqual([
      { email: admin, role: 'Organization Admin', ws: ['Default:Admin'] },
      { email: 'bob@example.com', role: 'Organization User', ws: ['Default:Viewer'] },
    ]);
    expect(st.members[1]).toMatchObject({
      identityId: expect.any(String),
      userId: expect.any(String),
      lsUserId: expect.any(String),
      disabled: false,
    });
    expect(st.members[1].workspaces[0]).toMatchObject({ identityId: expect.any(String), workspaceId: ws0() });
    expect(st.pending).toEqual([]);
    expect(st.settings).toEqual({ seatLimit: null, autoAcceptInvites: false, defaultWorkspaceRole: 'Viewer' });
    expect(st.roles.map((r: Json) => `${r.accessScope}:${r.displayName}`)).toEqual([
      'organization:Organization Admin',
      'organization:Organization User',
      'workspace:Admin',
      'workspace:Editor',
      'workspace:Viewer',
    ]);
  });

  it('creates organizations and custom roles; reset returns to the start with the same ids and key', async () => {
    const created = await control('POST', '/organizations', {
      displayName: 'Globex',
      workspaces: ['Prod', 'Dev'],
      members: [{ email: 'hank@globex.example', workspaces: [{ workspace: 'Dev', role: 'Editor' }] }],
      autoAcceptInvites: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      displayName: 'Globex',
      apiKey: expect.stringMatching(/^lsv2_sk_/),
      settings: { autoAcceptInvites: true },
    });
    const dev = created.body.workspaces.find((w: Json) => w.displayName === 'Dev').id;
    const devMembers = await ls('GET', '/workspaces/current/members', {
      key: created.body.apiKey,
      org: created.body.organizationId,
      tenant: dev,
    });
    expect(devMembers.body.members.map((m: Json) => `${m.email}:${m.role_name}`)).toEqual([
      `${created.body.admin.email}:Admin`,
      'hank@globex.example:Editor',
    ]);
    const role = await control('POST', '/roles', { displayName: 'Annotators' });
    expect(role).toMatchObject({ status: 201, body: { display_name: 'Annotators', access_scope: 'workspace', name: 'CUSTOM' } });

    expect((await control('POST', '/organizations', { seatLimit: -1 })).body.error.code).toBe('invalid_request');
    expect((await control('PATCH', '/settings', { defaultWorkspaceRole: 'Nope' })).status).toBe(400);

    const before = fake.organization;
    const reset = await control('POST', '/reset');
    expect(reset.body.organizations).toEqual([before]);
    const st = (await control('GET', '/state')).body;
    expect(st.organizations).toHaveLength(1);
    expect(st.organizations[0].roles).toHaveLength(5);
    expect((await ls('GET', '/workspaces')).body.map((w: Json) => w.id)).toEqual([before.workspaces[0]!.id]);
  });

  it('describes itself at GET /_fake and answers unknown control paths with 404', async () => {
    const usage = await control('GET', '');
    expect(usage.body.controlApi).toEqual(expect.arrayContaining([expect.stringMatching(/\/_fake\/invites\/:id\/accept/)]));
    expect((await control('POST', `/invites/${UNKNOWN}/accept`)).status).toBe(404);
    expect((await control('GET', '/nothing')).status).toBe(404);
  });
});

describe('faults', () => {
  it("injects 503s as a load balancer's HTML, counted; the faulted write did not happen", async () => {
    await control('PUT', '/faults', { errors: { next: 2, status: 503 } });
    expect((await ls('GET', '/workspaces')).status).toBe(503);
    const second = await ls('POST', '/orgs/current/members', { body: { email: 'retry@example.com' } });
    expect(second.status).toBe(503);
    expect(String(second.body)).toMatch(/503/);
    expect((await orgState()).pending).toEqual([]);
    expect((await ls('POST', '/orgs/current/members', { body: { email: 'retry@example.com' } })).status).toBe(200);
    const stats = (await control('GET', '/requests?log=false')).body;
    expect(stats.byRouteAndStatus['POST /api/v1/orgs/current/members']).toEqual({ '503': 1, '200': 1 });
  });

  it('answers 429 with Retry-After and a {detail} (neither documented by LangSmith)', async () => {
    await control('PUT', '/faults', {
      rateLimit: { next: 1, retryAfterSeconds: 7 },
      match: { method: 'POST', path: '/api/v1/workspaces' },
    });
    expect((await ls('GET', '/workspaces')).status).toBe(200);
    const limited = await ls('POST', '/workspaces', { body: { display_name: 'Later' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(typeof limited.body.detail).toBe('string');
    expect((await ls('POST', '/workspaces', { body: { display_name: 'Later' } })).status).toBe(200);
  });
});
