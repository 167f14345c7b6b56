/**
 * The LangWatch stand-in's organization family (TARGETS.md §A3): members and invites over real
 * HTTP, with the paging, the guard rails, the organization error body, the versioned paths, and
 * invites that wait for a browser (the control API) and expire on the fake's clock.
 */
import { describe, expect, it } from 'vitest';
import { control, dump, expectOrgError, rest, seedMember, useLangWatchFake, type Json } from './langwatch-client.js';

const ctx = useLangWatchFake();
const team = () => ctx.org.teams[0]!;
const invite = (email: string, extra: Record<string, unknown> = {}) => ({
  email,
  role: 'MEMBER',
  teams: [{ teamId: team().id, role: 'MEMBER' }],
  ...extra,
});
const HOURS = 3_600_000;

describe('members (§A3)', () => {
  it('lists rows with the email only in user (nullable), ordered by name, email, userId; disabled ones on request', async () => {
    const zed = await seedMember(ctx, 'zed@acme.test', { name: 'Bo' });
    const amy = await seedMember(ctx, 'amy@acme.test', { name: 'Bo' });
    const anon = await seedMember(ctx, null, { name: 'Anon' });
    const off = await seedMember(ctx, 'off@acme.test', { name: 'Off', disabled: true });
    const r = await rest(ctx, 'GET', '/api/organization/members');
    expect(r.status).toBe(200);
    expect(r.body.totalCount).toBe(4);
    expect(r.body.members.map((m: Json) => m.userId)).toEqual([ctx.org.admin.userId, anon, amy, zed]);
    expect(r.body.members[1]).toEqual({
      userId: anon,
      role: 'MEMBER',
      disabled: false,
      disabledAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      user: { id: anon, name: 'Anon', email: null },
    });
    expect(r.body.members[0]).not.toHaveProperty('email');
    const all = await rest(ctx, 'GET', '/api/organization/members?includeDisabled=true');
    expect(all.body.totalCount).toBe(5);
    expect(all.body.members.find((m: Json) => m.userId === off)).toMatchObject({ disabled: true, disabledAt: expect.any(String) });
  });

  it('pages with offset/limit (default 50, max 200) and totalCount', async () => {
    for (let i = 0; i < 54; i++)
      await seedMember(ctx, `m${String(i).padStart(2, '0')}@acme.test`, { name: `M ${String(i).padStart(2, '0')}` });
    const first = await rest(ctx, 'GET', '/api/organization/members');
    expect(first.body.members).toHaveLength(50);
    expect(first.body.totalCount).toBe(55);
    const rest2 = await rest(ctx, 'GET', '/api/organization/members?offset=50&limit=200');
    expect(rest2.body.members).toHaveLength(5);
    const seen = new Set([...first.body.members, ...rest2.body.members].map((m: Json) => m.userId));
    expect(seen.size).toBe(55);
    for (const q of ['limit=201', 'limit=0', 'offset=-1', 'includeDisabled=yes'])
      expectOrgError(await rest(ctx, 'GET', `/api/organization/members?${q}`), 422, 'validation_error');
  });

  it('reads one member with its team bindings, and the access breakdown', async () => {
    const sent = await rest(ctx, 'POST', '/api/organization/invites', {
      invites: [invite('tea@acme.test', { teams: [{ teamId: team().id, role: 'ADMIN' }] })],
    });
    const accepted = await control(ctx, 'POST', `/_fake/invites/${sent.body.invites[0].id}/accept`);
    const userId = accepted.body.userId;
    const g = await rest(ctx, 'POST', '/api/groups', {
      name: 'G',
      memberIds: [userId],
      bindings: [{ role: 'VIEWER', scopeType: 'ORGANIZATION', scopeId: ctx.org.organizationId }],
    });
    const one = await rest(ctx, 'GET', `/api/organization/members/${userId}`);
    expect(one.body).toMatchObject({
      userId,
      role: 'MEMBER',
      user: { email: 'tea@acme.test' },
      teams: [{ teamId: team().id, teamName: team().name, role: 'ADMIN', customRoleId: null, customRoleName: null }],
    });
    const access = await rest(ctx, 'GET', `/api/organization/members/${userId}/access`);
    expect(access.body.user).toMatchObject({
      id: userId,
      orgRole: 'MEMBER',
      orgRolePermissions: expect.arrayContaining(['organization:view']),
    });
    expect(access.body.groups).toEqual([
      {
        id: g.body.id,
        name: 'G',
        slug: 'g',
        scimSource: null,
        bindings: [expect.objectContaining({ role: 'VIEWER', scopeName: ctx.org.name })],
      },
    ]);
    expect(access.body.directBindings).toEqual([
      expect.objectContaining({ scopeType: 'TEAM', scopeId: team().id, scopeName: team().name, permissions: expect.any(Array) }),
    ]);
    expectOrgError(await rest(ctx, 'GET', '/api/organization/members/nope'), 404, 'member_not_found');
  });

  it('lets a view key read members but nothing else (403 insufficient_permissions)', async () => {
    const key = ctx.org.viewApiKey;
    expect((await rest(ctx, 'GET', '/api/organization/members', undefined, key)).status).toBe(200);
    expect((await rest(ctx, 'GET', `/api/organization/members/${ctx.org.admin.userId}`, undefined, key)).status).toBe(200);
    for (const [m, p, b] of [
      ['GET', `/api/organization/members/${ctx.org.admin.userId}/access`],
      ['PATCH', `/api/organization/members/${ctx.org.admin.userId}`, { role: 'MEMBER' }],
      ['DELETE', `/api/organization/members/${ctx.org.admin.userId}`],
      ['GET', '/api/organization/invites'],
      ['POST', '/api/organization/invites', { invites: [] }],
    ] as [string, string, unknown?][]) {
      const r = await rest(ctx, m, p, b, key);
      expectOrgError(r, 403, 'insufficient_permissions');
      expect(r.body.meta).toEqual({ required_permission: 'organization:manage' });
    }
  });

  it('changes exactly one of role or disabled (else 422), and answers the row', async () => {
    const ada = await seedMember(ctx, 'ada@acme.test');
    for (const b of [{}, { role: 'ADMIN', disabled: true }, { role: 'OWNER' }, { disabled: 'yes' }]) {
      expectOrgError(await rest(ctx, 'PATCH', `/api/organization/members/${ada}`, b), 422, 'validation_error');
    }
    expect((await rest(ctx, 'PATCH', `/api/organization/members/${ada}`, { role: 'ADMIN' })).body).toMatchObject({
      userId: ada,
      role: 'ADMIN',
      user: { email: 'ada@acme.test' },
    });
    const off = await rest(ctx, 'PATCH', `/api/organization/members/${ada}`, { disabled: true });
    expect(off.body).toMatchObject({ disabled: true, disabledAt: expect.any(String) });
    // Org-scoped: the account is not deactivated.
    expect((await dump(ctx)).members.find((m: Json) => m.userId === ada)).toMatchObject({ disabled: true, deactivated: false });
    expectOrgError(await rest(ctx, 'PATCH', '/api/organization/members/nope', { role: 'MEMBER' }), 404, 'member_not_found');
  });

  it('never lets the last active admin be demoted, disabled or removed (400), even by a service key', async () => {
    const admin = ctx.org.admin.userId;
    expectOrgError(await rest(ctx, 'PATCH', `/api/organization/members/${admin}`, { role: 'MEMBER' }), 400, 'cannot_demote_last_admin');
    expectOrgError(await rest(ctx, 'PATCH', `/api/organization/members/${admin}`, { disabled: true }), 400, 'cannot_disable_last_admin');
    expectOrgError(await rest(ctx, 'DELETE', `/api/organization/members/${admin}`), 400, 'cannot_remove_last_admin');
    await seedMember(ctx, 'second@acme.test', { role: 'ADMIN' });
    expect((await rest(ctx, 'PATCH', `/api/organization/members/${admin}`, { role: 'MEMBER' })).status).toBe(200);
  });

  it('refuses self-disable and self-removal for a personal key (400), before looking the member up', async () => {
    const ada = await seedMember(ctx, 'ada@acme.test', { role: 'ADMIN' });
    const key = (await control(ctx, 'POST', `/_fake/organizations/${ctx.org.organizationId}/keys`, { userId: ada })).body.token;
    expectOrgError(await rest(ctx, 'PATCH', `/api/organization/members/${ada}`, { disabled: true }, key), 400, 'cannot_disable_self');
    expectOrgError(await rest(ctx, 'DELETE', `/api/organization/members/${ada}`, undefined, key), 400, 'cannot_remove_self');
  });

  it('makes re-enabling take a seat: 403 member_seat_limit_reached with meta when full', async () => {
    const ada = await seedMember(ctx, 'ada@acme.test', { disabled: true });
    await control(ctx, 'PATCH', '/_fake/settings', { seatLimit: 1 });
    const r = await rest(ctx, 'PATCH', `/api/organization/members/${ada}`, { disabled: false });
    expectOrgError(r, 403, 'member_seat_limit_reached');
    expect(r.body.meta).toEqual({ limitType: 'members', current: 1, max: 1 });
    expect((await dump(ctx)).members.find((m: Json) => m.userId === ada).disabled).toBe(true);
  });

  it('removes a member (200 {success:true}); they then read as 404 member_not_found', async () => {
    const ada = await seedMember(ctx, 'ada@acme.test');
    expect((await rest(ctx, 'DELETE', `/api/organization/members/${ada}`)).body).toEqual({ success: true });
    expectOrgError(await rest(ctx, 'GET', `/api/organization/members/${ada}`), 404, 'member_not_found');
    expectOrgError(await rest(ctx, 'DELETE', `/api/organization/members/${ada}`), 404, 'member_not_found');
  });

  it('answers at the versioned paths with X-API-Version-Status, without `error` in error bodies', async () => {
    const bare = await rest(ctx, 'GET', '/api/organization/members');
    expect(bare.headers.get('x-api-version-status')).toBe('unversioned');
    expect(bare.headers.get('x-api-version')).toBeNull();
    const dated = await rest(ctx, 'GET', '/api/organization/2026-08-07/members');
    expect(dated.status).toBe(200);
    expect(dated.headers.get('x-api-version-status')).toBe('stable');
    expect(dated.headers.get('x-api-version')).toBe('2026-08-07');
    expect(dated.body.totalCount).toBe(1);
    const latest = await rest(ctx, 'GET', '/api/organization/latest/members/nope');
    expectOrgError(latest, 404, 'member_not_found', true);
    expect(latest.headers.get('x-api-version-status')).toBe('latest');
    expectOrgError(await rest(ctx, 'GET', '/api/organization/members/nope'), 404, 'member_not_found', false);
    expectOrgError(await rest(ctx, 'GET', '/api/organization/latest/members', undefined, null), 401, 'missing_credentials', true);
  });

  it('answers 402 enterprise_plan_required (feature MANAGEMENT_API) without the plan, after 401 and 403', async () => {
    await control(ctx, 'PATCH', '/_fake/settings', { plan: false });
    const r = await rest(ctx, 'GET', '/api/organization/members');
    expectOrgError(r, 402, 'enterprise_plan_required');
    expect(r.body.meta).toEqual({ feature: 'MANAGEMENT_API' });
    expectOrgError(await rest(ctx, 'GET', '/api/organization/members', undefined, 'sk-lw-0_0'), 401, 'invalid_credentials');
    expectOrgError(await rest(ctx, 'GET', '/api/organization/invites', undefined, ctx.org.viewApiKey), 403, 'insufficient_permissions');
  });
});

