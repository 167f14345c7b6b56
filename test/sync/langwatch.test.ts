/**
 * The sync worker driving a really started LangWatch stand-in: the documented flows end with
 * the application in exactly the desired state, through faults, drift and lost bookkeeping.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToken, createConnection, ensureOrganization } from '../../src/store/connections.repo.js';
import { setTarget } from '../../src/store/targets.repo.js';
import { SyncWorker } from '../../src/sync/worker.js';
import { createTargetResolver } from '../../src/targets/registry.js';
import { TEST_ADMIN_KEY } from '../helpers/harness.js';
import { createSyncHarness, type SyncHarness } from '../helpers/sync-harness.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let s: SyncHarness & { organization: any };
let team: string;

beforeEach(async () => {
  s = await createSyncHarness('langwatch');
  team = s.organization.teams[0].id;
});
afterEach(() => s.close());

/** The application as a person would read it: members by email, groups by name. */
async function app() {
  const org = (await s.state()).organizations[0];
  return {
    members: Object.fromEntries(
      org.members.map((m: any) => [m.email, { role: m.role, disabled: m.disabled }]),
    ) as Record<string, { role: string; disabled: boolean }>,
    groups: Object.fromEntries(
      org.groups.map((g: any) => [
        g.name,
        { members: g.members.map((m: any) => m.email).sort(), bindings: g.bindings.map((b: any) => `${b.role}@${b.scopeType}:${b.scopeId}`).sort() },
      ]),
    ) as Record<string, { members: string[]; bindings: string[] }>,
    invites: org.invites.length as number,
  };
}

const scim = (method: string, path: string, body?: unknown, token = s.h.tokens.azure) =>
  s.h.request(method, `/scim/v2${path}`, { token, ...(body !== undefined ? { body } : {}) });
const admin = (method: string, path: string, body?: unknown) =>
  s.h.request(method, path, { token: TEST_ADMIN_KEY, ...(body !== undefined ? { body, headers: { 'Content-Type': 'application/json' } } : {}) });
const patch = (path: string, Operations: unknown[]) => scim('PATCH', path, { schemas: [PATCH_OP], Operations });

