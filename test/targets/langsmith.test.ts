/**
 * The LangSmith target (src/targets/langsmith/) against a really started LangSmith stand-in
 * (fakes/langsmith): invites with the right organization role, convention and bindings
 * mapping, access recomputed when groups change, removal and re-invitation (pending invites
 * revoked with S8), protected members, missing workspaces, drift repair, crash safety of
 * invites and pending invites. Everything is checked through the stand-in's own view
 * (`GET /_fake/state`). The writes themselves (request bodies, read-back, "look again") are in
 * langsmith-writes.test.ts; malformed answers in langsmith-answers.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLangSmithFake, type RunningLangSmithFake } from '../../fakes/langsmith/server.js';
import { NotYet } from '../../src/targets/errors.js';
import {
  binding,
  control,
  createWorkspace,
  customRole,
  group,
  http,
  invitesSent,
  member,
  memberOf,
  MemoryIo,
  orgState,
  rejection,
  startProxy,
  target,
  useFake,
  workspacesOf,
  type Json,
} from './langsmith.helpers.js';

let fake: RunningLangSmithFake;

beforeAll(async () => {
  fake = await startLangSmithFake({ port: 0, host: '127.0.0.1' });
  useFake(fake);
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  expect((await control('POST', '/reset')).status).toBe(200);
  // Tests that need a pending invite switch this off themselves.
  expect((await control('PATCH', '/settings', { autoAcceptInvites: true })).status).toBe(200);
});
afterEach(async () => {
  // Nothing the target sent was refused as malformed (forbidden fields, bad ids, missing fields).
  const { body } = await control('GET', '/requests?log=false');
  expect(body.byStatus).not.toHaveProperty('422');
});

// ---- tests -----------------------------------------------------------------------------------

describe('LangSmith target', () => {
  it('checks credentials with GET roles; a wrong key is a permanent failure', async () => {
    await expect(target().checkCredentials(http())).resolves.toBeUndefined();
    const err = await rejection(target().checkCredentials(http('lsv2_pt_wrong')));
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(401);
  });

  it('invites people with the organization role their role and groups give, and saves the identity id', async () => {
    const t = target();
    const io = new MemoryIo(http());
    await t.syncMember(member(), io);
    await t.syncMember(member({ memberId: 'm-root', email: 'root@example.com', role: 'ADMIN' }), io);
    await t.syncMember(member({ memberId: 'm-grace', email: 'grace@example.com', groups: [group('LS:Organization Admins')] }), io);
    await t.syncMember(member({ memberId: 'm-alan', email: 'alan@example.com', groups: [group('LS:Organization Admin')] }), io);

    const ada = await memberOf('ada@example.com');
    expect(ada.roleName).toBe('Organization User');
    expect(ada.workspaces).toEqual([]);
    expect(io.remoteId('member', 'm-ada')).toBe(ada.identityId);
    for (const email of ['root@example.com', 'grace@example.com', 'alan@example.com']) {
      expect((await memberOf(email)).roleName).toBe('Organization Admin');
      expect(await workspacesOf(email)).toEqual({ Default: 'Admin' });
    }
    expect(io.drifts).toEqual([]);
  });

  it('convention: workspace groups give their role; Organization Admin first, then the newest group', async () => {
    await createWorkspace('Production');
    await createWorkspace('Staging');
    await customRole('Annotators');
    const t = target();
    const io = new MemoryIo(http());
    const viewer = group('LS:Organization User:Production:Viewer', '2024-01-01T00:00:00Z');
    const annotators = group('LS:Organization User:Production:Annotators', '2024-06-01T00:00:00Z');
    const staging = group('LS:Organization User:Staging:Editor', '2024-02-01T00:00:00Z');
    const unprefixed = group('Organization User:Default:Admin', '2025-01-01T00:00:00Z');
    const other = group('Engineering', '2025-01-01T00:00:00Z');
    const groups = [viewer, annotators, staging, unprefixed, other];

    await t.syncMember(member({ groups }), io);
    expect((await memberOf('ada@example.com')).roleName).toBe('Organization User');
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Annotators', Staging: 'Editor' });

    // The most recently created group wins even with the lower role.
    const newerViewer = { ...viewer, createdAt: '2024-09-01T00:00:00Z' };
    await t.syncMember(member({ groups: [newerViewer, annotators, staging] }), io);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Viewer', Staging: 'Editor' });

    // An Organization Admin group beats every workspace group: Admin everywhere.
    const admins = group('LS:Organization Admin', '2020-01-01T00:00:00Z');
    await t.syncMember(member({ groups: [newerViewer, annotators, staging, admins] }), io);
    expect((await memberOf('ada@example.com')).roleName).toBe('Organization Admin');
    expect(await workspacesOf('ada@example.com')).toEqual({ Default: 'Admin', Production: 'Admin', Staging: 'Admin' });

    // Out of the admin group: back to what the workspace groups give, and out of Default.
    await t.syncMember(member({ groups: [newerViewer, annotators, staging] }), io);
    expect((await memberOf('ada@example.com')).roleName).toBe('Organization User');
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Viewer', Staging: 'Editor' });
    // These were the bridge's own changes, not drift.
    expect(io.drifts).toEqual([]);
  });

  it('convention: an unknown workspace role is a permanent error naming the group', async () => {
    const err = await rejection(
      target().syncMember(member({ groups: [group('LS:Organization User:Default:Wizard')] }), new MemoryIo(http())),
    );
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('Wizard');
    expect(err.message).toContain('LS:Organization User:Default:Wizard');
    expect(await memberOf('ada@example.com')).toBeUndefined();
  });

  it('bindings: TEAM/PROJECT by workspace id or name, highest role wins, CUSTOM by role id, ORGANIZATION ADMIN → Organization Admin', async () => {
    const production = await createWorkspace('Production');
    await createWorkspace('Staging');
    const annotators = await customRole('Annotators');
    const t = target({ mapping: 'bindings' });
    const io = new MemoryIo(http());
    const groups = [
      group('Readers', '2024-05-01T00:00:00Z', [binding('VIEWER', 'TEAM', production)]),
      group('Builders', '2024-01-01T00:00:00Z', [binding('MEMBER', 'PROJECT', 'Staging'), binding('MEMBER', 'TEAM', production)]),
      group('Labelers', '2024-01-01T00:00:00Z', [binding('CUSTOM', 'TEAM', 'Default', annotators)]),
    ];
    await t.syncMember(member({ groups }), io);
    expect((await memberOf('ada@example.com')).roleName).toBe('Organization User');
    expect(await workspacesOf('ada@example.com')).toEqual({ Default: 'Annotators', Production: 'Editor', Staging: 'Editor' });

    await t.syncMember(
      member({ groups: [...groups, group('Admins', '2020-01-01T00:00:00Z', [binding('ADMIN', 'ORGANIZATION', 'local-org')])] }),
      io,
    );
    expect((await memberOf('ada@example.com')).roleName).toBe('Organization Admin');
    expect(await workspacesOf('ada@example.com')).toEqual({ Default: 'Admin', Production: 'Admin', Staging: 'Admin' });

    // An ORGANIZATION-scoped VIEWER binding is Viewer in every workspace.
    await t.syncMember(
      member({
        memberId: 'm-eve',
        email: 'eve@example.com',
        groups: [group('Everyone', '2024-01-01T00:00:00Z', [binding('VIEWER', 'ORGANIZATION', 'local-org')])],
      }),
      io,
    );
    expect((await memberOf('eve@example.com')).roleName).toBe('Organization User');
    expect(await workspacesOf('eve@example.com')).toEqual({ Default: 'Viewer', Production: 'Viewer', Staging: 'Viewer' });
    expect(io.drifts).toEqual([]);
  });

  it('leaving a group recomputes access: the role drops, or the membership goes', async () => {
    await createWorkspace('Production');
    await createWorkspace('Staging');
    const t = target();
    const io = new MemoryIo(http());
    const editors = group('LS:Organization User:Production:Editor', '2024-06-01T00:00:00Z');
    const viewers = group('LS:Organization User:Production:Viewer', '2024-01-01T00:00:00Z');
    const staging = group('LS:Organization User:Staging:Editor', '2024-01-01T00:00:00Z');
    await t.syncMember(member({ groups: [editors, viewers, staging] }), io);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Editor', Staging: 'Editor' });

    await t.syncMember(member({ groups: [viewers, staging] }), io);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Viewer', Staging: 'Editor' });

    await t.syncMember(member({ groups: [viewers] }), io);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Viewer' });

    await t.syncMember(member({ groups: [] }), io);
    expect(await workspacesOf('ada@example.com')).toEqual({});
    expect((await memberOf('ada@example.com')).roleName).toBe('Organization User');
    expect(io.drifts).toEqual([]);
  });

  it('disabled → removed from the organization; re-enabled → invited again with its workspaces', async () => {
    await createWorkspace('Production');
    const t = target();
    const io = new MemoryIo(http());
    const groups = [group('LS:Organization User:Production:Editor')];
    await t.syncMember(member({ groups }), io);
    const first = (await memberOf('ada@example.com')).identityId;
    io.confirmedState = { email: 'ada@example.com', role: 'MEMBER', disabled: false };

    await t.syncMember(member({ groups, disabled: true }), io);
    expect(await memberOf('ada@example.com')).toBeUndefined();
    expect((await orgState()).workspaces.find((w: Json) => w.displayName === 'Production').members.map((m: Json) => m.email)).not.toContain(
      'ada@example.com',
    );
    expect(io.remoteId('member', 'm-ada')).toBeNull();
    // Disabled again: nothing left to do, nothing sent but the look-up.
    await t.syncMember(member({ groups, disabled: true }), io);

    await t.syncMember(member({ groups }), io);
    const again = await memberOf('ada@example.com');
    expect(again.roleName).toBe('Organization User');
    expect(again.identityId).not.toBe(first);
    expect(io.remoteId('member', 'm-ada')).toBe(again.identityId);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Editor' });
    expect(io.drifts).toEqual([]);
  });

  it('a disabled member with a pending invite has the invite revoked with S8', async () => {
    await control('PATCH', '/settings', { autoAcceptInvites: false });
    const proxy = await startProxy();
    try {
      const t = target();
      const io = new MemoryIo(http(undefined, proxy.url));
      await expect(t.syncMember(member(), io)).rejects.toBeInstanceOf(NotYet);
      const [invite] = (await orgState()).pending;
      expect(invite.email).toBe('ada@example.com');
      await t.syncMember(member({ disabled: true }), io);
      expect((await orgState()).pending).toEqual([]);
      const deletes = proxy.seen.filter((r) => r.method === 'DELETE').map((r) => r.path);
      // The pending identity's own id, on the /pending path; no org member was deleted.
      expect(deletes).toEqual([`/api/v1/orgs/current/members/${invite.id}/pending`]);
      expect(io.remoteId('langsmith-access', 'm-ada')).toBeNull();
    } finally {
      await proxy.close();
    }
  });

  it('deleted → removed; a protected member is never removed nor lowered', async () => {
    await createWorkspace('Production');
    const t = target();
    const io = new MemoryIo(http());
    const groups = [group('LS:Organization User:Production:Editor')];
    await t.syncMember(member({ groups }), io);
    await t.syncMember(member({ memberId: 'm-bg', email: 'breakglass@example.com', groups, protected: true }), io);

    await t.syncMember(member({ exists: false, disabled: true, groups: [] }), io);
    expect(await memberOf('ada@example.com')).toBeUndefined();
    expect(io.remoteId('member', 'm-ada')).toBeNull();

    const bg = { memberId: 'm-bg', email: 'breakglass@example.com', protected: true } as const;
    await t.syncMember(member({ ...bg, groups, disabled: true }), io);
    await t.syncMember(member({ ...bg, groups: [] }), io);
    await t.syncMember(member({ ...bg, exists: false, disabled: true, groups: [] }), io);
    expect(await memberOf('breakglass@example.com')).toBeDefined();
    expect(await workspacesOf('breakglass@example.com')).toEqual({ Production: 'Editor' });
  });

  it('a workspace LangSmith lacks parks the sync (createWorkspaces off) or is created once (on)', async () => {
    const groups = [group('LS:Organization User:Research:Viewer')];
    const off = target({ createWorkspaces: false });
    const io = new MemoryIo(http());
    const err = await rejection(off.syncMember(member({ groups }), io));
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('workspace_not_found');
    expect(err.message).toContain('"Research"');
    // Nothing was half done: no invite went out.
    expect(await memberOf('ada@example.com')).toBeUndefined();
    expect(await invitesSent()).toBe(0);
    const groupErr = await rejection(
      off.syncGroup(
        {
          groupId: 'g-r',
          exists: true,
          name: 'LS:Organization User:Research:Viewer',
          scimSource: 'okta',
          memberIds: [],
          members: [],
          bindings: [],
        },
        io,
      ),
    );
    expect(groupErr.retryable).toBe(false);
    expect(groupErr.message).toContain('"Research"');

    const on = target({ createWorkspaces: true });
    await on.syncGroup(
      {
        groupId: 'g-r',
        exists: true,
        name: 'LS:Organization User:Research:Viewer',
        scimSource: 'okta',
        memberIds: ['m-ada'],
        members: [{ memberId: 'm-ada', email: 'ada@example.com' }],
        bindings: [],
      },
      io,
    );
    await on.syncMember(member({ groups }), io);
    await on.syncMember(member({ groups }), io);
    const research = (await orgState()).workspaces.filter((w: Json) => w.displayName === 'Research');
    expect(research).toHaveLength(1);
    expect(await workspacesOf('ada@example.com')).toEqual({ Research: 'Viewer' });

    // A group that is not a LangSmith group, or that is gone, needs nothing.
    await off.syncGroup(
      { groupId: 'g-x', exists: true, name: 'Engineering', scimSource: null, memberIds: [], members: [], bindings: [] },
      io,
    );
    await off.syncGroup({ groupId: 'g-r', exists: false, name: '', scimSource: null, memberIds: [], members: [], bindings: [] }, io);
  });

  it('bindings: a missing workspace named by id is never created', async () => {
    const t = target({ mapping: 'bindings', createWorkspaces: true });
    const err = await rejection(
      t.syncMember(
        member({ groups: [group('Ghosts', undefined, [binding('VIEWER', 'TEAM', '0e0e0e0e-0000-4000-8000-000000000000')])] }),
        new MemoryIo(http()),
      ),
    );
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('workspace_not_found');
  });

  it('a change made in LangSmith is repaired and logged as drift', async () => {
    await createWorkspace('Production');
    await createWorkspace('Staging');
    const t = target();
    const io = new MemoryIo(http());
    const groups = [group('LS:Organization User:Production:Viewer'), group('LS:Organization User:Staging:Editor')];
    await t.syncMember(member({ groups }), io);
    expect(io.drifts).toEqual([]);

    // Someone changes things by hand through LangSmith's API.
    const st = await orgState();
    const ada = st.members.find((m: Json) => m.email === 'ada@example.com');
    const prod = ada.workspaces.find((w: Json) => w.displayName === 'Production');
    const stag = ada.workspaces.find((w: Json) => w.displayName === 'Staging');
    const roles = Object.fromEntries(st.roles.map((r: Json) => [`${r.accessScope}:${r.displayName}`, r.id]));
    const h = http();
    await h.request('PATCH', `/api/v1/workspaces/current/members/${prod.identityId}`, {
      headers: { 'X-Tenant-Id': prod.workspaceId },
      body: { role_id: roles['workspace:Admin'] },
    });
    await h.request('DELETE', `/api/v1/workspaces/current/members/${stag.identityId}`, { headers: { 'X-Tenant-Id': stag.workspaceId } });
    await h.request('PATCH', `/api/v1/orgs/current/members/${ada.identityId}`, {
      body: { role_id: roles['organization:Organization Admin'] },
    });

    await t.syncMember(member({ groups }), io);
    expect((await memberOf('ada@example.com')).roleName).toBe('Organization User');
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Viewer', Staging: 'Editor' });
    expect(io.drifts).toHaveLength(1);
    expect(io.drifts[0]).toContain('ada@example.com');
    expect(io.drifts[0]).toContain('workspace "Production": Admin → Viewer');
    expect(io.drifts[0]).toContain('workspace "Staging": none → Editor');
    expect(io.drifts[0]).toContain('organization role: Organization Admin → Organization User');

    // In step again: no new note.
    await t.syncMember(member({ groups }), io);
    expect(io.drifts).toHaveLength(1);

    // Removed from the organization by hand: invited again, with a note.
    await h.request('DELETE', `/api/v1/orgs/current/members/${ada.identityId}`);
    await t.syncMember(member({ groups }), io);
    expect(io.drifts).toHaveLength(2);
    expect(io.drifts[1]).toContain('removed from the LangSmith organization');
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Viewer', Staging: 'Editor' });
    expect(io.remoteId('member', 'm-ada')).toBe((await memberOf('ada@example.com')).identityId);
  });

  it('a crash between an invite and saving the id never leads to a second invite', async () => {
    await createWorkspace('Production');
    const t = target();
    const groups = [group('LS:Organization User:Production:Editor')];
    const ids = new Map<string, string>();
    const crashing = new MemoryIo(http(), ids);
    crashing.crashOnSave = 'member';
    await expect(t.syncMember(member({ groups }), crashing)).rejects.toThrow(/simulated crash/);
    expect(ids.has('member\u0000m-ada')).toBe(false);
    expect(await invitesSent()).toBe(1);

    // After the restart: the person is found by email, not invited again.
    const io = new MemoryIo(http(), ids);
    await t.syncMember(member({ groups }), io);
    expect(await invitesSent()).toBe(1);
    expect(io.remoteId('member', 'm-ada')).toBe((await memberOf('ada@example.com')).identityId);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Editor' });
  });

  it('a crash while the invite is pending does not invite twice either', async () => {
    await control('PATCH', '/settings', { autoAcceptInvites: false });
    const t = target();
    const ids = new Map<string, string>();
    await expect(t.syncMember(member(), new MemoryIo(http(), ids))).rejects.toBeInstanceOf(NotYet);
    await expect(t.syncMember(member(), new MemoryIo(http(), ids))).rejects.toBeInstanceOf(NotYet);
    await expect(t.syncMember(member(), new MemoryIo(http(), new Map()))).rejects.toBeInstanceOf(NotYet);
    expect(await invitesSent()).toBe(1);
    expect((await orgState()).pending).toHaveLength(1);
  });

  it('a pending invite is a NotYet; once accepted, the next sync completes', async () => {
    await createWorkspace('Production');
    await createWorkspace('Staging');
    await control('PATCH', '/settings', { autoAcceptInvites: false });
    const t = target();
    const io = new MemoryIo(http());
    const groups = [group('LS:Organization User:Production:Editor'), group('LS:Organization User:Staging:Viewer')];

    const err = await rejection(t.syncMember(member({ groups }), io));
    expect(err).toBeInstanceOf(NotYet);
    expect(err.retryable).toBe(true);
    expect(err.code).toBe('not_yet');
    expect(io.remoteId('member', 'm-ada')).toBeNull();
    const [invite] = (await orgState()).pending;
    expect(invite.email).toBe('ada@example.com');
    expect(invite.roleName).toBe('Organization User');
    // The invite carries one workspace role, and never the Admin a missing workspace_role_id gives.
    expect(invite.workspaces).toHaveLength(1);
    expect(invite.workspaces[0].roleName).not.toBe('Admin');

    expect((await control('POST', `/invites/${invite.id}/accept`)).status).toBe(201);
    await t.syncMember(member({ groups }), io);
    expect(io.remoteId('member', 'm-ada')).toBe((await memberOf('ada@example.com')).identityId);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Editor', Staging: 'Viewer' });
    expect(await invitesSent()).toBe(1);
    expect(io.drifts).toEqual([]);
  });
});
