import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ADSCIM = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

async function createUser(userName: string, token?: string): Promise<string> {
  const res = await h.request('POST', '/scim/v2/Users', {
    body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, displayName: `Name of ${userName}` },
    ...(token ? { token } : {}),
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function createGroup(displayName: string, members: string[] = [], token?: string): Promise<string> {
  const res = await h.request('POST', '/scim/v2/Groups', {
    body: { schemas: [GROUP_SCHEMA, ADSCIM], displayName, members: members.map((value) => ({ value })), meta: { resourceType: 'Group' } },
    ...(token ? { token } : {}),
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

const patch = (id: string, Operations: unknown[], query = '') =>
  h.request('PATCH', `/scim/v2/Groups/${id}${query}`, { body: { schemas: [PATCH_OP], Operations } });

const memberIds = async (groupId: string): Promise<string[]> => {
  const res = await h.request('GET', `/scim/v2/Groups/${groupId}`);
  return (res.body.members ?? []).map((m: { value: string }) => m.value).sort();
};

describe('Groups', () => {
  it('creates a group with the ADSCIM URN ignored, members:[] and a Location', async () => {
    const res = await h.request('POST', '/scim/v2/Groups', {
      body: { schemas: [GROUP_SCHEMA, ADSCIM], externalId: '8aa1a0c0', displayName: 'displayName', meta: { resourceType: 'Group' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ schemas: [GROUP_SCHEMA], externalId: '8aa1a0c0', displayName: 'displayName', members: [] });
    expect(res.headers.get('location')).toBe(`http://localhost/scim/v2/Groups/${res.body.id}`);
  });

  it('returns members with value, display, type and $ref; excludedAttributes=members leaves them out', async () => {
    const u = await createUser('ana@example.com');
    const g = await createGroup('Engineering', [u]);
    const full = await h.request('GET', `/scim/v2/Groups/${g}`);
    expect(full.body.members).toEqual([
      { value: u, $ref: `http://localhost/scim/v2/Users/${u}`, type: 'User', display: 'Name of ana@example.com' },
    ]);
    const slim = await h.request('GET', `/scim/v2/Groups/${g}?excludedAttributes=members`);
    expect(slim.body).not.toHaveProperty('members');
    const list = await h.request(
      'GET',
      '/scim/v2/Groups?excludedAttributes=members&filter=' + encodeURIComponent('displayName eq "engineering"'),
    );
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0]).not.toHaveProperty('members');
  });

  it('derives User.groups, read-only', async () => {
    const u = await createUser('ana@example.com');
    const g = await createGroup('Engineering', [u]);
    const res = await h.request('GET', `/scim/v2/Users/${u}`);
    expect(res.body.groups).toEqual([{ value: g, $ref: `http://localhost/scim/v2/Groups/${g}`, display: 'Engineering', type: 'direct' }]);
  });

  it('displayName is unique per connection, case-insensitively; two connections may share a name', async () => {
    await createGroup('Sales');
    const dup = await h.request('POST', '/scim/v2/Groups', { body: { schemas: [GROUP_SCHEMA], displayName: 'SALES' } });
    expect(dup.status).toBe(409);
    expect(dup.body.scimType).toBe('uniqueness');
    await createGroup('Sales', [], h.tokens.azure);
  });

  it('refuses members that are not users or groups of the connection, naming them', async () => {
    const foreign = await createUser('other@example.com', h.tokens.azure);
    const res = await h.request('POST', '/scim/v2/Groups', { body: { displayName: 'G', members: [{ value: foreign }] } });
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidValue');
    expect(res.body.detail).toContain(foreign);
    expect((await h.request('GET', '/scim/v2/Groups?filter=displayName+eq+%22G%22')).body.totalResults).toBe(0);
  });

  it('PATCH adds members (one or many) and answers 204; 200 with the group when attributes are asked for', async () => {
    const [a, b, c] = [await createUser('a@x.com'), await createUser('b@x.com'), await createUser('c@x.com')];
    const g = await createGroup('G');
    const one = await patch(g, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: a }] }]);
    expect(one.status).toBe(204);
    expect(one.text).toBe('');
    const many = await patch(
      g,
      [{ op: 'add', path: 'members', value: [{ value: b }, { value: c }, { value: a }] }],
      '?excludedAttributes=members',
    );
    expect(many.status).toBe(200);
    expect(many.body.id).toBe(g);
    expect(await memberIds(g)).toEqual([a, b, c].sort());
  });

  it('PATCH removes members in both Entra forms, and removes all with a bare path', async () => {
    const [a, b, c] = [await createUser('a@x.com'), await createUser('b@x.com'), await createUser('c@x.com')];
    const g = await createGroup('G', [a, b, c]);
    expect((await patch(g, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: a }] }])).status).toBe(204);
    expect(await memberIds(g)).toEqual([b, c].sort());
    expect((await patch(g, [{ op: 'remove', path: `members[value eq "${b}"]` }])).status).toBe(204);
    expect(await memberIds(g)).toEqual([c]);
    expect((await patch(g, [{ op: 'remove', path: 'members' }])).status).toBe(204);
    expect(await memberIds(g)).toEqual([]);
  });

  it("PATCH replaces all members, and takes Okta's path-less replace carrying the group's own id", async () => {
    const [a, b] = [await createUser('a@x.com'), await createUser('b@x.com')];
    const g = await createGroup('G', [a]);
    expect((await patch(g, [{ op: 'replace', path: 'members', value: [{ value: b }] }])).status).toBe(204);
    expect(await memberIds(g)).toEqual([b]);
    expect((await patch(g, [{ op: 'replace', value: { id: g, displayName: 'Renamed' } }])).status).toBe(204);
    expect((await h.request('GET', `/scim/v2/Groups/${g}`)).body.displayName).toBe('Renamed');
    const other = await patch(g, [{ op: 'replace', value: { id: 'another-id', displayName: 'X' } }]);
    expect(other.status).toBe(400);
    expect(other.body.scimType).toBe('mutability');
  });

  it("Okta's remove+add in one PATCH, and membership changes move the group's ETag", async () => {
    const [a, b] = [await createUser('a@x.com'), await createUser('b@x.com')];
    const g = await createGroup('G', [a]);
    const before = (await h.request('GET', `/scim/v2/Groups/${g}`)).body.meta.version;
    const res = await patch(g, [
      { op: 'remove', path: `members[value eq "${a}"]` },
      { op: 'add', path: 'members', value: [{ value: b, display: 'b@x.com' }] },
    ]);
    expect(res.status).toBe(204);
    expect(await memberIds(g)).toEqual([b]);
    expect((await h.request('GET', `/scim/v2/Groups/${g}`)).body.meta.version).not.toBe(before);
  });

  it('a membership PATCH naming an unknown user changes nothing (atomic)', async () => {
    const a = await createUser('a@x.com');
    const g = await createGroup('G');
    const res = await patch(g, [
      { op: 'add', path: 'members', value: [{ value: a }] },
      { op: 'add', path: 'members', value: [{ value: 'no-such-user' }] },
    ]);
    expect(res.status).toBe(400);
    expect(await memberIds(g)).toEqual([]);
  });

  it('PUT replaces attributes; members are replaced when given and kept when omitted', async () => {
    const [a, b] = [await createUser('a@x.com'), await createUser('b@x.com')];
    const g = await createGroup('G', [a]);
    const kept = await h.request('PUT', `/scim/v2/Groups/${g}`, { body: { schemas: [GROUP_SCHEMA], displayName: 'G2' } });
    expect(kept.status).toBe(200);
    expect(await memberIds(g)).toEqual([a]);
    const replaced = await h.request('PUT', `/scim/v2/Groups/${g}`, {
      body: { schemas: [GROUP_SCHEMA], displayName: 'G2', members: [{ value: b }] },
    });
    expect(replaced.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
  });

  it('deleting a user removes it from its groups; deleting a group is 204 then 404', async () => {
    const a = await createUser('a@x.com');
    const g = await createGroup('G', [a]);
    await h.request('DELETE', `/scim/v2/Users/${a}`);
    expect(await memberIds(g)).toEqual([]);
    expect((await h.request('DELETE', `/scim/v2/Groups/${g}`)).status).toBe(204);
    expect((await h.request('GET', `/scim/v2/Groups/${g}`)).status).toBe(404);
    expect((await h.request('DELETE', `/scim/v2/Groups/${g}`)).status).toBe(404);
  });

  it('groups can be filtered by member', async () => {
    const a = await createUser('a@x.com');
    const g = await createGroup('G', [a]);
    await createGroup('H');
    const res = await h.request('GET', '/scim/v2/Groups?filter=' + encodeURIComponent(`members[value eq "${a}"]`));
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([g]);
  });
});
