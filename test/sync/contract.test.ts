/**
 * One contract, every target: the same Entra and Okta sequences lead to the same effective
 * access in the application, whether the application is the embedded store, a LangWatch or a
 * LangSmith (role bindings mode). Each target is read back in its own terms (the admin API,
 * the stand-ins' state) and reduced to the same shape: for every active person, their role on
 * scope A and scope B.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from '../helpers/harness.js';
import { createSyncHarness, type HarnessEnv, type SyncHarness } from '../helpers/sync-harness.js';

type Kind = 'embedded' | 'langwatch' | 'langsmith';
/** Every target, and LangWatch in both of its modes. */
type Variant = Kind | 'langwatch-invite';
type Access = Record<string, Partial<Record<'A' | 'B', string>>>;

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const RANK: Record<string, number> = { ADMIN: 3, MEMBER: 2, VIEWER: 1 };
const LANGSMITH_ROLES: Record<string, string> = { Admin: 'ADMIN', Editor: 'MEMBER', Viewer: 'VIEWER' };

interface Scopes {
  A: { scopeType: 'TEAM'; scopeId: string };
  B: { scopeType: 'PROJECT'; scopeId: string };
}

function scopesOf(kind: Kind, s: SyncHarness): Scopes {
  if (kind === 'langwatch') {
    const team = s.organization.teams[0];
    return { A: { scopeType: 'TEAM', scopeId: team.id }, B: { scopeType: 'PROJECT', scopeId: team.projects[0].id } };
  }
  if (kind === 'langsmith') return { A: { scopeType: 'TEAM', scopeId: 'Default' }, B: { scopeType: 'PROJECT', scopeId: 'Second' } };
  return { A: { scopeType: 'TEAM', scopeId: 'team-a' }, B: { scopeType: 'PROJECT', scopeId: 'project-b' } };
}

/** The application's effective access, reduced to {email: {A?: role, B?: role}} for active people. */
async function effectiveAccess(kind: Kind, s: SyncHarness, scopes: Scopes): Promise<Access> {
  const alias = (scopeId: string) => (scopeId === scopes.A.scopeId ? 'A' : scopeId === scopes.B.scopeId ? 'B' : null);
  const out: Access = {};
  const grant = (email: string, scopeId: string, role: string) => {
    const a = alias(scopeId);
    if (!a) return;
    const entry = (out[email] ??= {});
    if ((RANK[role] ?? 0) > (RANK[entry[a] ?? ''] ?? 0)) entry[a] = role;
  };
  if (kind === 'embedded') {
    const api = (path: string) => s.h.request('GET', path, { token: TEST_ADMIN_KEY });
    for (const m of (await api('/api/organization/members')).body.data) {
      out[m.email] = {};
      for (const e of (await api(`/api/organization/members/${m.userId}/access`)).body.effective)
        if (e.role) grant(m.email, e.scopeId, e.role);
    }
    return out;
  }
  const org = (await s.state()).organizations[0];
  if (kind === 'langwatch') {
    // Suspended either way (the organization's REST flag, or the whole account over SCIM) is out.
    for (const m of org.members) if (!m.disabled && !m.deactivated && m.email !== s.organization.admin.email) out[m.email] = {};
    for (const g of org.groups) {
      for (const m of g.members) {
        if (out[m.email]) for (const b of g.bindings) grant(m.email, b.scopeId, b.role);
      }
    }
    return out;
  }
  for (const m of org.members) {
    if (m.email === s.organization.admin.email) continue;
    out[m.email] = {};
    for (const w of m.workspaces) grant(m.email, w.displayName, LANGSMITH_ROLES[w.roleName] ?? w.roleName);
  }
  return out;
}

const SETTINGS: Record<Variant, HarnessEnv> = {
  embedded: {},
  langwatch: {},
  // Invites must name a team (TARGETS.md §A3); the people accept them at once here.
  'langwatch-invite': (org) => ({ TARGET_LANGWATCH_MODE: 'invite', TARGET_INVITE_TEAM_ID: org.teams[0].id }),
  langsmith: { TARGET_GROUP_MAPPING: 'bindings', TARGET_CREATE_WORKSPACES: 'true' },
};

