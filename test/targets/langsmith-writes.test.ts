/**
 * The LangSmith target's writes, seen on the wire through a recording proxy in front of the
 * real stand-in (fakes/langsmith): S10's body `{org_identity_id, role_id}` with X-Tenant-Id on
 * every workspace-scoped request; a role the server did not take (S10, S11, S6) reported at
 * once and repaired next pass without a false drift note; refusals LangSmith does not document
 * (a re-invite 409, a delete 404) settled by looking again, or parked with LangSmith's reason;
 * a pending invite whose access changed revoked with S8 and sent again, with no S10 while it
 * is pending.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLangSmithFake, type RunningLangSmithFake } from '../../fakes/langsmith/server.js';
import { NotYet } from '../../src/targets/errors.js';
import {
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
  type Proxy,
  type Rule,
} from './langsmith.helpers.js';

let fake: RunningLangSmithFake;
let proxy: Proxy;

beforeAll(async () => {
  fake = await startLangSmithFake({ port: 0, host: '127.0.0.1' });
  useFake(fake);
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  expect((await control('POST', '/reset')).status).toBe(200);
  expect((await control('PATCH', '/settings', { autoAcceptInvites: true })).status).toBe(200);
  proxy = await startProxy();
});
afterEach(async () => {
  await proxy.close();
  const { body } = await control('GET', '/requests?log=false');
  expect(body.byStatus).not.toHaveProperty('422');
});

const io = () => new MemoryIo(http(undefined, proxy.url));
const seed = (email: string, extra: Record<string, unknown> = {}) =>
  control('POST', `/organizations/${fake.organization.organizationId}/members`, { email, ...extra });
const sent = (method: string, path: RegExp) => proxy.seen.filter((r) => r.method === method && path.test(r.path.split('?')[0]!));
const WS_MEMBERS = /^\/api\/v1\/workspaces\/current\/members(\/[^/]+)?$/;
/** A rule: the request reaches the stand-in (and takes effect), but the answer is this refusal. */
const doneButRefused =
  (status: number, detail: string): Rule =>
  async (_req, forward) => {
    await forward();
    return { status, body: { detail } };
  };