describe('invites (§A3)', () => {
  it('creates pending invites (201) that list as {invites} and only become members when accepted', async () => {
    const r = await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite(' Ann@Acme.test ')] });
    expect(r.status).toBe(201);
    const sent = r.body.invites[0];
    expect(sent).toEqual({
      id: expect.any(String),
      email: 'Ann@Acme.test',
      role: 'MEMBER',
      status: 'PENDING',
      expiration: expect.any(String),
      inviteCode: expect.any(String),
      inviteUrl: expect.stringContaining(`/invite/accept?inviteCode=${sent.inviteCode}`),
      teams: [{ teamId: team().id, role: 'MEMBER', customRoleId: null }],
      createdAt: expect.any(String),
      emailNotSent: true,
    });
    expect(Date.parse(sent.expiration) - Date.parse(sent.createdAt)).toBe(48 * HOURS);
    const { emailNotSent: _, ...listed } = sent;
    expect((await rest(ctx, 'GET', '/api/organization/invites')).body).toEqual({ invites: [listed] });
    expect((await rest(ctx, 'GET', '/api/organization/members')).body.totalCount).toBe(1);
    const accepted = await control(ctx, 'POST', `/_fake/invites/${sent.id}/accept`);
    expect(accepted.status).toBe(201);
    expect((await rest(ctx, 'GET', `/api/organization/members/${accepted.body.userId}`)).body).toMatchObject({
      user: { email: 'ann@acme.test' },
      teams: [{ teamId: team().id, role: 'MEMBER' }],
    });
    expect((await rest(ctx, 'GET', '/api/organization/invites')).body.invites).toEqual([]);
  });

  it('expires invites after 48 h of the fake clock: gone from the list, not acceptable, and re-invitable', async () => {
    const sent = (await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite('old@acme.test')] })).body.invites[0];
    await control(ctx, 'POST', '/_fake/clock', { advanceMs: 47 * HOURS });
    expect((await rest(ctx, 'GET', '/api/organization/invites')).body.invites).toHaveLength(1);
    await control(ctx, 'POST', '/_fake/clock', { advanceMs: 1 * HOURS });
    expect((await rest(ctx, 'GET', '/api/organization/invites')).body.invites).toEqual([]);
    expect((await dump(ctx)).invites).toEqual([expect.objectContaining({ id: sent.id, expired: true })]);
    expect((await control(ctx, 'POST', `/_fake/invites/${sent.id}/accept`)).status).toBe(410);
    expect((await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite('old@acme.test')] })).status).toBe(201);
  });

  it('requires teams (≥ 1) and 1..50 invites: 422 validation_error', async () => {
    for (const b of [
      { invites: [] },
      { invites: [invite('a@acme.test', { teams: [] })] },
      { invites: [{ email: 'a@acme.test', role: 'MEMBER' }] },
      { invites: Array.from({ length: 51 }, (_, i) => invite(`u${i}@acme.test`)) },
      { invites: [invite('not-an-email')] },
    ]) {
      const r = await rest(ctx, 'POST', '/api/organization/invites', b);
      expectOrgError(r, 422, 'validation_error');
      expect(r.body.reasons[0]).toMatchObject({ code: 'schema_failure', meta: { field: expect.any(String) } });
    }
    expect(
      (await rest(ctx, 'POST', '/api/organization/invites', { invites: Array.from({ length: 50 }, (_, i) => invite(`u${i}@acme.test`)) }))
        .status,
    ).toBe(201);
  });

  it('refuses a member (409 already_organization_member, meta.email) and a pending address (409 duplicate_invite), case-insensitively, all or nothing', async () => {
    const member = await rest(ctx, 'POST', '/api/organization/invites', {
      invites: [invite('fresh@acme.test'), invite(ctx.org.admin.email.toUpperCase())],
    });
    expectOrgError(member, 409, 'already_organization_member');
    expect(member.body.meta).toEqual({ email: ctx.org.admin.email });
    await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite('dup@acme.test')] });
    const dup = await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite('other@acme.test'), invite('DUP@acme.test')] });
    expectOrgError(dup, 409, 'duplicate_invite');
    expect(dup.body.meta).toEqual({ email: 'DUP@acme.test' });
    expectOrgError(
      await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite('twice@acme.test'), invite('Twice@acme.test')] }),
      409,
      'duplicate_invite',
    );
    expect((await rest(ctx, 'GET', '/api/organization/invites')).body.invites.map((i: Json) => i.email)).toEqual(['dup@acme.test']);
  });

  it('refuses teams and custom roles outside the organization (422), and the seat limit (403), writing nothing', async () => {
    const bad = await rest(ctx, 'POST', '/api/organization/invites', {
      invites: [invite('a@acme.test', { teams: [{ teamId: 'team_nope', role: 'MEMBER' }] })],
    });
    expectOrgError(bad, 422, 'team_not_in_organization');
    expect(bad.body.meta).toEqual({ teamId: 'team_nope' });
    expectOrgError(
      await rest(ctx, 'POST', '/api/organization/invites', {
        invites: [invite('a@acme.test', { teams: [{ teamId: team().id, role: 'CUSTOM' }] })],
      }),
      422,
      'custom_role_id_required',
    );
    expectOrgError(
      await rest(ctx, 'POST', '/api/organization/invites', {
        invites: [invite('a@acme.test', { teams: [{ teamId: team().id, role: 'CUSTOM', customRoleId: 'nope' }] })],
      }),
      422,
      'custom_role_not_assignable',
    );
    const custom = await rest(ctx, 'POST', '/api/organization/invites', {
      invites: [invite('c@acme.test', { teams: [{ teamId: team().id, role: 'CUSTOM', customRoleId: ctx.org.customRoles[0]!.id }] })],
    });
    expect(custom.body.invites[0].teams).toEqual([{ teamId: team().id, role: 'CUSTOM', customRoleId: ctx.org.customRoles[0]!.id }]);
    await control(ctx, 'PATCH', '/_fake/settings', { seatLimit: 3 });
    const seats = await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite('s1@acme.test'), invite('s2@acme.test')] });
    expectOrgError(seats, 403, 'member_seat_limit_reached');
    expect(seats.body.meta).toEqual({ limitType: 'members', current: 2, max: 3 });
    expect((await rest(ctx, 'GET', '/api/organization/invites')).body.invites).toHaveLength(1);
  });

  it('revokes (200), then 404 invite_not_found; another organization cannot revoke it', async () => {
    const sent = (await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite('r@acme.test')] })).body.invites[0];
    const other = (await control(ctx, 'POST', '/_fake/organizations', { name: 'Globex' })).body;
    expectOrgError(await rest(ctx, 'DELETE', `/api/organization/invites/${sent.id}`, undefined, other.apiKey), 404, 'invite_not_found');
    expect((await rest(ctx, 'DELETE', `/api/organization/invites/${sent.id}`)).body).toEqual({ success: true });
    expectOrgError(await rest(ctx, 'DELETE', `/api/organization/invites/${sent.id}`), 404, 'invite_not_found');
  });

  it('accepts at once when autoAcceptInvites is switched on', async () => {
    await control(ctx, 'PATCH', '/_fake/settings', { autoAcceptInvites: true });
    await rest(ctx, 'POST', '/api/organization/invites', { invites: [invite('auto@acme.test')] });
    expect((await dump(ctx)).members.map((m: Json) => m.email)).toContain('auto@acme.test');
  });
});
