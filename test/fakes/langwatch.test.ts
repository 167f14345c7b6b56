/**
 * The LangWatch stand-in's control API (`/_fake`) and fault modes, over real HTTP: seeding,
 * the state dump other tests read, reset, the fake clock, shared accounts, the settings UI's
 * group delete, and faults answered in each family's own error shape. The APIs themselves are
 * covered by langwatch-scim-*.test.ts, langwatch-groups.test.ts, langwatch-organization.test.ts
 * and the recorded table of langwatch-recorded.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { startLangWatchFake } from '../../fakes/langwatch/server.js';
import {
  control,
  dump,
  raw,
  rest,
  scim,
  scimGroup,
  scimUser,
  seedMember,
  useLangWatchFake,
  type Json,
  type Reply,
} from './langwatch-client.js';

const ctx = useLangWatchFake();
const orgBinding = (role = 'MEMBER') => ({ role, scopeType: 'ORGANIZATION', scopeId: ctx.org.organizationId });

function expectControlError(r: Reply, status: number, code: string, mentions?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.body).toMatchObject({ error: { code, message: expect.any(String) } });
  if (mentions) expect(r.body.error.message).toContain(mentions);
}

describe('control API', () => {
  it('dumps the state other tests read, with deactivated beside disabled and the SCIM tokens', async () => {
    const vic = await seedMember(ctx, 'Vic@Acme.test', { name: 'Vic' });
    const team = ctx.org.teams[0]!;
    await rest(ctx, 'POST', '/api/organization/invites', {
      invites: [{ email: 'wes@acme.test', role: 'EXTERNAL', teams: [{ teamId: team.id, role: 'VIEWER' }] }],
    });
    const g = await rest(ctx, 'POST', '/api/groups', { name: 'Readers', memberIds: [vic], bindings: [orgBinding('VIEWER')] });
    const s = await dump(ctx);
    expect(s).toMatchObject({
      id: ctx.org.organizationId,
      name: 'Acme',
      settings: { seatLimit: null, plan: true, autoAcceptInvites: false },
      seatsUsed: 3,
      members: [
        { userId: ctx.org.admin.userId, email: ctx.org.admin.email, role: 'ADMIN', disabled: false, deactivated: false },
        // Seeded addresses are lowercased, as LangWatch's sign-up stores them.
        { userId: vic, email: 'vic@acme.test', name: 'Vic', role: 'MEMBER', disabled: false, deactivated: false, directBindings: [] },
      ],
      invites: [
        {
          email: 'wes@acme.test',
          role: 'EXTERNAL',
          status: 'PENDING',
          teams: [{ teamId: team.id, role: 'VIEWER', customRoleId: null }],
          expired: false,
        },
      ],
      groups: [
        {
          id: g.body.id,
          name: 'Readers',
          slug: 'readers',
          scimSource: null,
          members: [{ userId: vic, email: 'vic@acme.test' }],
          bindings: [
            { id: expect.any(String), role: 'VIEWER', customRoleId: null, scopeType: 'ORGANIZATION', scopeId: ctx.org.organizationId },
          ],
        },
      ],
      teams: [{ id: team.id, name: team.name, projects: team.projects }],
      scimTokens: [{ id: expect.any(String), description: 'tests', createdAt: expect.any(String), lastUsedAt: null }],
    });
    expect(JSON.stringify(s.scimTokens)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('seeds members with a null email, case kept on request, deactivated or disabled', async () => {
    const none = await seedMember(ctx, null, { name: 'No Mail' });
    const kept = await seedMember(ctx, 'Kim@Acme.test', { keepEmailCase: true, deactivated: true });
    const members = (await dump(ctx)).members;
    expect(members.find((m: Json) => m.userId === none)).toMatchObject({ email: null, name: 'No Mail' });
    expect(members.find((m: Json) => m.userId === kept)).toMatchObject({ email: 'Kim@Acme.test', deactivated: true, disabled: false });
    // The unique index is case-sensitive: another spelling kept as is is another account (trap 7).
    const upper = await seedMember(ctx, 'KIM@ACME.TEST', { keepEmailCase: true });
    expect(upper).not.toBe(kept);
    expectControlError(
      await control(ctx, 'POST', `/_fake/organizations/${ctx.org.organizationId}/members`, { email: 'Kim@Acme.test', keepEmailCase: true }),
      409,
      'already_organization_member',
    );
  });

  it('makes one account with two memberships for the same address in two organizations', async () => {
    const other = (await control(ctx, 'POST', '/_fake/organizations', { name: 'Globex' })).body;
    const id = await seedMember(ctx, 'shared@acme.test');
    expect(await seedMember(ctx, 'Shared@Acme.test', {}, other.organizationId)).toBe(id);
    const all = (await control(ctx, 'GET', '/_fake/state')).body;
    expect(all.users.filter((u: Json) => u.email === 'shared@acme.test')).toHaveLength(1);
    expect(all.organizations.map((o: Json) => o.members.some((m: Json) => m.userId === id))).toEqual([true, true]);
    expectControlError(
      await control(ctx, 'POST', `/_fake/organizations/${ctx.org.organizationId}/members`, { email: 'shared@acme.test' }),
      409,
      'already_organization_member',
    );
  });

  it('resets to the very same organization and keys, the clock at zero, with nothing else', async () => {
    await rest(ctx, 'POST', '/api/groups', { name: 'Gone after reset' });
    await seedMember(ctx, 'uma@acme.test');
    await control(ctx, 'POST', '/_fake/organizations', { name: 'Initech' });
    await control(ctx, 'POST', '/_fake/clock', { advanceMs: 10_000 });
    const before = ctx.org;
    const reset = await control(ctx, 'POST', '/_fake/reset');
    expect(reset.body.organizations).toEqual([before]);
    const all = (await control(ctx, 'GET', '/_fake/state')).body;
    expect(all.organizations).toHaveLength(1);
    expect(all.organizations[0]).toMatchObject({
      id: before.organizationId,
      groups: [],
      invites: [],
      scimTokens: [],
      members: [{ userId: before.admin.userId, email: before.admin.email, role: 'ADMIN' }],
    });
    expect((await control(ctx, 'GET', '/_fake/clock')).body.offsetMs).toBe(0);
    expect((await rest(ctx, 'GET', '/api/groups', undefined, before.apiKey)).status).toBe(200);
    // The old SCIM token is gone with the reset.
    expect((await scim(ctx, 'GET', '/Users')).status).toBe(401);
  });

  it('moves the clock forward only, and refuses bad settings, clocks and organizations', async () => {
    const t0 = Date.parse((await control(ctx, 'GET', '/_fake/clock')).body.now);
    const moved = await control(ctx, 'POST', '/_fake/clock', { advanceMs: 3_600_000 });
    expect(moved.body.offsetMs).toBe(3_600_000);
    expect(Date.parse(moved.body.now) - t0).toBeGreaterThanOrEqual(3_600_000);
    expectControlError(await control(ctx, 'POST', '/_fake/clock', { advanceMs: -1 }), 400, 'invalid_request', 'advanceMs');
    expectControlError(await control(ctx, 'PATCH', '/_fake/settings', { seatLimit: -1 }), 400, 'invalid_request', 'seatLimit');
    expectControlError(await control(ctx, 'PATCH', '/_fake/settings', { plan: 'off' }), 400, 'invalid_request', 'plan');
    expectControlError(await control(ctx, 'PATCH', '/_fake/settings', { bogus: 1 }), 400, 'invalid_request');
    expectControlError(
      await control(ctx, 'PATCH', '/_fake/settings', { organizationId: 'organization_nope', plan: false }),
      404,
      'organization_not_found',
    );
    expectControlError(await control(ctx, 'POST', '/_fake/invites/nope/accept'), 404, 'invite_not_found');
    expectControlError(await control(ctx, 'GET', '/_fake/nope'), 404, 'not_found');
  });

  it('creates organizations (autoAcceptInvites off by default), teams, custom roles and keys on demand', async () => {
    const created = await control(ctx, 'POST', '/_fake/organizations', {
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
      settings: { seatLimit: 5, plan: true, autoAcceptInvites: false },
    });
    const team = await control(ctx, 'POST', `/_fake/organizations/${created.body.organizationId}/teams`, { name: 'Ops' });
    const bind = await rest(
      ctx,
      'POST',
      '/api/groups',
      { name: 'Ops', bindings: [{ role: 'MEMBER', scopeType: 'TEAM', scopeId: team.body.id }] },
      created.body.apiKey,
    );
    expect(bind.status).toBe(201);
    const role = await control(ctx, 'POST', `/_fake/organizations/${created.body.organizationId}/custom-roles`, { name: 'Auditor' });
    expect(role.body).toEqual({ id: expect.any(String), name: 'Auditor' });
    const view = await control(ctx, 'POST', `/_fake/organizations/${created.body.organizationId}/keys`, { scopes: ['organization:view'] });
    expect((await rest(ctx, 'DELETE', `/api/groups/${bind.body.id}`, undefined, view.body.token)).status).toBe(403);
    const token = await control(ctx, 'POST', `/_fake/organizations/${created.body.organizationId}/scim-tokens`, {});
    expect((await scim(ctx, 'GET', '/Users', undefined, token.body.token)).body.totalResults).toBe(1);
    expectControlError(await control(ctx, 'POST', '/_fake/organizations', { seatLimit: 'many' }), 400, 'invalid_request', 'seatLimit');
  });

  it('seeds SCIM-managed groups, and deletes a SCIM group as the settings UI does (bypassing the lock)', async () => {
    const seeded = await control(ctx, 'POST', `/_fake/organizations/${ctx.org.organizationId}/groups`, {
      name: 'Okta Eng',
      scimSource: 'okta',
      memberIds: [ctx.org.admin.userId],
      bindings: [orgBinding()],
    });
    expect(seeded.status).toBe(201);
    expect(seeded.body).toMatchObject({
      name: 'Okta Eng',
      scimSource: 'okta',
      members: [{ userId: ctx.org.admin.userId }],
      bindings: [{ role: 'MEMBER' }],
    });
    const id = await scimGroup(ctx, 'Directory');
    expect((await rest(ctx, 'DELETE', `/api/groups/${id}`)).status).toBe(409);
    expect((await control(ctx, 'DELETE', `/_fake/organizations/${ctx.org.organizationId}/groups/${id}`)).body).toEqual({ success: true });
    expect((await rest(ctx, 'GET', `/api/groups/${id}`)).status).toBe(404);
    expectControlError(await control(ctx, 'DELETE', `/_fake/organizations/${ctx.org.organizationId}/groups/${id}`), 404, 'group_not_found');
  });

  it('plan off: 402 on the REST families, 403 on SCIM', async () => {
    await control(ctx, 'PATCH', '/_fake/settings', { plan: false });
    expect((await rest(ctx, 'GET', '/api/groups')).status).toBe(402);
    expect((await rest(ctx, 'GET', '/api/organization/members')).status).toBe(402);
    expect((await rest(ctx, 'GET', '/api/scim-tokens')).status).toBe(402);
    expect((await scim(ctx, 'GET', '/Users')).status).toBe(403);
    await control(ctx, 'PATCH', '/_fake/settings', { plan: true });
    expect((await scim(ctx, 'GET', '/Users')).status).toBe(200);
  });

  it('never answers 5xx to malformed bodies on the REST writes', async () => {
    const g = (await rest(ctx, 'POST', '/api/groups', { name: 'Target' })).body;
    const writes: [string, string][] = [
      ['POST', '/api/groups'],
      ['PATCH', `/api/groups/${g.id}`],
      ['POST', `/api/groups/${g.id}/members`],
      ['POST', `/api/groups/${g.id}/bindings`],
      ['PATCH', `/api/organization/members/${ctx.org.admin.userId}`],
      ['POST', '/api/organization/invites'],
      ['POST', '/api/scim-tokens'],
      ['POST', '/api/scim/v2/Users'],
      ['POST', '/api/scim/v2/Groups'],
      ['PATCH', `/api/scim/v2/Groups/${g.id}`],
    ];
    const bodies = [
      '',
      'null',
      '[]',
      '"text"',
      '42',
      '{',
      '{"name":null}',
      '{"invites":{}}',
      '{"invites":[null]}',
      '{"bindings":"x","name":"a"}',
      '{"memberIds":[1],"name":"a"}',
      '{"role":null}',
      '{"userId":[]}',
      '{"Operations":[null],"schemas":[]}',
    ];
    for (const [method, path] of writes) {
      const auth = path.startsWith('/api/scim/v2') ? `Bearer ${ctx.scimToken}` : `Bearer ${ctx.org.apiKey}`;
      for (const text of bodies) {
        const r = await raw(ctx, method, path, { raw: text, auth });
        expect(r.status, `${method} ${path} ${text}: ${r.text}`).toBeLessThan(500);
      }
    }
  });
});

describe('faults, in each family’s words', () => {
  const setFaults = async (config: unknown) => {
    const r = await control(ctx, 'PUT', '/_fake/faults', config);
    expect(r.status, r.text).toBe(200);
    return r.body.faults;
  };
  const requests = async () => (await control(ctx, 'GET', '/_fake/requests')).body;

  it('adds latency to the API but never to the control API', async () => {
    await setFaults({ latency: { ms: 600 } });
    let t = Date.now();
    expect((await rest(ctx, 'GET', '/api/groups')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(580);
    t = Date.now();
    await control(ctx, 'GET', '/_fake/state');
    expect(Date.now() - t).toBeLessThan(500);
    expect((await requests()).log.at(-1)).toMatchObject({ route: 'GET /api/groups', delayedMs: 600 });
  });

  it('answers injected 5xx as the load balancer (HTML 502/503) or as the family (JSON 500)', async () => {
    await setFaults({ errors: { next: 2, status: 503 } });
    const a = await rest(ctx, 'GET', '/api/groups');
    const b = await rest(ctx, 'POST', '/api/groups', { name: 'Never made' });
    expect([a.status, b.status, (await rest(ctx, 'GET', '/api/groups')).status]).toEqual([503, 503, 200]);
    expect(a.headers.get('content-type')).toContain('text/html');
    expect((await dump(ctx)).groups).toEqual([]);
    await setFaults({ errors: { rate: 1, status: 500 } });
    expect((await rest(ctx, 'GET', '/api/groups')).body).toEqual({
      error: 'Internal server error',
      message: 'Internal server error',
      fault: 'platform',
    });
    expect((await rest(ctx, 'GET', '/api/organization/members')).body).toMatchObject({
      code: 'internal_error',
      error: 'Internal Server Error',
    });
    expect((await scim(ctx, 'GET', '/Users')).body).toEqual({ error: 'Internal server error', message: 'An unknown error occurred' });
  });

  it('answers injected 429 with Retry-After, in the family shape', async () => {
    await setFaults({ rateLimit: { next: 3, retryAfterSeconds: 3 } });
    const g = await rest(ctx, 'GET', '/api/groups');
    expect(g.status).toBe(429);
    expect(g.headers.get('retry-after')).toBe('3');
    expect(g.body.error).toBe('rate_limited');
    expect((await rest(ctx, 'GET', '/api/organization/latest/members')).body).toMatchObject({
      code: 'rate_limited',
      message: 'rate_limited',
    });
    const s = await scim(ctx, 'GET', '/Users');
    expect(s.body).toMatchObject({ status: '429', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
    expect((await rest(ctx, 'GET', '/api/groups')).status).toBe(200);
  });

  it('answers the planRequired fault as 402 on REST and 403 on SCIM, even without a key; never on the control API', async () => {
    await setFaults({ planRequired: true });
    const g = await rest(ctx, 'GET', '/api/groups', undefined, null);
    expect(g.status).toBe(402);
    expect(g.body.error).toBe('enterprise_plan_required');
    expect((await rest(ctx, 'GET', '/api/organization/members')).body).toMatchObject({
      code: 'enterprise_plan_required',
      error: 'Payment Required',
    });
    const s = await scim(ctx, 'GET', '/Users');
    expect(s.status).toBe(403);
    expect(s.body.detail).toBe('SCIM provisioning requires an Enterprise plan');
    expect((await control(ctx, 'GET', '/_fake/state')).status).toBe(200);
  });

  it('resets the connection and hangs requests', async () => {
    await setFaults({ resets: { next: 1 } });
    await expect(rest(ctx, 'POST', '/api/groups', { name: 'Lost' })).rejects.toThrow(TypeError);
    expect((await dump(ctx)).groups).toEqual([]);
    await setFaults({ timeouts: { next: 1 } });
    await expect(raw(ctx, 'GET', '/api/groups', { auth: `Bearer ${ctx.org.apiKey}`, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    await expect.poll(async () => (await requests()).byStatus.timeout).toBe(1);
    expect((await rest(ctx, 'GET', '/api/groups')).status).toBe(200);
  });

  it('ends a hung request when the server closes', async () => {
    const other = await startLangWatchFake();
    await fetch(`${other.url}/_fake/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeouts: { rate: 1 } }),
    });
    const hung = fetch(`${other.url}/api/groups`, { headers: { authorization: `Bearer ${other.organization.apiKey}` } });
    hung.catch(() => undefined);
    await expect.poll(() => other.faults.requests().inFlight).toBe(1);
    const t = Date.now();
    await other.close();
    await expect(hung).rejects.toThrow(TypeError);
    expect(Date.now() - t).toBeLessThan(5_000);
  });

  it('counts every request by route template and status, and never the control API', async () => {
    const g = (await rest(ctx, 'POST', '/api/groups', { name: 'Counted' })).body;
    await rest(ctx, 'GET', `/api/groups/${g.id}`);
    await rest(ctx, 'GET', '/api/groups/group_nope');
    await rest(ctx, 'GET', '/api/groups', undefined, null);
    const u = await scimUser(ctx, 'c@acme.test');
    await scim(ctx, 'GET', `/Users/${u}`);
    await control(ctx, 'GET', '/_fake/state');
    const stats = await requests();
    expect(stats.total).toBe(6);
    expect(stats.byRoute).toMatchObject({
      'POST /api/groups': 1,
      'GET /api/groups/:id': 2,
      'POST /api/scim/v2/Users': 1,
      'GET /api/scim/v2/Users/:id': 1,
    });
    expect(stats.byStatus).toEqual({ '201': 2, '200': 2, '404': 1, '401': 1 });
    expect((await control(ctx, 'DELETE', '/_fake/requests')).body.total).toBe(0);
  });

  it('refuses an invalid fault configuration, naming the field', async () => {
    expectControlError(await control(ctx, 'PUT', '/_fake/faults', { errors: { status: 504 } }), 400, 'invalid_request', 'errors.status');
    expectControlError(await control(ctx, 'PUT', '/_fake/faults', { chaos: true }), 400, 'invalid_request');
    expect((await control(ctx, 'GET', '/_fake/faults')).body.faults).toMatchObject({ errors: null, latency: null, planRequired: false });
  });
});
