/**
 * The sync worker driving a really started LangWatch stand-in end to end, in both modes: the
 * documented Entra flow ends with the application in exactly the desired state, and so do
 * faults, lost bookkeeping, a plan without SCIM, and a second organization.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { addToken, createConnection, ensureOrganization } from '../../src/store/connections.repo.js';
import { setTarget } from '../../src/store/targets.repo.js';
import { SyncWorker } from '../../src/sync/worker.js';
import { createTargetResolver } from '../../src/targets/registry.js';
import { TEST_ADMIN_KEY } from '../helpers/harness.js';
import { createSyncHarness, type HarnessEnv, type SyncHarness } from '../helpers/sync-harness.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let s: SyncHarness;
afterEach(() => s?.close());

const start = async (env: HarnessEnv = {}, worker: Parameters<typeof createSyncHarness>[2] = {}) => {
  s = await createSyncHarness('langwatch', env, worker);
  return s;
};
const team = () => s.organization.teams[0].id as string;

/** The application as a person would read it: members by email, groups by name. */
async function app() {
  const org = (await s.state()).organizations[0];
  return {
    members: Object.fromEntries(
      org.members.map((m: any) => [m.email, { role: m.role, disabled: m.disabled, deactivated: m.deactivated }]),
    ) as Record<string, { role: string; disabled: boolean; deactivated: boolean }>,
    groups: Object.fromEntries(
      org.groups.map((g: any) => [
        g.name,
        {
          scimSource: g.scimSource,
          members: g.members.map((m: any) => m.email).sort(),
          bindings: g.bindings.map((b: any) => `${b.role}@${b.scopeType}:${b.scopeId}`).sort(),
        },
      ]),
    ) as Record<string, { scimSource: string | null; members: string[]; bindings: string[] }>,
    invites: org.invites.filter((i: any) => !i.expired).length as number,
  };
}

const scim = (method: string, path: string, body?: unknown, token = s.h.tokens.azure) =>
  s.h.request(method, `/scim/v2${path}`, { token, ...(body !== undefined ? { body } : {}) });
const admin = (method: string, path: string, body?: unknown) =>
  s.h.request(method, path, {
    token: TEST_ADMIN_KEY,
    ...(body !== undefined ? { body, headers: { 'Content-Type': 'application/json' } } : {}),
  });
const patch = (path: string, Operations: unknown[]) => scim('PATCH', path, { schemas: [PATCH_OP], Operations });

