/**
 * SCIM writes become the access model in the same transaction: the documented Entra and Okta
 * flows leave exactly the expected members, groups and effective access behind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as groupsAdmin from '../../src/directory/access/groups.service.js';
import * as membersAdmin from '../../src/directory/access/members.service.js';
import type { AdminContext } from '../../src/directory/access/types.js';
import { DEFAULT_ORGANIZATION_ID } from '../../src/store/connections.repo.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

let h: Harness;
let admin: AdminContext;
beforeEach(async () => {
  h = await createHarness();
  admin = { db: h.db, organizationId: DEFAULT_ORGANIZATION_ID };
});
afterEach(() => h.close());

async function pushUser(token: string, userName: string, email = userName, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.request('POST', '/scim/v2/Users', {
    token,
    body: {
      schemas: [USER],
      userName,
      name: { givenName: 'Ana', familyName: 'Lima' },
      emails: [{ primary: true, type: 'work', value: email }],
      active: true,
      ...extra,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function pushGroup(token: string, displayName: string, memberIds: string[] = []): Promise<string> {
  const res = await h.request('POST', '/scim/v2/Groups', {
    token,
    body: { displayName, members: memberIds.map((value) => ({ value })) },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

const patch = (token: string, path: string, Operations: unknown[]) =>
  h.request('PATCH', path, { token, body: { schemas: [PATCH_OP], Operations } });

describe('Entra flow → access model', () => {
  it('create, group push, member add and remove, disable, delete', async () => {
    const t = h.tokens.azure;
    const ana = await pushUser(t, 'ana@contoso.com');
    const bob = await pushUser(t, 'bob@contoso.com');

    // Members exist with the SCIM ids as userId, active, role MEMBER, pushed by azure-ad.
    expect(membersAdmin.listMembers(admin, { includeDisabled: true })).toMatchObject([
      { userId: ana, email: 'ana@contoso.com', role: 'MEMBER', status: 'active', scimSources: ['azure-ad'] },
      { userId: bob, email: 'bob@contoso.com', status: 'active' },
    ]);

    // Entra creates groups empty and adds members by PATCH.
    const eng = await pushGroup(t, 'Engineering');
    expect(
      (await patch(t, `/scim/v2/Groups/${eng}`, [{ op: 'Add', path: 'members', value: [{ value: ana }, { value: bob }] }])).status,
    ).toBe(204);
    const group = groupsAdmin.getGroup(admin, eng);
    expect(group).toMatchObject({ id: eng, name: 'Engineering', scimSource: 'azure-ad', memberCount: 2 });
    expect(group.members.map((m) => m.userId).sort()).toEqual([ana, bob].sort());

    // An admin binds a role on the IdP-owned group: Ana reaches the team through it.
    groupsAdmin.addBinding(admin, eng, { role: 'MEMBER', scopeType: 'TEAM', scopeId: 'team-x' });
    expect(membersAdmin.getAccess(admin, ana).effective).toEqual([
      expect.objectContaining({
        scopeType: 'TEAM',
        scopeId: 'team-x',
        role: 'MEMBER',
        sources: [expect.objectContaining({ via: 'group', groupId: eng, scimSource: 'azure-ad' })],
      }),
    ]);

    // Removal in the default (non-flag) form, then the flag form.
    await patch(t, `/scim/v2/Groups/${eng}`, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: bob }] }]);
    await patch(t, `/scim/v2/Groups/${eng}`, [{ op: 'remove', path: `members[value eq "${ana}"]` }]);
    expect(groupsAdmin.getGroup(admin, eng).members).toEqual([]);
    expect(membersAdmin.getAccess(admin, ana).effective).toEqual([]);

    // Rename follows.
    await patch(t, `/scim/v2/Groups/${eng}`, [{ op: 'Replace', path: 'displayName', value: 'Platform' }]);
    expect(groupsAdmin.getGroup(admin, eng).name).toBe('Platform');

    // Disable ("False" string) disables the member; re-enable enables.
    await patch(t, `/scim/v2/Users/${ana}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(membersAdmin.getMember(admin, ana)).toMatchObject({ status: 'disabled', disabledBy: ['idp'] });
    expect(membersAdmin.listMembers(admin, { includeDisabled: false }).map((m) => m.userId)).toEqual([bob]);
    await patch(t, `/scim/v2/Users/${ana}`, [{ op: 'Replace', path: 'active', value: 'True' }]);
    expect(membersAdmin.getMember(admin, ana).status).toBe('active');

    // Delete removes the member with memberships and grants; deleting the group removes it.
    await patch(t, `/scim/v2/Groups/${eng}`, [{ op: 'add', path: 'members', value: [{ value: bob }] }]);
    expect((await h.request('DELETE', `/scim/v2/Users/${bob}`, { token: t })).status).toBe(204);
    expect(() => membersAdmin.getMember(admin, bob)).toThrow(/not found/);
    expect(groupsAdmin.getGroup(admin, eng).memberCount).toBe(0);
    expect((await h.request('DELETE', `/scim/v2/Groups/${eng}`, { token: t })).status).toBe(204);
    expect(() => groupsAdmin.getGroup(admin, eng)).toThrow(/not found/);
  });
});

describe('Okta flow → access model', () => {
  it('create, PUT update, path-less deactivate, group push with members, rename with id, remove+add, full replace', async () => {
    const t = h.tokens.okta;
    const ana = await pushUser(t, 'ana@okta.local');
    const bob = await pushUser(t, 'bob@okta.local');
    const put = await h.request('PUT', `/scim/v2/Users/${ana}`, {
      token: t,
      body: {
        schemas: [USER],
        id: ana,
        userName: 'ana@okta.local',
        displayName: 'Ana Maria',
        emails: [{ primary: true, value: 'ana@okta.local', type: 'work' }],
        active: true,
        groups: [],
        meta: { resourceType: 'User' },
      },
    });
    expect(put.status).toBe(200);
    expect(membersAdmin.getMember(admin, ana).name).toBe('Ana Maria');

    const g = await pushGroup(t, 'Test SCIMv2', [ana]);
    expect(groupsAdmin.getGroup(admin, g)).toMatchObject({ scimSource: 'okta', memberCount: 1 });
    await patch(t, `/scim/v2/Groups/${g}`, [{ op: 'replace', value: { id: g, displayName: 'Test SCIMv2 renamed' } }]);
    await patch(t, `/scim/v2/Groups/${g}`, [
      { op: 'remove', path: `members[value eq "${ana}"]` },
      { op: 'add', path: 'members', value: [{ value: bob, display: 'bob@okta.local' }] },
    ]);
    expect(groupsAdmin.getGroup(admin, g)).toMatchObject({
      name: 'Test SCIMv2 renamed',
      members: [expect.objectContaining({ userId: bob })],
    });
    await patch(t, `/scim/v2/Groups/${g}`, [{ op: 'replace', path: 'members', value: [{ value: ana }] }]);
    expect(groupsAdmin.getGroup(admin, g).members.map((m) => m.userId)).toEqual([ana]);

    await patch(t, `/scim/v2/Users/${ana}`, [{ op: 'replace', value: { active: false } }]);
    expect(membersAdmin.getMember(admin, ana).status).toBe('disabled');
  });
});

describe('one person, two IdPs', () => {
  it('the same primary email pushed by Okta and Entra is one member; it stays until both let go', async () => {
    const fromOkta = await pushUser(h.tokens.okta, 'ana@example.com');
    const fromEntra = await pushUser(h.tokens.azure, 'ana.lima@example.onmicrosoft.com', 'ANA@example.com');
    const all = membersAdmin.listMembers(admin, { includeDisabled: true });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ userId: fromOkta, scimSources: ['azure-ad', 'okta'] });

    // Groups of both IdPs hold the one member.
    const oktaGroup = await pushGroup(h.tokens.okta, 'Sales', [fromOkta]);
    const entraGroup = await pushGroup(h.tokens.azure, 'Sales', [fromEntra]);
    expect(
      membersAdmin
        .getAccess(admin, fromOkta)
        .groups.map((g) => [g.id, g.scimSource])
        .sort(),
    ).toEqual(
      [
        [oktaGroup, 'okta'],
        [entraGroup, 'azure-ad'],
      ].sort(),
    );

    // Okta deactivates during the move: Entra still has them active, so the member stays active.
    await patch(h.tokens.okta, `/scim/v2/Users/${fromOkta}`, [{ op: 'replace', value: { active: false } }]);
    expect(membersAdmin.getMember(admin, fromOkta).status).toBe('active');

    // Okta's identity is deleted: its group membership goes, the member and Entra's stay.
    await h.request('DELETE', `/scim/v2/Users/${fromOkta}`, { token: h.tokens.okta });
    const access = membersAdmin.getAccess(admin, fromOkta);
    expect(access.groups.map((g) => g.id)).toEqual([entraGroup]);
    expect(membersAdmin.getMember(admin, fromOkta).scimSources).toEqual(['azure-ad']);

    // Entra's deletion takes the member.
    await h.request('DELETE', `/scim/v2/Users/${fromEntra}`, { token: h.tokens.azure });
    expect(membersAdmin.listMembers(admin, { includeDisabled: true })).toEqual([]);
  });

  it('an invited member whose email an IdP then pushes becomes IdP-managed, keeping their id and role', async () => {
    const { invites } = membersAdmin.createInvites(admin, [{ email: 'ana@example.com', role: 'ADMIN' }]);
    const invited = invites[0]!.id;
    await pushUser(h.tokens.okta, 'ana@example.com');
    expect(membersAdmin.listMembers(admin, { includeDisabled: true })).toMatchObject([
      { userId: invited, role: 'ADMIN', scimSources: ['okta'] },
    ]);
  });
});

describe("an admin's lock-out outlives IdP pushes", () => {
  it('a later activation by the IdP does not re-enable the member, and the conflict is recorded', async () => {
    const ana = await pushUser(h.tokens.okta, 'ana@example.com');
    membersAdmin.updateMember(admin, ana, { disabled: true });
    await patch(h.tokens.okta, `/scim/v2/Users/${ana}`, [{ op: 'replace', value: { active: false } }]);
    await patch(h.tokens.okta, `/scim/v2/Users/${ana}`, [{ op: 'replace', value: { active: true } }]);
    expect(membersAdmin.getMember(admin, ana)).toMatchObject({ status: 'disabled', disabledBy: ['admin'] });
    const conflicts = h.db.prepare('SELECT kind, detail FROM member_conflicts WHERE member_id = ?').all(ana) as {
      kind: string;
      detail: string;
    }[];
    expect(conflicts).toEqual([{ kind: 'admin_disabled_kept', detail: expect.stringContaining('Okta activated this person') }]);
  });
});

describe('two IdPs in one organization', () => {
  it('each IdP has its own groups, with the same names allowed, invisible to the other connection', async () => {
    const a = await pushGroup(h.tokens.okta, 'Admins');
    const b = await pushGroup(h.tokens.azure, 'Admins');
    const list = groupsAdmin.listGroups(admin, { page: 1, limit: 50 }).data;
    expect(list.map((g) => [g.id, g.scimSource])).toEqual([
      [a, 'okta'],
      [b, 'azure-ad'],
    ]);
    expect(list[0]!.slug).not.toBe(list[1]!.slug);
    expect((await h.request('GET', `/scim/v2/Groups/${a}`, { token: h.tokens.azure })).status).toBe(404);
    // A group made by an admin is invisible to every SCIM connection.
    const manual = groupsAdmin.createGroup(admin, { name: 'Manual' });
    expect((await h.request('GET', `/scim/v2/Groups/${manual.id}`, { token: h.tokens.okta })).status).toBe(404);
    expect((await h.request('GET', '/scim/v2/Groups', { token: h.tokens.okta })).body.totalResults).toBe(1);
  });
});

describe('effective access', () => {
  it('highest built-in role wins per scope, custom roles are listed beside it, and the org ADMIN role counts', async () => {
    const ana = await pushUser(h.tokens.okta, 'ana@example.com');
    const viewers = await pushGroup(h.tokens.okta, 'Viewers', [ana]);
    const editors = await pushGroup(h.tokens.okta, 'Editors', [ana]);
    groupsAdmin.addBinding(admin, viewers, { role: 'VIEWER', scopeType: 'TEAM', scopeId: 't1' });
    groupsAdmin.addBinding(admin, editors, { role: 'MEMBER', scopeType: 'TEAM', scopeId: 't1' });
    groupsAdmin.addBinding(admin, editors, { role: 'CUSTOM', customRoleId: 'annotator', scopeType: 'TEAM', scopeId: 't1' });
    membersAdmin.updateMember(admin, ana, { role: 'ADMIN' });
    const effective = membersAdmin.getAccess(admin, ana).effective;
    expect(effective.map((e) => [e.scopeType, e.scopeId, e.role, e.customRoleIds])).toEqual([
      ['ORGANIZATION', DEFAULT_ORGANIZATION_ID, 'ADMIN', []],
      ['TEAM', 't1', 'MEMBER', ['annotator']],
    ]);
    expect(effective[1]!.sources.map((s) => [s.role, s.groupName])).toEqual([
      ['MEMBER', 'Editors'],
      ['VIEWER', 'Viewers'],
      ['CUSTOM', 'Editors'],
    ]);
    expect(membersAdmin.getMember(admin, ana).teams).toEqual([
      { teamId: 't1', role: 'MEMBER', customRoleId: null },
      { teamId: 't1', role: 'CUSTOM', customRoleId: 'annotator' },
    ]);
  });
});
