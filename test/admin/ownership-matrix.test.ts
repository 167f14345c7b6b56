/**
 * The lock, as a matrix: every admin mutation against a group made by an admin, an Okta group
 * and an Entra group; and against a member an admin invited and a member an IdP pushed. Each
 * cell gives the exact status and error code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, TEST_ADMIN_KEY, type Harness } from '../helpers/harness.js';

let h: Harness;
let users: { okta: string; azure: string; manual: string; extra: string };
let groups: Record<'manual' | 'okta' | 'azure-ad', string>;

const api = (method: string, path: string, body?: unknown) =>
  h.request(method, path, {
    token: TEST_ADMIN_KEY,
    ...(body !== undefined ? { body, headers: { 'Content-Type': 'application/json' } } : {}),
  });

beforeEach(async () => {
  h = await createHarness();
  const push = async (token: string, userName: string) =>
    (await h.request('POST', '/scim/v2/Users', { token, body: { userName, emails: [{ value: userName, primary: true }] } })).body
      .id as string;
  const okta = await push(h.tokens.okta, 'okta.person@example.com');
  const azure = await push(h.tokens.azure, 'entra.person@example.com');
  const invited = await api('POST', '/api/organization/invites', {
    invites: [
      { email: 'manual@example.com', role: 'ADMIN' },
      { email: 'extra@example.com', role: 'MEMBER' },
    ],
  });
  expect(invited.status, invited.text).toBe(201);
  users = { okta, azure, manual: invited.body.invites[0].id, extra: invited.body.invites[1].id };
  const oktaGroup = (
    await h.request('POST', '/scim/v2/Groups', { token: h.tokens.okta, body: { displayName: 'Okta Group', members: [{ value: okta }] } })
  ).body.id;
  const azureGroup = (
    await h.request('POST', '/scim/v2/Groups', { token: h.tokens.azure, body: { displayName: 'Entra Group', members: [{ value: azure }] } })
  ).body.id;
  const manual = await api('POST', '/api/groups', { name: 'Manual Group', memberIds: [users.manual] });
  expect(manual.status, manual.text).toBe(201);
  groups = { manual: manual.body.id, okta: oktaGroup, 'azure-ad': azureGroup };
});
afterEach(() => h.close());

const IDP = { okta: 'Okta', 'azure-ad': 'Microsoft Entra ID' } as const;

/** The member each group holds, so that removing "a member" names a real one. */
const heldBy = (owner: keyof typeof groups) => (owner === 'manual' ? users.manual : owner === 'okta' ? users.okta : users.azure);

const GROUP_MUTATIONS = [
  { name: 'rename', run: (g: string) => api('PATCH', `/api/groups/${g}`, { name: 'Renamed' }), ok: 200, locked: true },
  { name: 'add member', run: (g: string) => api('POST', `/api/groups/${g}/members`, { userId: users.extra }), ok: 201, locked: true },
  {
    name: 'remove member',
    run: (g: string, owner: keyof typeof groups) => api('DELETE', `/api/groups/${g}/members/${heldBy(owner)}`),
    ok: 204,
    locked: true,
  },
  { name: 'delete', run: (g: string) => api('DELETE', `/api/groups/${g}`), ok: 204, locked: true },
  {
    name: 'add binding',
    run: (g: string) => api('POST', `/api/groups/${g}/bindings`, { role: 'VIEWER', scopeType: 'TEAM', scopeId: 'team-1' }),
    ok: 201,
    locked: false,
  },
  {
    name: 'remove binding',
    run: async (g: string) => {
      const b = await api('POST', `/api/groups/${g}/bindings`, { role: 'ADMIN', scopeType: 'PROJECT', scopeId: 'p-1' });
      expect(b.status, b.text).toBe(201);
      return api('DELETE', `/api/groups/${g}/bindings/${b.body.id}`);
    },
    ok: 204,
    locked: false,
  },
] as const;