async function user(userName: string, token?: string): Promise<string> {
  const res = await scim('POST', '/Users', { userName, emails: [{ value: userName, primary: true, type: 'work' }], active: true }, token);
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function group(displayName: string, members: string[] = []): Promise<string> {
  const res = await scim('POST', '/Groups', { displayName, members: members.map((value) => ({ value })) });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

/** The Entra flow of the old test, for either mode. */
async function entraFlow(locked: boolean) {
  const ana = await user('ana@contoso.com');
  const bob = await user('bob@contoso.com');
  const eng = await group('Engineering');
  await patch(`/Groups/${eng}`, [{ op: 'Add', path: 'members', value: [{ value: ana }, { value: bob }] }]);
  expect((await admin('POST', `/api/groups/${eng}/bindings`, { role: 'MEMBER', scopeType: 'TEAM', scopeId: team() })).status).toBe(201);
  await s.settle();

  let a = await app();
  expect(a.members['ana@contoso.com']).toEqual({ role: 'MEMBER', disabled: false, deactivated: false });
  expect(a.members['bob@contoso.com']).toEqual({ role: 'MEMBER', disabled: false, deactivated: false });
  expect(a.groups.Engineering).toEqual({
    scimSource: locked ? 'scim' : null,
    members: ['ana@contoso.com', 'bob@contoso.com'],
    bindings: [`MEMBER@TEAM:${team()}`],
  });

  await patch(`/Groups/${eng}`, [{ op: 'Remove', path: 'members', value: [{ value: bob }] }]);
  await patch(`/Groups/${eng}`, [{ op: 'Replace', path: 'displayName', value: 'Platform' }]);
  await patch(`/Users/${ana}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
  await s.settle();
  a = await app();
  expect(a.groups.Engineering).toBeUndefined();
  expect(a.groups.Platform).toMatchObject({ members: ['ana@contoso.com'], bindings: [`MEMBER@TEAM:${team()}`] });
  expect(a.members['ana@contoso.com']).toMatchObject({ disabled: true, deactivated: false });

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
}

describe('LangWatch target, scim mode (the default)', () => {
  it('the Entra flow: people added at once, groups SCIM-managed in LangWatch, renames, removals, deactivation, deletion', async () => {
    await start();
    await entraFlow(true);
    const requests = await s.control('GET', '/_fake/requests?log=false');
    expect(requests.byRoute['POST /api/organization/invites']).toBeUndefined();
    expect(requests.byRoute['POST /api/scim-tokens']).toBe(1);
  });

  it('TARGET_SUSPEND=account deactivates the account over SCIM, and the IdP\'s "False" arrives as a JSON boolean', async () => {
    await start({ TARGET_SUSPEND: 'account' });
    const ana = await user('ana@contoso.com');
    await s.settle();
    await patch(`/Users/${ana}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
    await s.settle();
    expect((await app()).members['ana@contoso.com']).toEqual({ role: 'MEMBER', disabled: false, deactivated: true });
    await patch(`/Users/${ana}`, [{ op: 'Replace', path: 'active', value: 'True' }]);
    await s.settle();
    expect((await app()).members['ana@contoso.com']).toEqual({ role: 'MEMBER', disabled: false, deactivated: false });
  });

  it('matches a person who is already a member by email instead of creating them', async () => {
    await start();
    await s.control('POST', `/_fake/organizations/${s.organization.organizationId}/members`, { email: 'ana@contoso.com', role: 'MEMBER' });
    await user('Ana@Contoso.com');
    await s.settle();
    const org = (await s.state()).organizations[0];
    expect(org.members.filter((m: any) => m.email.toLowerCase() === 'ana@contoso.com')).toHaveLength(1);
    const requests = await s.control('GET', '/_fake/requests?log=false');
    expect(requests.byRoute['POST /api/scim/v2/Users']).toBeUndefined();
  });

  it('fits a long group name predictably and keeps the mapping across renames', async () => {
    await start();
    const g = await group('x'.repeat(150));
    await s.settle();
    const names = Object.keys((await app()).groups);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^x{90} ~[0-9a-f]{8}$/);
    await patch(`/Groups/${g}`, [{ op: 'replace', path: 'displayName', value: 'Short' }]);
    await s.settle();
    expect(Object.keys((await app()).groups)).toEqual(['Short']);
  });

  it("re-creates a group deleted in LangWatch's UI, with its bindings, and logs it as drift", async () => {
    await start();
    const ana = await user('ana@contoso.com');
    const eng = await group('Engineering', [ana]);
    await admin('POST', `/api/groups/${eng}/bindings`, { role: 'VIEWER', scopeType: 'TEAM', scopeId: team() });
    await s.settle();
    const remote = (await s.state()).organizations[0].groups[0];
    await s.control('DELETE', `/_fake/organizations/${s.organization.organizationId}/groups/${remote.id}`);
    s.worker.scheduleDriftCheck(0);
    await s.settle();
    expect((await app()).groups.Engineering).toEqual({
      scimSource: 'scim',
      members: ['ana@contoso.com'],
      bindings: [`VIEWER@TEAM:${team()}`],
    });
    const drift = s.h.db.prepare("SELECT detail FROM deliveries WHERE outcome = 'drift'").pluck().all();
    expect(drift).toEqual(['The group "Engineering" was deleted in LangWatch; created it again with its members and bindings.']);
  });
});

describe('LangWatch target, invite mode', () => {
  it('the Entra flow with invites that are accepted at once', async () => {
    await start((org) => ({ TARGET_LANGWATCH_MODE: 'invite', TARGET_INVITE_TEAM_ID: org.teams[0].id }));
    await s.control('PATCH', '/_fake/settings', { autoAcceptInvites: true });
    await entraFlow(false);
    const requests = await s.control('GET', '/_fake/requests?log=false');
    expect(requests.byRoute['POST /api/scim-tokens']).toBeUndefined();
  });

  it('invites new people in batches of at most 50 a call', async () => {
    await start((org) => ({ TARGET_LANGWATCH_MODE: 'invite', TARGET_INVITE_TEAM_ID: org.teams[0].id }));
    await s.control('PATCH', '/_fake/settings', { autoAcceptInvites: true });
    for (let i = 0; i < 60; i++) await user(`n${i}@contoso.com`);
    await s.settle();
    const org = (await s.state()).organizations[0];
    expect(org.members.filter((m: any) => m.email.startsWith('n'))).toHaveLength(60);
    const requests = await s.control('GET', '/_fake/requests?log=false');
    expect(requests.byRoute['POST /api/organization/invites']).toBeGreaterThan(0);
    expect(requests.byRoute['POST /api/organization/invites']).toBeLessThanOrEqual(2);
  });
});

