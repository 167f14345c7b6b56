/**
 * Admin actions are audited (issue 12 item 10): every write of the admin API (and so of the
 * console, which calls the same routes) is an `admin` entry of the sync log with the key that
 * made it (id and name, never the secret), done or refused, including every refused edit of an
 * IdP-owned group; the change and its entry are one transaction, and what the change marked for
 * sync is linked to it. The CLI's changes are audited through the same directory function.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ACTIONS } from '../../src/api/admin/audit.js';
import { adminRoutes } from '../../src/api/admin/index.js';
import { auditedCliWrite, cliDraft } from '../../src/directory/sync-log-admin.js';
import { createAdminKey, revokeAdminKey } from '../../src/store/admin-keys.repo.js';
import { DEFAULT_ORGANIZATION_ID } from '../../src/store/connections.repo.js';
import { CONSOLE_HEADER, CONSOLE_HEADER_VALUE } from '../../src/console/sessions.js';
import { createHarness, TEST_ADMIN_KEY, type Harness } from '../helpers/harness.js';

let h: Harness;
let adminKeyId: string;
beforeEach(async () => {
  h = await createHarness();
  adminKeyId = h.db.prepare("SELECT id FROM admin_keys WHERE origin = 'env'").pluck().get() as string;
});
afterEach(() => h.close());

const json = { 'Content-Type': 'application/json' };
const api = (method: string, path: string, body?: unknown, token: string = TEST_ADMIN_KEY) =>
  h.request(method, path, { token, body, headers: json });
const adminLog = async (query = ''): Promise<any[]> => (await api('GET', `/api/sync-logs?kind=admin${query}`)).body.data;

async function invite(email: string, role = 'MEMBER'): Promise<string> {
  const res = await api('POST', '/api/organization/invites', { invites: [{ email, role }] });
  expect(res.status, res.text).toBe(201);
  return res.body.invites[0].id as string;
}

it('names every write route of the admin API (a new one must say what it is called in the log)', () => {
  const writes = adminRoutes()
    .routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
    .map((r) => `${r.method} ${r.path}`);
  expect(new Set(Object.keys(ADMIN_ACTIONS))).toEqual(new Set(writes));
});

describe('admin writes', () => {
  it('groups: create, rename, members, bindings, delete, each with the key, what it was about and what changed', async () => {
    const ada = await invite('ada@example.com');
    const created = await api('POST', '/api/groups', { name: 'Research', memberIds: [ada] });
    expect(created.status).toBe(201);
    const g = created.body.id as string;
    expect((await api('PATCH', `/api/groups/${g}`, { name: 'Research & Dev' })).status).toBe(200);
    expect((await api('DELETE', `/api/groups/${g}/members/${ada}`)).status).toBe(204);
    expect((await api('POST', `/api/groups/${g}/members`, { userId: ada })).status).toBe(201);
    const binding = await api('POST', `/api/groups/${g}/bindings`, { role: 'VIEWER', scopeType: 'TEAM', scopeId: 'team-1' });
    expect(binding.status).toBe(201);
    expect((await api('DELETE', `/api/groups/${g}/bindings/${binding.body.id}`)).status).toBe(204);
    expect((await api('DELETE', `/api/groups/${g}`)).status).toBe(204);

    const entries = (await adminLog()).reverse();
    expect(entries.map((e) => [e.action, e.status, e.outcome, e.resourceType, e.resourceName])).toEqual([
      ['invite.create', 201, 'success', 'Member', 'ada@example.com'],
      ['group.create', 201, 'success', 'Group', 'Research'],
      // Named as it was when the action began: a rename shows the old name, the new one in change.
      ['group.rename', 200, 'success', 'Group', 'Research'],
      ['group.member.remove', 204, 'success', 'Group', 'Research & Dev'],
      ['group.member.add', 201, 'success', 'Group', 'Research & Dev'],
      ['group.binding.add', 201, 'success', 'Group', 'Research & Dev'],
      ['group.binding.remove', 204, 'success', 'Group', 'Research & Dev'],
      ['group.delete', 204, 'success', 'Group', 'Research & Dev'],
    ]);
    for (const e of entries) {
      expect(e).toMatchObject({ kind: 'admin', source: null, actor: { keyId: adminKeyId, name: 'BRIDGE_ADMIN_KEY', via: 'api' } });
    }
    expect(entries.slice(1).every((e) => e.resourceId === g)).toBe(true);
    expect(entries[1].summary).toMatchObject({ membersAdded: [ada] });
    expect(entries[2].summary).toEqual({ change: { name: 'Research & Dev' } });
    expect(entries[3].summary).toEqual({ membersRemoved: [ada] });
    expect(entries[5].summary.change).toMatchObject({ bindingId: binding.body.id, role: 'VIEWER', scopeType: 'TEAM', scopeId: 'team-1' });
    // The group filter finds admin entries too.
    expect((await api('GET', '/api/sync-logs?group=research')).body.data.map((e: { action: string }) => e.action)).toContain(
      'group.create',
    );
    // No secret anywhere: not the admin key, not the invite code.
    const text = JSON.stringify(h.db.prepare('SELECT * FROM sync_log').all());
    expect(text).not.toContain(TEST_ADMIN_KEY);
  });

  it('members, invites and deliveries: role, disable, remove, retry, approve, drop, reconcile', async () => {
    const bo = await invite('bo@example.com');
    await invite('cy@example.com', 'ADMIN');
    expect((await api('PATCH', `/api/organization/members/${bo}`, { role: 'EXTERNAL' })).status).toBe(200);
    expect((await api('PATCH', `/api/organization/members/${bo}`, { disabled: true })).status).toBe(200);
    expect((await api('POST', `/api/deliveries/member/${bo}/retry`)).status).toBe(204);
    expect((await api('POST', `/api/deliveries/member/${bo}/approve`)).status).toBe(204);
    expect((await api('POST', '/api/deliveries/approve')).status).toBe(200);
    expect((await api('DELETE', `/api/deliveries/member/${bo}`)).status).toBe(204);
    expect((await api('POST', '/api/deliveries/reconcile')).status).toBe(400);
    expect((await api('DELETE', `/api/organization/members/${bo}`)).status).toBe(204);

    const entries = (await adminLog()).reverse().slice(2);
    expect(entries.map((e) => [e.action, e.status, e.resourceType, e.resourceId, e.resourceName])).toEqual([
      ['member.update', 200, 'Member', bo, 'bo@example.com'],
      ['member.update', 200, 'Member', bo, 'bo@example.com'],
      ['delivery.retry', 204, 'Member', bo, 'bo@example.com'],
      ['delivery.approve', 204, 'Member', bo, 'bo@example.com'],
      ['delivery.approve_all', 200, null, null, null],
      ['delivery.drop', 204, 'Member', bo, 'bo@example.com'],
      ['delivery.reconcile', 400, null, null, null],
      ['member.remove', 204, 'Member', bo, 'bo@example.com'],
    ]);
    expect(entries[0].summary).toEqual({ change: { role: 'EXTERNAL' } });
    expect(entries[1].summary).toEqual({ change: { disabled: true } });
    expect(entries[4].summary).toEqual({ change: { approved: 0 } });
    expect(entries[6]).toMatchObject({
      outcome: 'failed',
      errorCode: 'invalid_request',
      detail: expect.stringContaining('embedded target'),
    });
    // The user filter finds what was done to a member, by email.
    // Its invite, and the six actions above that named it.
    expect((await api('GET', '/api/sync-logs?kind=admin&user=BO@example.com')).body.data).toHaveLength(7);
    const invites = await adminLog('&q=invites');
    expect(invites.map((e) => e.summary.invited)).toEqual([['cy@example.com'], ['bo@example.com']]);
    const text = JSON.stringify(h.db.prepare('SELECT * FROM sync_log').all());
    expect(text).not.toMatch(/inviteCode/);
  });

  it('links what a change marked for sync to its entry, in one transaction with it', async () => {
    const g = (await api('POST', '/api/groups', { name: 'Linked' })).body.id as string;
    const [entry] = await adminLog();
    expect(entry.downstream).toBe('pending');
    const detail = await api('GET', `/api/sync-logs/${entry.id}`);
    expect(detail.body.effects).toEqual([{ entityType: 'group', entityId: g }]);
    expect((await api('GET', '/api/sync-logs?kind=admin&outcome=pending')).body.data.map((e: { id: number }) => e.id)).toEqual([entry.id]);
  });
});

describe('refused admin writes', () => {
  async function pushedGroup(): Promise<string> {
    const res = await h.request('POST', '/scim/v2/Groups', { body: { displayName: 'Okta Engineers' } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('every refused edit of an IdP-owned group is an entry with the code and message the admin was told', async () => {
    const g = await pushedGroup();
    const ada = await invite('ada@example.com');
    const refusals = [
      await api('PATCH', `/api/groups/${g}`, { name: 'Renamed' }),
      await api('POST', `/api/groups/${g}/members`, { userId: ada }),
      await api('DELETE', `/api/groups/${g}/members/${ada}`),
      await api('DELETE', `/api/groups/${g}`),
    ];
    expect(refusals.map((r) => r.status)).toEqual([409, 409, 409, 409]);
    const entries = (await adminLog('&outcome=failed')).reverse();
    expect(entries.map((e) => [e.action, e.status, e.errorCode, e.resourceId, e.resourceName])).toEqual([
      ['group.rename', 409, 'scim_managed_group', g, 'Okta Engineers'],
      ['group.member.add', 409, 'scim_managed_group', g, 'Okta Engineers'],
      ['group.member.remove', 409, 'scim_managed_group', g, 'Okta Engineers'],
      ['group.delete', 409, 'scim_managed_group', g, 'Okta Engineers'],
    ]);
    expect(entries.map((e) => e.detail)).toEqual(refusals.map((r) => r.body.error.message));
    expect(entries.every((e) => e.actor.keyId === adminKeyId)).toBe(true);
    // Nothing of the refused change was kept: no mark, no effect.
    for (const e of entries) expect((await api('GET', `/api/sync-logs/${e.id}`)).body.effects).toEqual([]);
    // Its bindings stay editable, and that is logged as done.
    expect((await api('POST', `/api/groups/${g}/bindings`, { role: 'ADMIN', scopeType: 'ORGANIZATION' })).status).toBe(201);
    expect((await adminLog('&outcome=success'))[0]).toMatchObject({ action: 'group.binding.add', resourceName: 'Okta Engineers' });
  });

  it("a view-only key's write (403), a bad body (400), an unknown id (404): all logged with the key", async () => {
    const view = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'auditor', ['organization:view']);
    expect((await api('POST', '/api/groups', { name: 'Nope' }, view.key)).status).toBe(403);
    expect((await api('POST', '/api/groups', { name: '' })).status).toBe(400);
    expect((await api('DELETE', '/api/groups/no-such-group')).status).toBe(404);
    const entries = (await adminLog('&outcome=failed')).reverse();
    expect(entries.map((e) => [e.action, e.status, e.errorCode, e.actor.name])).toEqual([
      ['group.create', 403, 'forbidden', 'auditor'],
      ['group.create', 400, 'invalid_request', 'BRIDGE_ADMIN_KEY'],
      ['group.delete', 404, 'not_found', 'BRIDGE_ADMIN_KEY'],
    ]);
    expect(entries[0].actor).toEqual({ keyId: view.id, name: 'auditor', via: 'api' });
    expect(entries[0].detail).toMatch(/lacks the organization:manage scope/);
    expect(JSON.stringify(h.db.prepare('SELECT * FROM sync_log').all())).not.toContain(view.key);
  });

  it('reads are not audited', async () => {
    expect((await api('GET', '/api/groups')).status).toBe(200);
    expect((await api('GET', '/api/organization/members')).status).toBe(200);
    expect(await adminLog()).toEqual([]);
  });
});

describe('the console', () => {
  it("writes through the same routes, so they are audited, as the signed-in key's, via console", async () => {
    const signIn = await h.request('POST', '/admin/session', {
      token: null,
      body: { key: TEST_ADMIN_KEY },
      headers: { ...json, [CONSOLE_HEADER]: CONSOLE_HEADER_VALUE },
    });
    expect(signIn.status, signIn.text).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const res = await h.request('POST', '/api/groups', {
      token: null,
      body: { name: 'From the console' },
      headers: { ...json, Cookie: cookie, [CONSOLE_HEADER]: CONSOLE_HEADER_VALUE },
    });
    expect(res.status, res.text).toBe(201);
    expect((await adminLog())[0]).toMatchObject({
      action: 'group.create',
      resourceName: 'From the console',
      actor: { keyId: adminKeyId, name: 'BRIDGE_ADMIN_KEY', via: 'console' },
    });
  });
});

describe('the CLI', () => {
  it('audits a change made through auditedCliWrite, committed at once, with the CLI as actor and no secret', async () => {
    const created = auditedCliWrite(h.db, cliDraft(DEFAULT_ORGANIZATION_ID, 'keys create', 'key.create', 'AdminKey'), () => {
      const key = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'deploy bot', ['organization:view']);
      return {
        result: key,
        outcome: { resourceId: key.id, resourceName: 'deploy bot', summary: { change: { scopes: 'organization:view' } } },
      };
    });
    auditedCliWrite(h.db, cliDraft(DEFAULT_ORGANIZATION_ID, `keys revoke ${created.id}`, 'key.revoke', 'AdminKey', created.id), () => ({
      result: revokeAdminKey(h.db, DEFAULT_ORGANIZATION_ID, created.id),
      outcome: {},
    }));
    const entries = (await adminLog()).reverse();
    expect(entries.map((e) => [e.method, e.path, e.action, e.status, e.resourceId, e.resourceName])).toEqual([
      ['CLI', 'scim-bridge keys create', 'key.create', 0, created.id, 'deploy bot'],
      // Named from the key itself when the caller does not say.
      ['CLI', `scim-bridge keys revoke ${created.id}`, 'key.revoke', 0, created.id, 'deploy bot'],
    ]);
    expect(entries[0].actor).toMatchObject({ keyId: null, via: 'cli', name: expect.stringMatching(/^cli(:.+)?$/) });
    expect(JSON.stringify(h.db.prepare('SELECT * FROM sync_log').all())).not.toContain(created.key);
  });
});