async function user(userName: string, token?: string): Promise<string> {
  const res = await scim('POST', '/Users', { userName, emails: [{ value: userName, primary: true, type: 'work' }], active: true }, token);
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function group(displayName: string, members: string[] = [], token?: string): Promise<string> {
  const res = await scim('POST', '/Groups', { displayName, members: members.map((value) => ({ value })) }, token);
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

describe('LangWatch target: the Entra flow', () => {
  it('invites people, mirrors groups with members and bindings, follows renames, removals, deactivation and deletion', async () => {
    const ana = await user('ana@contoso.com');
    const bob = await user('bob@contoso.com');
    const eng = await group('Engineering');
    await patch(`/Groups/${eng}`, [{ op: 'Add', path: 'members', value: [{ value: ana }, { value: bob }] }]);
    expect((await admin('POST', `/api/groups/${eng}/bindings`, { role: 'MEMBER', scopeType: 'TEAM', scopeId: team })).status).toBe(201);
    await s.settle();

    let a = await app();
    expect(a.members['ana@contoso.com']).toEqual({ role: 'MEMBER', disabled: false });
    expect(a.members['bob@contoso.com']).toEqual({ role: 'MEMBER', disabled: false });
    expect(a.groups.Engineering).toEqual({ members: ['ana@contoso.com', 'bob@contoso.com'], bindings: [`MEMBER@TEAM:${team}`] });

    await patch(`/Groups/${eng}`, [{ op: 'Remove', path: 'members', value: [{ value: bob }] }]);
    await patch(`/Groups/${eng}`, [{ op: 'Replace', path: 'displayName', value: 'Platform' }]);
    await patch(`/Users/${ana}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
    await s.settle();
    a = await app();
    expect(a.groups.Engineering).toBeUndefined();
    expect(a.groups.Platform).toEqual({ members: ['ana@contoso.com'], bindings: [`MEMBER@TEAM:${team}`] });
    expect(a.members['ana@contoso.com']!.disabled).toBe(true);

    await patch(`/Users/${ana}`, [{ op: 'Replace', path: 'active', value: 'True' }]);
    await scim('DELETE', `/Users/${bob}`);
    await scim('DELETE', `/Groups/${eng}`);
    await s.settle();
    a = await app();
    expect(a.members['ana@contoso.com']!.disabled).toBe(false);
    expect(a.members['bob@contoso.com']).toBeUndefined();
    expect(a.groups).toEqual({});
    expect(a.invites).toBe(0);
    // Every change above was the bridge's own: none of it is drift.
    expect(s.h.db.prepare("SELECT count(*) FROM deliveries WHERE outcome = 'drift'").pluck().get()).toBe(0);
  });

  it('matches a person who is already a member by email instead of inviting them', async () => {
    await s.control('POST', `/_fake/organizations/${s.organization.organizationId}/members`, { email: 'Ana@Contoso.com', role: 'MEMBER' });
    await user('ana@contoso.com');
    await s.settle();
    const org = (await s.state()).organizations[0];
    expect(org.members.filter((m: any) => m.email === 'ana@contoso.com')).toHaveLength(1);
    const requests = await s.control('GET', '/_fake/requests?log=false');
    expect(requests.byRoute['POST /api/organization/invites']).toBeUndefined();
  });

  it('fits a long group name predictably and keeps the mapping across renames', async () => {
    const long = 'x'.repeat(150);
    const g = await group(long);
    await s.settle();
    const names = Object.keys((await app()).groups);
    expect(names).toHaveLength(1);
    expect(names[0]!.length).toBe(100);
    expect(names[0]).toMatch(/^x{90} ~[0-9a-f]{8}$/);
    await patch(`/Groups/${g}`, [{ op: 'replace', path: 'displayName', value: 'Short' }]);
    await s.settle();
    expect(Object.keys((await app()).groups)).toEqual(['Short']);
  });
});

describe('LangWatch target: drift', () => {
  it('the sweep marks only entities confirmed longer ago than the interval, at most a batch at a time', async () => {
    for (let i = 0; i < 3; i++) await user(`d${i}@contoso.com`);
    await s.settle();
    expect(s.worker.scheduleDriftCheck()).toBe(0);
    s.h.db.prepare("UPDATE target_state SET confirmed_at = '2000-01-01T00:00:00.000Z'").run();
    expect(s.worker.scheduleDriftCheck()).toBe(3);
    await s.settle();
    expect(s.worker.scheduleDriftCheck()).toBe(0);
  });

  it('repairs a mirrored group edited in the application and logs it as drift', async () => {
    const ana = await user('ana@contoso.com');
    const stray = await user('stray@contoso.com');
    const g = await group('Engineering', [ana]);
    await s.settle();
    const remote = (await s.state()).organizations[0].groups[0];
    const strayRemote = (await s.state()).organizations[0].members.find((m: any) => m.email === 'stray@contoso.com').userId;
    const key = s.organization.apiKey;
    const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
    await fetch(`${s.fakeUrl}/api/groups/${remote.id}`, { method: 'PATCH', headers, body: JSON.stringify({ name: 'Hijacked' }) });
    await fetch(`${s.fakeUrl}/api/groups/${remote.id}/members`, { method: 'POST', headers, body: JSON.stringify({ userId: strayRemote }) });
    void stray;

    s.worker.scheduleDriftCheck(0);
    await s.settle();
    expect((await app()).groups).toEqual({ Engineering: { members: ['ana@contoso.com'], bindings: [] } });
    const drift = s.h.db.prepare("SELECT entity_id, detail FROM deliveries WHERE outcome = 'drift'").all() as { entity_id: string; detail: string }[];
    expect(drift).toEqual([{ entity_id: g, detail: expect.stringMatching(/renamed to "Hijacked" \(was "Engineering"\); member \S+ added\); repaired/) }]);
  });

  it('re-creates a mirrored group deleted in the application', async () => {
    const ana = await user('ana@contoso.com');
    await group('Engineering', [ana]);
    await s.settle();
    const remote = (await s.state()).organizations[0].groups[0];
    await fetch(`${s.fakeUrl}/api/groups/${remote.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${s.organization.apiKey}` } });
    s.worker.scheduleDriftCheck(0);
    await s.settle();
    expect((await app()).groups).toEqual({ Engineering: { members: ['ana@contoso.com'], bindings: [] } });
  });
});

describe('LangWatch target: failures', () => {
  it('5xx, 429 with Retry-After and resets end in exactly the desired state, at a bounded request rate', async () => {
    await s.control('PUT', '/_fake/faults', { errors: { next: 3, status: 503 }, rateLimit: { next: 2, retryAfterSeconds: 1 }, resets: { next: 2 } });
    const ana = await user('ana@contoso.com');
    await group('Engineering', [ana]);
    const started = Date.now();
    await s.settle(30_000);
    expect((await app()).groups.Engineering).toEqual({ members: ['ana@contoso.com'], bindings: [] });
    const requests = await s.control('GET', '/_fake/requests?log=false');
    // Each failure pauses the target; the run never hammers it.
    expect(requests.total).toBeLessThan(40);
    // The 429 was honoured: at least its Retry-After passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const retries = s.h.db.prepare("SELECT count(*) FROM deliveries WHERE outcome = 'retry'").pluck().get() as number;
    expect(retries).toBeGreaterThanOrEqual(5);
  });

  it('a refusal that waiting cannot fix (402) is parked with the reason, listed, and retried by an admin', async () => {
    await s.control('PATCH', '/_fake/settings', { plan: false });
    await user('ana@contoso.com');
    await s.settle();
    const deliveries = await admin('GET', '/api/deliveries');
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.pending).toEqual([
      expect.objectContaining({ entityType: 'member', state: 'parked', lastError: expect.stringContaining('402') }),
    ]);
    expect(deliveries.body.target).toMatchObject({ kind: 'langwatch', lastError: expect.stringContaining('enterprise_plan_required') });
    await s.control('PATCH', '/_fake/settings', { plan: true });
    const { entityId } = deliveries.body.pending[0];
    expect((await admin('POST', `/api/deliveries/member/${entityId}/retry`)).status).toBe(204);
    await s.settle();
    expect((await app()).members['ana@contoso.com']).toEqual({ role: 'MEMBER', disabled: false });
    expect((await admin('GET', '/api/deliveries')).body.pending).toEqual([]);
  });

  it('losing the remote ids (a crash right after the calls) creates no duplicate invite or group', async () => {
    const ana = await user('ana@contoso.com');
    const g = await group('Engineering', [ana]);
    await s.settle();
    s.h.db.prepare('DELETE FROM target_ids').run();
    s.h.db.prepare('DELETE FROM target_state').run();
    const now = new Date().toISOString();
    s.h.db.prepare("INSERT INTO sync_marks (organization_id, entity_type, entity_id, next_attempt_at, marked_at) VALUES ('default', 'member', ?, ?, ?), ('default', 'group', ?, ?, ?)").run(ana, now, now, g, now, now);
    await s.settle();
    const org = (await s.state()).organizations[0];
    expect(org.members.filter((m: any) => m.email === 'ana@contoso.com')).toHaveLength(1);
    expect(org.groups).toHaveLength(1);
    expect(org.invites).toHaveLength(0);
  });
});

describe('LangWatch target: guards', () => {
  it('holds a mass removal for approval, then applies it when approved', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await user(`p${i}@contoso.com`));
    await s.settle();
    for (const id of ids.slice(0, 11)) await patch(`/Users/${id}`, [{ op: 'replace', path: 'active', value: false }]);
    await s.settle();
    let a = await app();
    expect(Object.values(a.members).filter((m) => m.disabled)).toHaveLength(0);
    const held = (await admin('GET', '/api/deliveries')).body.pending;
    expect(held).toHaveLength(11);
    expect(held[0]).toMatchObject({ state: 'awaiting_approval', lastError: expect.stringMatching(/Held for approval: 11 removals/) });

    expect((await admin('POST', '/api/deliveries/approve')).body).toEqual({ approved: 11 });
    await s.settle();
    a = await app();
    expect(Object.entries(a.members).filter(([, m]) => m.disabled).map(([e]) => e).sort()).toEqual(
      ids.slice(0, 11).map((_, i) => `p${i}@contoso.com`).sort(),
    );
  });

  it('never disables or removes a protected (break-glass) account', async () => {
    await s.close();
    s = await createSyncHarness('langwatch', {}, { protectedEmails: ['BreakGlass@contoso.com'] });
    const bg = await user('breakglass@contoso.com');
    await s.settle();
    await patch(`/Users/${bg}`, [{ op: 'replace', path: 'active', value: false }]);
    await s.settle();
    expect((await app()).members['breakglass@contoso.com']).toEqual({ role: 'MEMBER', disabled: false });
    await scim('DELETE', `/Users/${bg}`);
    await s.settle();
    expect((await app()).members['breakglass@contoso.com']).toEqual({ role: 'MEMBER', disabled: false });
  });
});

describe('LangWatch target: more of what a large or unusual organization needs', () => {
  it('invites new people in batches of at most 50 a call', async () => {
    for (let i = 0; i < 60; i++) await user(`n${i}@contoso.com`);
    await s.settle();
    const org = (await s.state()).organizations[0];
    expect(org.members.filter((m: any) => m.email.startsWith('n'))).toHaveLength(60);
    const log = (await s.control('GET', '/_fake/requests')).log as { method: string; path: string }[];
    const inviteCalls = log.filter((r) => r.method === 'POST' && r.path === '/api/organization/invites').length;
    expect(inviteCalls).toBeGreaterThan(0);
    expect(inviteCalls).toBeLessThanOrEqual(2);
  });

  it('a target that stops answering (timeouts) is retried until it answers', async () => {
    await s.control('PUT', '/_fake/faults', { timeouts: { next: 2 } });
    await user('ana@contoso.com');
    await s.settle();
    expect((await app()).members['ana@contoso.com']).toEqual({ role: 'MEMBER', disabled: false });
    expect(s.h.db.prepare("SELECT count(*) FROM deliveries WHERE detail LIKE '%timed out%'").pluck().get()).toBe(2);
  });

  it('with TARGET_DELETE_MODE=disable a deleted person is disabled, not removed', async () => {
    await s.close();
    s = await createSyncHarness('langwatch', { TARGET_DELETE_MODE: 'disable' });
    const ana = await user('ana@contoso.com');
    await s.settle();
    await scim('DELETE', `/Users/${ana}`);
    await s.settle();
    expect((await app()).members['ana@contoso.com']).toEqual({ role: 'MEMBER', disabled: true });
  });

  it('each organization syncs into its own target', async () => {
    // A second organization, with its own connection, and its own target: another
    // organization of the application, whose key the environment holds.
    const remote = await s.control('POST', '/_fake/organizations', { name: 'Second' });
    ensureOrganization(s.h.db, 'second', 'Second organization');
    addToken(s.h.db, createConnection(s.h.db, 'second', 'okta').id, 'second-org-okta-token-0123456789', 'cli');
    setTarget(s.h.db, { organizationId: 'second', kind: 'langwatch', url: s.fakeUrl, apiKeyEnv: 'SECOND_TARGET_KEY', remoteOrgId: null, settings: {} });
    const worker = new SyncWorker({
      db: s.h.db,
      logger: pino({ level: 'silent' }),
      resolveTarget: createTargetResolver(s.h.db, { TARGET_API_KEY: s.organization.apiKey, SECOND_TARGET_KEY: remote.apiKey }),
    });

    await user('first@contoso.com');
    const res = await s.h.request('POST', '/scim/v2/Users', {
      token: 'second-org-okta-token-0123456789',
      body: { userName: 'second@acme2.com', emails: [{ value: 'second@acme2.com', primary: true }] },
    });
    expect(res.status).toBe(201);
    await worker.drain();
    const state = await s.state();
    const emailsOf = (orgId: string) =>
      state.organizations.find((o: any) => o.id === orgId).members.map((m: any) => m.email).filter((e: string) => !e.startsWith('admin'));
    expect(emailsOf(s.organization.organizationId)).toEqual(['first@contoso.com']);
    expect(emailsOf(remote.organizationId)).toEqual(['second@acme2.com']);
  });
});
