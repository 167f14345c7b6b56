/**
 * Recorded pairs for LangWatch's organization members and invites (TARGETS.md §A3), written
 * from langwatch/langwatch's own integration tests and docs. The source suite acts with the
 * admin's personal key (`seeded.adminToken`); rows act with the manage service key unless the
 * self guards are the point, where `given` makes a personal key.
 */
import { expect } from 'vitest';
import type { Given, Row } from './langwatch-recorded-types.js';

const MEMBERS = 'platform/app/src/app/api/organization/__tests__/organization-members-rest-api.integration.test.ts';
const within = (g: Given) => g.org.teams[0]!.id;
const inviteBody = (email: string, teamId: string) => ({ invites: [{ email, role: 'MEMBER', teams: [{ teamId, role: 'MEMBER' }] }] });

export const ORGANIZATION_ROWS: Row[] = [
  // ---- organization members --------------------------------------------------------------
  {
    source: `${MEMBERS} › lists active members with role and status, and disabled ones only on request`,
    given: async (g) => ({
      active: await g.member('list-active@example.com', { name: 'List Active' }),
      disabled: await g.member('list-disabled@example.com', { disabled: true }),
    }),
    request: { method: 'GET', path: '/api/organization/members', as: 'manage' },
    expect: {
      status: 200,
      bodyOf: (v) => ({
        members: expect.arrayContaining([
          expect.objectContaining({
            userId: v.active,
            role: 'MEMBER',
            disabled: false,
            user: expect.objectContaining({ id: v.active, email: 'list-active@example.com' }),
          }),
        ]),
      }),
    },
    after: async (g, v, reply) => {
      expect(reply.body.members.find((m: { userId: string }) => m.userId === v.disabled)).toBeUndefined();
      const all = await g.rest('GET', '/api/organization/members?includeDisabled=true');
      expect(all.body.members.find((m: { userId: string }) => m.userId === v.disabled)).toMatchObject({ disabled: true });
    },
  },
  {
    source: `${MEMBERS} › returns the member's teams with the role held on each`,
    given: async (g) => {
      const teamB = await g.team('Team B');
      const id = await g.member('two-teams@example.com', {
        bindings: [
          { role: 'MEMBER', scopeType: 'TEAM', scopeId: within(g) },
          { role: 'ADMIN', scopeType: 'TEAM', scopeId: teamB },
        ],
      });
      return { id, teamA: within(g), teamB };
    },
    request: { method: 'GET', path: (v) => `/api/organization/members/${v.id}`, as: 'manage' },
    expect: {
      status: 200,
      bodyOf: (v) => ({
        userId: v.id,
        teams: expect.arrayContaining([
          expect.objectContaining({ teamId: v.teamA, role: 'MEMBER' }),
          expect.objectContaining({ teamId: v.teamB, role: 'ADMIN' }),
        ]),
      }),
    },
  },
  {
    source: `${MEMBERS} › changes the organization role and reads it back`,
    given: async (g) => ({ id: await g.member('promote@example.com') }),
    request: { method: 'PATCH', path: (v) => `/api/organization/members/${v.id}`, as: 'manage', body: { role: 'ADMIN' } },
    expect: { status: 200, body: { role: 'ADMIN' } },
    after: async (g, v) => expect((await g.rest('GET', `/api/organization/members/${v.id}`)).body.role).toBe('ADMIN'),
  },
  {
    source: `${MEMBERS} › disables the member and revokes their organization role`,
    given: async (g) => ({ id: await g.member('disable@example.com') }),
    request: { method: 'PATCH', path: (v) => `/api/organization/members/${v.id}`, as: 'manage', body: { disabled: true } },
    expect: { status: 200, body: { disabled: true } },
  },
  {
    source: `${MEMBERS} › refuses re-enabling past the seat limit and keeps the member disabled`,
    given: async (g) => {
      const id = await g.member('reenable@example.com', { disabled: true });
      await g.settings({ seatLimit: (await g.state()).organizations[0].seatsUsed });
      return { id };
    },
    request: { method: 'PATCH', path: (v) => `/api/organization/members/${v.id}`, as: 'manage', body: { disabled: false } },
    expect: { status: 403, body: { code: 'member_seat_limit_reached', meta: { limitType: 'members' } } },
    after: async (g, v) =>
      expect((await g.state()).organizations[0].members.find((m: { userId: string }) => m.userId === v.id).disabled).toBe(true),
  },
  {
    source: `${MEMBERS} › refuses the acting member disabling their own membership`,
    given: async (g) => ({ key: await g.personalKey(g.org.admin.userId), id: g.org.admin.userId }),
    request: { method: 'PATCH', path: (v) => `/api/organization/members/${v.id}`, as: { var: 'key' }, body: { disabled: true } },
    expect: { status: 400, body: { code: 'cannot_disable_self' } },
  },
  {
    source: `${MEMBERS} › removes the member, after which they read as not found`,
    given: async (g) => ({ id: await g.member('remove@example.com') }),
    request: { method: 'DELETE', path: (v) => `/api/organization/members/${v.id}`, as: 'manage' },
    expect: { status: 200, body: { success: true } },
    after: async (g, v) => {
      const back = await g.rest('GET', `/api/organization/members/${v.id}`);
      expect(back.status).toBe(404);
      expect(back.body.code).toBe('member_not_found');
    },
  },
  {
    source: `${MEMBERS} › refuses the acting member removing their own membership`,
    given: async (g) => ({ key: await g.personalKey(g.org.admin.userId), id: g.org.admin.userId }),
    request: { method: 'DELETE', path: (v) => `/api/organization/members/${v.id}`, as: { var: 'key' } },
    expect: { status: 400, body: { code: 'cannot_remove_self' } },
  },
  {
    source: `${MEMBERS} › refuses removing the last active admin, keeping someone who can sign in`,
    given: (g) => ({ id: g.org.admin.userId }),
    request: { method: 'DELETE', path: (v) => `/api/organization/members/${v.id}`, as: 'manage' },
    expect: { status: 400, body: { code: 'cannot_remove_last_admin' } },
  },
  {
    source: `${MEMBERS} › reports organization, team and project access with its origin`,
    given: async (g) => {
      const team = g.org.teams[0]!;
      const id = await g.member('breakdown@example.com', {
        bindings: [
          { role: 'MEMBER', scopeType: 'ORGANIZATION', scopeId: g.org.organizationId },
          { role: 'MEMBER', scopeType: 'TEAM', scopeId: team.id },
          { role: 'VIEWER', scopeType: 'PROJECT', scopeId: team.projects[0]!.id },
        ],
      });
      return { id, team: team.id, teamName: team.name };
    },
    request: { method: 'GET', path: (v) => `/api/organization/members/${v.id}/access`, as: 'manage' },
    expect: {
      status: 200,
      bodyOf: (v) => ({
        user: { id: v.id, orgRole: 'MEMBER', orgRolePermissions: expect.arrayContaining(['organization:view']) },
        directBindings: expect.arrayContaining([
          expect.objectContaining({ scopeType: 'ORGANIZATION', permissions: expect.any(Array) }),
          expect.objectContaining({ scopeType: 'TEAM', scopeId: v.team, scopeName: v.teamName }),
          expect.objectContaining({ scopeType: 'PROJECT', permissions: expect.any(Array) }),
        ]),
      }),
    },
  },
  {
    source:
      'docs/api-reference/members/overview.mdx › "A PATCH carries exactly one of role or disabled. Sending both, or neither, is a validation_error"',
    given: async (g) => ({ id: await g.member('both@example.com') }),
    request: { method: 'PATCH', path: (v) => `/api/organization/members/${v.id}`, as: 'manage', body: { role: 'ADMIN', disabled: true } },
    expect: { status: 422, body: { code: 'validation_error', reasons: [{ code: 'schema_failure' }] } },
  },
  {
    source: 'docs/api-reference/members/overview.mdx › "The last active administrator cannot be disabled, demoted, or removed"',
    given: (g) => ({ id: g.org.admin.userId }),
    request: { method: 'PATCH', path: (v) => `/api/organization/members/${v.id}`, as: 'manage', body: { role: 'MEMBER' } },
    expect: { status: 400, body: { code: 'cannot_demote_last_admin', error: 'Bad Request' } },
  },
  {
    source: 'platform/app/src/app/api/organization/[[...route]]/wire.ts listMembersQuerySchema (TARGETS §A3: limit 1..200)',
    request: { method: 'GET', path: '/api/organization/members?limit=201', as: 'manage' },
    expect: { status: 422, body: { code: 'validation_error', reasons: [{ meta: { field: 'limit' } }] } },
  },
  {
    source:
      'packages/api/src/__tests__/builder.unit.test.ts › sets X-API-Version and X-API-Version-Status headers (organization family, dated mount)',
    request: { method: 'GET', path: '/api/organization/2026-08-07/members', as: 'manage' },
    expect: { status: 200, headers: { 'x-api-version': '2026-08-07', 'x-api-version-status': 'stable' }, body: { totalCount: 1 } },
  },
  {
    source: 'packages/api/src/errors.ts finalizeErrorResponse (TARGETS §A0: no `error` on a versioned path)',
    request: { method: 'GET', path: '/api/organization/latest/members/nobody', as: 'manage' },
    expect: {
      status: 404,
      headers: { 'x-api-version-status': 'latest' },
      body: { code: 'member_not_found', message: 'member_not_found', kind: 'member_not_found', type: 'member_not_found' },
      absent: ['error'],
    },
  },
  // ---- invites --------------------------------------------------------------------------
  {
    source: `${MEMBERS} › lists a pending invite with its email, role, code and link`,
    given: async (g) => ({ email: (await g.invite('invitee-list@example.com')).email }),
    request: { method: 'GET', path: '/api/organization/invites', as: 'manage' },
    expect: {
      status: 200,
      body: { invites: [{ email: 'invitee-list@example.com', role: 'MEMBER', status: 'PENDING', inviteCode: expect.any(String) }] },
    },
    after: (_g, _v, reply) => expect(reply.body.invites[0].inviteUrl).toContain(reply.body.invites[0].inviteCode),
  },
  {
    // The source suite also expects emailNotSent false (its mailer is mocked); the stand-in has no email provider, so it is true.
    source: `${MEMBERS} › creates a batch with a custom-role team assignment and reports email delivery`,
    given: (g) => ({ team: within(g), role: g.org.customRoles[0]!.id }),
    request: {
      method: 'POST',
      path: '/api/organization/invites',
      as: 'manage',
      bodyOf: (v) => ({
        invites: ['invitee-custom-1@example.com', 'invitee-custom-2@example.com'].map((email) => ({
          email,
          role: 'MEMBER',
          teams: [{ teamId: v.team, role: 'CUSTOM', customRoleId: v.role }],
        })),
      }),
    },
    expect: {
      status: 201,
      bodyOf: (v) => ({
        invites: [
          { teams: [{ teamId: v.team, role: 'CUSTOM', customRoleId: v.role }] },
          { teams: [{ teamId: v.team, role: 'CUSTOM', customRoleId: v.role }] },
        ],
      }),
    },
  },
  {
    source: `${MEMBERS} › refuses an address that already belongs to a member and writes nothing`,
    given: (g) => ({ team: within(g), email: g.org.admin.email }),
    request: { method: 'POST', path: '/api/organization/invites', as: 'manage', bodyOf: (v) => inviteBody(v.email!, v.team!) },
    expect: { status: 409, bodyOf: (v) => ({ code: 'already_organization_member', meta: { email: v.email } }) },
    after: async (g) => expect((await g.state()).organizations[0].invites).toEqual([]),
  },
  {
    source: `${MEMBERS} › refuses a second pending invite for the same address`,
    given: async (g) => ({ team: within(g), first: (await g.invite('invitee-dup@example.com')).id }),
    request: {
      method: 'POST',
      path: '/api/organization/invites',
      as: 'manage',
      bodyOf: (v) => inviteBody('invitee-dup@example.com', v.team!),
    },
    expect: { status: 409, body: { code: 'duplicate_invite', meta: { email: 'invitee-dup@example.com' } } },
    after: async (g) => expect((await g.state()).organizations[0].invites).toHaveLength(1),
  },
  {
    source: `${MEMBERS} › refuses a batch that would exceed the seats and creates none of it`,
    given: async (g) => {
      await g.settings({ seatLimit: (await g.state()).organizations[0].seatsUsed + 1 });
      return { team: within(g) };
    },
    request: {
      method: 'POST',
      path: '/api/organization/invites',
      as: 'manage',
      bodyOf: (v) => ({
        invites: [1, 2, 3].map((i) => ({
          email: `invitee-over-${i}@example.com`,
          role: 'MEMBER',
          teams: [{ teamId: v.team, role: 'MEMBER' }],
        })),
      }),
    },
    expect: { status: 403, body: { code: 'member_seat_limit_reached' } },
    after: async (g) => expect((await g.state()).organizations[0].invites).toEqual([]),
  },
  {
    source: `${MEMBERS} › revokes an invite, removes it from the list, and 404s a second revoke`,
    given: async (g) => ({ id: (await g.invite('invitee-revoke@example.com')).id }),
    request: { method: 'DELETE', path: (v) => `/api/organization/invites/${v.id}`, as: 'manage' },
    expect: { status: 200, body: { success: true } },
    after: async (g, v) => {
      expect((await g.rest('GET', '/api/organization/invites')).body.invites).toEqual([]);
      const again = await g.rest('DELETE', `/api/organization/invites/${v.id}`);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('invite_not_found');
    },
  },
  {
    source: 'platform/app/src/app/api/organization/[[...route]]/wire.ts createInvitesSchema (TARGETS §A3: teams needs at least 1 entry)',
    request: {
      method: 'POST',
      path: '/api/organization/invites',
      as: 'manage',
      body: { invites: [{ email: 'no-team@example.com', role: 'MEMBER', teams: [] }] },
    },
    expect: { status: 422, body: { code: 'validation_error', reasons: [{ code: 'schema_failure', meta: { field: 'invites.0.teams' } }] } },
  },
  {
    source: 'docs/api-reference/invites/overview.mdx › "The acceptance link is part of the response"',
    given: (g) => ({ team: within(g) }),
    request: { method: 'POST', path: '/api/organization/invites', as: 'manage', bodyOf: (v) => inviteBody('link@example.com', v.team!) },
    expect: {
      status: 201,
      bodyOf: (v) => ({
        invites: [
          {
            inviteUrl: expect.stringContaining('/invite/accept?inviteCode='),
            teams: [{ teamId: v.team, role: 'MEMBER', customRoleId: null }],
          },
        ],
      }),
    },
  },
  {
    source:
      'platform/app/src/server/invites/invite.service.ts INVITE_EXPIRATION_MS + listInvites (TARGETS §A3: an expired invite drops out)',
    given: async (g) => {
      await g.invite('expired@example.com');
      await g.advanceClock(48 * 3_600_000);
    },
    request: { method: 'GET', path: '/api/organization/invites', as: 'manage' },
    expect: { status: 200, body: { invites: [] } },
  },
];