describe.each(['embedded', 'langwatch', 'langwatch-invite', 'langsmith'] as const)('contract: %s', (variant) => {
  const kind: Kind = variant === 'langwatch-invite' ? 'langwatch' : variant;
  let s: SyncHarness;
  let scopes: Scopes;

  beforeEach(async () => {
    s = await createSyncHarness(kind, SETTINGS[variant]);
    // Invited people (LangWatch's invite mode, LangSmith) accept at once here.
    if (variant === 'langwatch-invite' || variant === 'langsmith') await s.control('PATCH', '/_fake/settings', { autoAcceptInvites: true });
    scopes = scopesOf(kind, s);
  });
  afterEach(() => s.close());

  const scim = (token: 'okta' | 'azure', method: string, path: string, body?: unknown) =>
    s.h.request(method, `/scim/v2${path}`, { token: s.h.tokens[token], ...(body !== undefined ? { body } : {}) });
  const bind = (group: string, role: string, scope: 'A' | 'B') =>
    s.h.request('POST', `/api/groups/${group}/bindings`, {
      token: TEST_ADMIN_KEY,
      body: { role, ...scopes[scope] },
      headers: { 'Content-Type': 'application/json' },
    });
  const person = async (token: 'okta' | 'azure', email: string, extra: Record<string, unknown> = {}) => {
    const res = await scim(token, 'POST', '/Users', {
      userName: email,
      name: { givenName: 'A', familyName: 'B' },
      emails: [{ primary: true, type: 'work', value: email }],
      active: true,
      ...extra,
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const settleAndRead = async () => {
    await s.settle();
    const parked = s.h.db.prepare("SELECT entity_type, last_error FROM sync_marks WHERE state <> 'pending'").all();
    expect(parked).toEqual([]);
    return effectiveAccess(kind, s, scopes);
  };

  it('the Entra sequence', async () => {
    const ana = await person('azure', 'ana@contoso.com');
    const bob = await person('azure', 'bob@contoso.com');
    const cara = await person('azure', 'cara@contoso.com');
    const eng = (await scim('azure', 'POST', '/Groups', { displayName: 'Eng', externalId: 'e1' })).body.id;
    const ops = (await scim('azure', 'POST', '/Groups', { displayName: 'Ops' })).body.id;
    await scim('azure', 'PATCH', `/Groups/${eng}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: ana }, { value: bob }] }],
    });
    await scim('azure', 'PATCH', `/Groups/${ops}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: cara }] }],
    });
    expect((await bind(eng, 'MEMBER', 'A')).status).toBe(201);
    expect((await bind(eng, 'ADMIN', 'B')).status).toBe(201);
    expect((await bind(ops, 'VIEWER', 'A')).status).toBe(201);
    expect(await settleAndRead()).toEqual({
      'ana@contoso.com': { A: 'MEMBER', B: 'ADMIN' },
      'bob@contoso.com': { A: 'MEMBER', B: 'ADMIN' },
      'cara@contoso.com': { A: 'VIEWER' },
    });

    await scim('azure', 'PATCH', `/Groups/${eng}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${bob}"]` }],
    });
    await scim('azure', 'PATCH', `/Users/${cara}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(await settleAndRead()).toEqual({ 'ana@contoso.com': { A: 'MEMBER', B: 'ADMIN' }, 'bob@contoso.com': {} });

    expect((await scim('azure', 'DELETE', `/Users/${bob}`)).status).toBe(204);
    await scim('azure', 'PATCH', `/Users/${cara}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect(await settleAndRead()).toEqual({ 'ana@contoso.com': { A: 'MEMBER', B: 'ADMIN' }, 'cara@contoso.com': { A: 'VIEWER' } });
  });

  it('the Okta sequence', async () => {
    const dan = await person('okta', 'dan@okta.local', { password: '1mz050nq', groups: [] });
    const eve = await person('okta', 'eve@okta.local', { password: 'x8s7d6f5', groups: [] });
    const sales = (await scim('okta', 'POST', '/Groups', { displayName: 'Sales', members: [{ value: dan }] })).body.id;
    expect((await bind(sales, 'VIEWER', 'A')).status).toBe(201);
    expect(await settleAndRead()).toEqual({ 'dan@okta.local': { A: 'VIEWER' }, 'eve@okta.local': {} });

    await scim('okta', 'PATCH', `/Groups/${sales}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { id: sales, displayName: 'Sales' } }],
    });
    await scim('okta', 'PATCH', `/Groups/${sales}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'remove', path: `members[value eq "${dan}"]` },
        { op: 'add', path: 'members', value: [{ value: eve, display: 'eve@okta.local' }] },
      ],
    });
    await scim('okta', 'PUT', `/Users/${dan}`, {
      userName: 'dan@okta.local',
      name: { givenName: 'Daniel', familyName: 'B' },
      emails: [{ primary: true, value: 'dan@okta.local', type: 'work' }],
      active: true,
      groups: [],
    });
    expect(await settleAndRead()).toEqual({ 'dan@okta.local': {}, 'eve@okta.local': { A: 'VIEWER' } });

    await scim('okta', 'PATCH', `/Users/${eve}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(await settleAndRead()).toEqual({ 'dan@okta.local': {} });
  });
});