describe('groups: mutation × owner', () => {
  for (const m of GROUP_MUTATIONS) {
    for (const owner of ['manual', 'okta', 'azure-ad'] as const) {
      const expected = owner !== 'manual' && m.locked ? '409 scim_managed_group' : `${m.ok}`;
      it(`${m.name} on a ${owner} group → ${expected}`, async () => {
        const before = (await api('GET', `/api/groups/${groups[owner]}`)).body;
        const res = await m.run(groups[owner], owner);
        if (owner !== 'manual' && m.locked) {
          expect(res.status).toBe(409);
          expect(res.body.error.code).toBe('scim_managed_group');
          expect(res.body.error.message).toContain(IDP[owner]);
          expect(res.body.error.message).toMatch(/must be made in/);
          // Nothing changed.
          const after = (await api('GET', `/api/groups/${groups[owner]}`)).body;
          expect({ name: after.name, members: after.members }).toEqual({ name: before.name, members: before.members });
        } else {
          expect(res.status, res.text).toBe(m.ok);
        }
      });
    }
  }

  it('a SCIM-pushed group appears under its SCIM id with its scimSource; an admin group has null', async () => {
    const list = (await api('GET', '/api/groups?page=1&limit=50')).body.data as { id: string; scimSource: string | null }[];
    expect(Object.fromEntries(list.map((g) => [g.id, g.scimSource]))).toEqual({
      [groups.okta]: 'okta',
      [groups['azure-ad']]: 'azure-ad',
      [groups.manual]: null,
    });
    const okta = (await api('GET', `/api/groups/${groups.okta}`)).body;
    expect(okta.members.map((m: { userId: string }) => m.userId)).toEqual([users.okta]);
  });
});

describe('members: mutation × owner', () => {
  for (const owner of ['manual', 'okta'] as const) {
    const id = () => (owner === 'manual' ? users.extra : users.okta);

    it(`${owner} member: the organization role can be changed`, async () => {
      const res = await api('PATCH', `/api/organization/members/${id()}`, { role: 'EXTERNAL' });
      expect(res.status, res.text).toBe(200);
      expect(res.body.role).toBe('EXTERNAL');
    });

    it(`${owner} member: can be disabled and re-enabled by an admin`, async () => {
      const off = await api('PATCH', `/api/organization/members/${id()}`, { disabled: true });
      expect(off.status, off.text).toBe(200);
      expect(off.body.status).toBe('disabled');
      const on = await api('PATCH', `/api/organization/members/${id()}`, { disabled: false });
      expect(on.status).toBe(200);
      expect(on.body.status).toBe('active');
    });

    it(`${owner} member: removal → ${owner === 'manual' ? '204' : '409 scim_managed_member'}`, async () => {
      const res = await api('DELETE', `/api/organization/members/${id()}`);
      if (owner === 'manual') {
        expect(res.status).toBe(204);
        expect((await api('GET', `/api/organization/members/${id()}`)).status).toBe(404);
      } else {
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({ code: 'scim_managed_member', message: expect.stringContaining('Okta') });
        expect((await api('GET', `/api/organization/members/${id()}`)).status).toBe(200);
      }
    });
  }

  it('a member the IdP deactivated cannot be re-enabled here: 409 scim_managed_member', async () => {
    await h.request('PATCH', `/scim/v2/Users/${users.okta}`, {
      token: h.tokens.okta,
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
    });
    const res = await api('PATCH', `/api/organization/members/${users.okta}`, { disabled: false });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('scim_managed_member');
  });

  it('the last active admin cannot be disabled, demoted or removed', async () => {
    const admin = users.manual;
    for (const [body, code] of [
      [{ disabled: true }, 'cannot_disable_last_admin'],
      [{ role: 'MEMBER' }, 'cannot_demote_last_admin'],
    ] as const) {
      const res = await api('PATCH', `/api/organization/members/${admin}`, body);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe(code);
    }
    const removed = await api('DELETE', `/api/organization/members/${admin}`);
    expect(removed.status).toBe(409);
    expect(removed.body.error.code).toBe('cannot_remove_last_admin');
    // With a second admin, the first may step down.
    expect((await api('PATCH', `/api/organization/members/${users.extra}`, { role: 'ADMIN' })).status).toBe(200);
    expect((await api('PATCH', `/api/organization/members/${admin}`, { role: 'MEMBER' })).status).toBe(200);
  });

  it('a userId that is not a member is refused with 400 naming it, never dropped', async () => {
    const res = await api('POST', '/api/groups', { name: 'G', memberIds: [users.extra, 'nobody-here'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain('nobody-here');
    const add = await api('POST', `/api/groups/${groups.manual}/members`, { userId: 'nobody-here' });
    expect(add.status).toBe(400);
    expect(add.body.error.message).toContain('nobody-here');
  });

  it('an unknown group is 404', async () => {
    const res = await api('GET', '/api/groups/no-such-group');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