describe('LangSmith writes', () => {
  it('adds workspace members with S10 {org_identity_id, role_id}, and names the workspace in X-Tenant-Id on every S9–S12 call', async () => {
    const production = await createWorkspace('Production');
    const staging = await createWorkspace('Staging');
    expect((await seed('ada@example.com')).status).toBe(201);
    const t = target();
    const mem = io();
    const roles = Object.fromEntries((await orgState()).roles.map((r: Json) => [`${r.accessScope}:${r.displayName}`, r.id]));
    await t.syncMember(
      member({ groups: [group('LS:Organization User:Production:Editor'), group('LS:Organization User:Staging:Viewer')] }),
      mem,
    );

    const ada = await memberOf('ada@example.com');
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Editor', Staging: 'Viewer' });
    const adds = sent('POST', /^\/api\/v1\/workspaces\/current\/members$/);
    expect(adds.map((r) => [r.headers['x-tenant-id'], r.body])).toEqual([
      [production, { org_identity_id: ada.identityId, role_id: roles['workspace:Editor'] }],
      [staging, { org_identity_id: ada.identityId, role_id: roles['workspace:Viewer'] }],
    ]);
    // The organization identity id goes in the body; the workspace paths take another id.
    for (const w of ada.workspaces) expect(w.identityId).not.toBe(ada.identityId);

    // Leave one workspace, change the role in the other: S12 and S11 on the workspace identity ids.
    await t.syncMember(member({ groups: [group('LS:Organization User:Production:Viewer')] }), mem);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Viewer' });
    const prodId = ada.workspaces.find((w: Json) => w.displayName === 'Production').identityId;
    const stagId = ada.workspaces.find((w: Json) => w.displayName === 'Staging').identityId;
    expect(sent('PATCH', WS_MEMBERS).map((r) => [r.path, r.headers['x-tenant-id'], r.body])).toEqual([
      [`/api/v1/workspaces/current/members/${prodId}`, production, { role_id: roles['workspace:Viewer'] }],
    ]);
    expect(sent('DELETE', WS_MEMBERS).map((r) => [r.path, r.headers['x-tenant-id']])).toEqual([
      [`/api/v1/workspaces/current/members/${stagId}`, staging],
    ]);

    const scoped = proxy.seen.filter((r) => WS_MEMBERS.test(r.path.split('?')[0]!));
    expect(scoped.length).toBeGreaterThan(5);
    for (const r of scoped) expect([production, staging]).toContain(r.headers['x-tenant-id']);
    // Every request carries the key and the organization.
    for (const r of proxy.seen) expect(r.headers['x-organization-id']).toBe(fake.organization.organizationId);
    expect(mem.drifts).toEqual([]);
  });

  it('a workspace role the server did not take on S10 is reported at once, and repaired next pass without a drift note', async () => {
    await createWorkspace('Production');
    await customRole('Annotators');
    await seed('ada@example.com');
    const t = target();
    const mem = io();
    const groups = [group('LS:Organization User:Production:Annotators')];
    // A server that ignores role_id: the docs' sample body shape would get exactly this.
    proxy.on(
      'POST',
      /^\/api\/v1\/workspaces\/current\/members$/,
      (req, forward) => forward({ org_identity_id: (req.body as Json).org_identity_id }),
      1,
    );
    const err = await rejection(t.syncMember(member({ groups }), mem));
    const held = (await workspacesOf('ada@example.com')).Production;
    expect(held).toBeDefined();
    expect(held).not.toBe('Annotators');
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('role_not_applied');
    expect(err.message).toContain('workspace "Production"');
    expect(err.message).toContain('asked "Annotators"');
    expect(err.message).toContain(`holds "${held}"`);
    expect(err.message).toContain('ada@example.com');

    await t.syncMember(member({ groups }), mem);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Annotators' });
    expect(mem.drifts).toEqual([]);
  });

  it('a workspace role change (S11) or an organization role change (S6) not taken is reported at once', async () => {
    await createWorkspace('Production');
    await seed('ada@example.com', { workspaces: [{ workspace: 'Production', role: 'Viewer' }] });
    const t = target();
    const mem = io();
    const editors = [group('LS:Organization User:Production:Editor')];
    proxy.on('PATCH', /^\/api\/v1\/workspaces\/current\/members\/[^/]+$/, () => ({ status: 200, body: {} }), 1);
    const err = await rejection(t.syncMember(member({ groups: editors }), mem));
    expect(err.code).toBe('role_not_applied');
    expect(err.message).toContain('workspace "Production": asked "Editor", it holds "Viewer"');
    await t.syncMember(member({ groups: editors }), mem);
    expect(await workspacesOf('ada@example.com')).toEqual({ Production: 'Editor' });

    proxy.on('PATCH', /^\/api\/v1\/orgs\/current\/members\/[^/]+$/, () => ({ status: 200, body: {} }), 1);
    const orgErr = await rejection(t.syncMember(member({ role: 'ADMIN', groups: editors }), mem));
    expect(orgErr.code).toBe('role_not_applied');
    expect(orgErr.retryable).toBe(false);
    expect(orgErr.message).toContain('organization role of ada@example.com: asked "Organization Admin"');
    expect(orgErr.message).toContain('holds "Organization User"');
    await t.syncMember(member({ role: 'ADMIN', groups: editors }), mem);
    expect((await memberOf('ada@example.com')).roleName).toBe('Organization Admin');
    expect(mem.drifts).toEqual([]);
  });

  it('a re-invite refused with 409 is settled by looking again: adopted, waited for, or parked with the reason', async () => {
    const t = target();
    // Accepted meanwhile (another sync, a person): the invite is refused, the member is there.
    proxy.on(
      'POST',
      /^\/api\/v1\/orgs\/current\/members$/,
      async () => {
        await seed('ada@example.com');
        return { status: 409, body: { detail: 'ada@example.com is already a member of this organization' } };
      },
      1,
    );
    const mem = io();
    await t.syncMember(member(), mem);
    expect(mem.remoteId('member', 'm-ada')).toBe((await memberOf('ada@example.com')).identityId);
    expect(await invitesSent()).toBe(0);

    // Invited meanwhile: the invite went through but the answer was a 409; waited for, never sent twice.
    await control('PATCH', '/settings', { autoAcceptInvites: false });
    proxy.on('POST', /^\/api\/v1\/orgs\/current\/members$/, doneButRefused(409, 'already invited'), 1);
    const grace = member({ memberId: 'm-grace', email: 'grace@example.com' });
    await expect(t.syncMember(grace, mem)).rejects.toBeInstanceOf(NotYet);
    await expect(t.syncMember(grace, mem)).rejects.toBeInstanceOf(NotYet);
    expect(await invitesSent()).toBe(1);

    // Refused and nobody there: parked with LangSmith's status and reason.
    proxy.on('POST', /^\/api\/v1\/orgs\/current\/members$/, () => ({ status: 409, body: { detail: 'invites are closed' } }), 1);
    const err = await rejection(t.syncMember(member({ memberId: 'm-alan', email: 'alan@example.com' }), mem));
    expect(err).not.toBeInstanceOf(NotYet);
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(409);
    expect(err.message).toContain('invites are closed');
    expect(err.message).toContain('looked again');
  });

  it('a delete answered 404 is settled by looking again (already gone), and parked when the person is still there', async () => {
    await createWorkspace('Production');
    const t = target();
    const mem = io();
    const groups = [group('LS:Organization User:Production:Editor')];
    await t.syncMember(member({ groups }), mem);
    await t.syncMember(member({ memberId: 'm-grace', email: 'grace@example.com', groups }), mem);

    // S12: gone, but answered 404.
    proxy.on('DELETE', /^\/api\/v1\/workspaces\/current\/members\/[^/]+$/, doneButRefused(404, 'Not Found'), 1);
    await t.syncMember(member({ groups: [] }), mem);
    expect(await workspacesOf('ada@example.com')).toEqual({});

    // S7: gone, but answered 404.
    proxy.on('DELETE', /^\/api\/v1\/orgs\/current\/members\/[^/]+$/, doneButRefused(404, 'Not Found'), 1);
    await t.syncMember(member({ disabled: true }), mem);
    expect(await memberOf('ada@example.com')).toBeUndefined();

    // S7 refused (a last-admin rule, say) and still a member: parked with the reason.
    proxy.on(
      'DELETE',
      /^\/api\/v1\/orgs\/current\/members\/[^/]+$/,
      () => ({ status: 400, body: { detail: 'Cannot remove the last admin' } }),
      1,
    );
    const err = await rejection(t.syncMember(member({ memberId: 'm-grace', email: 'grace@example.com', disabled: true }), mem));
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(400);
    expect(err.message).toContain('Cannot remove the last admin');
    expect(err.message).toContain('still a member');
    expect(await memberOf('grace@example.com')).toBeDefined();
  });

  it('a workspace create refused (made meanwhile) is settled by looking again; refused and absent, parked', async () => {
    const t = target({ createWorkspaces: true });
    const mem = io();
    proxy.on('POST', /^\/api\/v1\/workspaces$/, doneButRefused(409, 'name taken'), 1);
    await t.syncMember(member({ groups: [group('LS:Organization User:Research:Viewer')] }), mem);
    expect(await workspacesOf('ada@example.com')).toEqual({ Research: 'Viewer' });
    expect((await orgState()).workspaces.filter((w: Json) => w.displayName === 'Research')).toHaveLength(1);

    proxy.on('POST', /^\/api\/v1\/workspaces$/, () => ({ status: 403, body: { detail: 'workspace limit reached' } }), 1);
    const err = await rejection(t.syncMember(member({ groups: [group('LS:Organization User:Lab:Viewer')] }), mem));
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(403);
    expect(err.message).toContain('workspace limit reached');
    expect(err.message).toContain('"Lab"');
  });

  it('a pending invite whose access changed is revoked with S8 and sent again; S10 is never tried while it is pending', async () => {
    const production = await createWorkspace('Production');
    const staging = await createWorkspace('Staging');
    await control('PATCH', '/settings', { autoAcceptInvites: false });
    const t = target();
    const mem = io();
    await expect(t.syncMember(member({ groups: [group('LS:Organization User:Production:Editor')] }), mem)).rejects.toBeInstanceOf(NotYet);
    const [first] = (await orgState()).pending;
    // The same access again: the invite stays.
    await expect(t.syncMember(member({ groups: [group('LS:Organization User:Production:Editor')] }), mem)).rejects.toBeInstanceOf(NotYet);
    expect(sent('DELETE', /./)).toEqual([]);

    await expect(t.syncMember(member({ groups: [group('LS:Organization User:Staging:Viewer')] }), mem)).rejects.toBeInstanceOf(NotYet);
    expect(sent('DELETE', /./).map((r) => r.path)).toEqual([`/api/v1/orgs/current/members/${first.id}/pending`]);
    const invites = sent('POST', /^\/api\/v1\/orgs\/current\/members$/).map((r) => (r.body as Json).workspace_ids);
    expect(invites).toEqual([[production], [staging]]);
    const [second] = (await orgState()).pending;
    expect(second.id).not.toBe(first.id);
    expect(second.workspaces.map((w: Json) => [w.displayName, w.roleName])).toEqual([['Staging', 'Viewer']]);
    expect(sent('POST', /^\/api\/v1\/workspaces\/current\/members$/)).toEqual([]);

    // Accepted: the invite's workspace is there; nothing else needed.
    expect((await control('POST', `/invites/${second.id}/accept`)).status).toBe(201);
    await t.syncMember(member({ groups: [group('LS:Organization User:Staging:Viewer')] }), mem);
    expect(await workspacesOf('ada@example.com')).toEqual({ Staging: 'Viewer' });
    expect(mem.drifts).toEqual([]);
  });
});