describe('LangWatch target: failures', () => {
  it('5xx, 429 with Retry-After and resets end in exactly the desired state, at a bounded request rate', async () => {
    await start();
    await s.control('PUT', '/_fake/faults', {
      errors: { next: 3, status: 503 },
      rateLimit: { next: 2, retryAfterSeconds: 1 },
      resets: { next: 2 },
    });
    const ana = await user('ana@contoso.com');
    await group('Engineering', [ana]);
    const started = Date.now();
    await s.settle(30_000);
    expect((await app()).groups.Engineering).toMatchObject({ members: ['ana@contoso.com'], bindings: [] });
    const requests = await s.control('GET', '/_fake/requests?log=false');
    expect(requests.total).toBeLessThan(40);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const retries = s.h.db.prepare("SELECT count(*) FROM deliveries WHERE outcome = 'retry'").pluck().get() as number;
    expect(retries).toBeGreaterThanOrEqual(5);
    expect((await s.state()).organizations[0].scimTokens).toHaveLength(1);
  });

  it('a plan without SCIM (402 on minting) is parked with the reason, and retried by an admin once the plan allows it', async () => {
    await start();
    await s.control('PATCH', '/_fake/settings', { plan: false });
    await user('ana@contoso.com');
    await s.settle();
    const deliveries = await admin('GET', '/api/deliveries');
    expect(deliveries.body.pending).toEqual([
      expect.objectContaining({
        entityType: 'member',
        state: 'parked',
        lastError: expect.stringMatching(/402 enterprise_plan_required: SCIM provisioning needs/),
      }),
    ]);
    await s.control('PATCH', '/_fake/settings', { plan: true });
    const { entityId } = deliveries.body.pending[0];
    expect((await admin('POST', `/api/deliveries/member/${entityId}/retry`)).status).toBe(204);
    await s.settle();
    expect((await app()).members['ana@contoso.com']).toEqual({ role: 'MEMBER', disabled: false, deactivated: false });
  });

  it('losing the remote ids (a crash right after the calls) creates no duplicate person or group', async () => {
    await start();
    const ana = await user('ana@contoso.com');
    const g = await group('Engineering', [ana]);
    await s.settle();
    s.h.db.prepare('DELETE FROM target_ids').run();
    s.h.db.prepare('DELETE FROM target_state').run();
    const now = new Date().toISOString();
    s.h.db
      .prepare(
        "INSERT INTO sync_marks (organization_id, entity_type, entity_id, next_attempt_at, marked_at) VALUES ('default', 'member', ?, ?, ?), ('default', 'group', ?, ?, ?)",
      )
      .run(ana, now, now, g, now, now);
    await s.settle();
    const org = (await s.state()).organizations[0];
    expect(org.members.filter((m: any) => m.email === 'ana@contoso.com')).toHaveLength(1);
    expect(org.groups).toHaveLength(1);
    expect(org.groups[0].members.map((m: any) => m.email)).toEqual(['ana@contoso.com']);
  });

  it('never disables or removes a protected (break-glass) account', async () => {
    await start({}, { protectedEmails: ['BreakGlass@contoso.com'] });
    const bg = await user('breakglass@contoso.com');
    await s.settle();
    await patch(`/Users/${bg}`, [{ op: 'replace', path: 'active', value: false }]);
    await scim('DELETE', `/Users/${bg}`);
    await s.settle();
    expect((await app()).members['breakglass@contoso.com']).toEqual({ role: 'MEMBER', disabled: false, deactivated: false });
  });

  it('each organization syncs into its own target, with its own SCIM token', async () => {
    await start();
    const remote = await s.control('POST', '/_fake/organizations', { name: 'Second' });
    ensureOrganization(s.h.db, 'second', 'Second organization');
    addToken(s.h.db, createConnection(s.h.db, 'second', 'okta').id, 'second-org-okta-token-0123456789', 'cli');
    setTarget(s.h.db, {
      organizationId: 'second',
      kind: 'langwatch',
      url: s.fakeUrl,
      apiKeyEnv: 'SECOND_TARGET_KEY',
      remoteOrgId: null,
      settings: {},
    });
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
      state.organizations
        .find((o: any) => o.id === orgId)
        .members.map((m: any) => m.email)
        .filter((e: string) => !e.startsWith('admin'));
    expect(emailsOf(s.organization.organizationId)).toEqual(['first@contoso.com']);
    expect(emailsOf(remote.organizationId)).toEqual(['second@acme2.com']);
    expect(state.organizations.find((o: any) => o.id === remote.organizationId).scimTokens).toHaveLength(1);
  });
});
