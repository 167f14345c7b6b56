/**
 * The LangWatch stand-in's SCIM `/Groups` (TARGETS.md §A1 "Groups" and the PATCH table) and the
 * SCIM-token REST family (`/api/scim-tokens`, §A1 "Tokens"), over real HTTP.
 */
import { describe, expect, it } from 'vitest';
import {
  control,
  expectOrgError,
  expectScimError,
  GROUP_SCHEMA,
  patchOp,
  raw,
  rest,
  scim,
  scimGroup,
  scimUser,
  seedMember,
  useLangWatchFake,
  type Json,
} from './langwatch-client.js';

const ctx = useLangWatchFake();
const members = async (id: string) => ((await scim(ctx, 'GET', `/Groups/${id}`)).body.members as Json[]).map((m) => m.value).sort();
const patch = (id: string, ...ops: unknown[]) => scim(ctx, 'PATCH', `/Groups/${id}`, patchOp(...ops));

describe('SCIM POST and GET /Groups', () => {
  it('creates a SCIM-managed access group, dropping ids that are not members (trap 10)', async () => {
    const ana = await scimUser(ctx, 'ana@acme.test');
    const r = await scim(ctx, 'POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Eng',
      externalId: 'okta-g1',
      members: [{ value: ana }, { value: 'stranger' }],
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toContain('application/scim+json');
    expect(r.body).toEqual({
      schemas: [GROUP_SCHEMA],
      id: expect.any(String),
      displayName: 'Eng',
      members: [{ value: ana, display: 'ana@acme.test' }],
      meta: { resourceType: 'Group', created: expect.any(String), lastModified: expect.any(String) },
    });
    // The same id is the REST group, locked by scimSource "scim"; externalId is not kept.
    const restGroup = await rest(ctx, 'GET', `/api/groups/${r.body.id}`);
    expect(restGroup.body).toMatchObject({ scimSource: 'scim', externalId: null, slug: 'eng' });
  });

  it('answers 409 only on an exact-case SCIM name; a REST group of that name does not conflict (trap 12)', async () => {
    await scimGroup(ctx, 'Eng');
    expectScimError(await scim(ctx, 'POST', '/Groups', { schemas: [], displayName: 'Eng' }), 409, 'A group with this name already exists');
    expect((await scim(ctx, 'POST', '/Groups', { schemas: [], displayName: 'ENG' })).status).toBe(201);
    await rest(ctx, 'POST', '/api/groups', { name: 'Data' });
    const data = await scim(ctx, 'POST', '/Groups', { schemas: [], displayName: 'Data' });
    expect(data.status).toBe(201);
    expect((await rest(ctx, 'GET', `/api/groups/${data.body.id}`)).body.slug).toBe('data-1');
  });

  it('lists only SCIM groups, oldest first; the displayName filter ignores case and may return several', async () => {
    const a = await scimGroup(ctx, 'Ops');
    await rest(ctx, 'POST', '/api/groups', { name: 'REST only' });
    const b = await scimGroup(ctx, 'OPS');
    const c = await scimGroup(ctx, 'Sales');
    expect((await scim(ctx, 'GET', '/Groups')).body.Resources.map((g: Json) => g.id)).toEqual([a, b, c]);
    const hit = await scim(ctx, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "ops"')}`);
    expect(hit.body.Resources.map((g: Json) => g.id)).toEqual([a, b]);
    const unknown = await scim(ctx, 'GET', `/Groups?filter=${encodeURIComponent('externalId eq "x"')}`);
    expect(unknown.body.totalResults).toBe(3);
    expect((await scim(ctx, 'GET', '/Groups?count=500')).body.itemsPerPage).toBe(100);
  });

  it('honours excludedAttributes=members on the list and on one group', async () => {
    const id = await scimGroup(ctx, 'Ops', [ctx.org.admin.userId]);
    expect((await scim(ctx, 'GET', '/Groups?excludedAttributes=members')).body.Resources[0]).not.toHaveProperty('members');
    expect((await scim(ctx, 'GET', `/Groups/${id}?excludedAttributes=displayName,members`)).body).not.toHaveProperty('members');
    expect((await scim(ctx, 'GET', `/Groups/${id}?excludedAttributes=displayName`)).body.displayName).toBe('Ops');
  });

  it('reads and changes a REST-created group by id without making it SCIM-managed', async () => {
    const created = await rest(ctx, 'POST', '/api/groups', { name: 'Hand made' });
    expect((await scim(ctx, 'GET', `/Groups/${created.body.id}`)).body.displayName).toBe('Hand made');
    await patch(created.body.id, { op: 'add', path: 'members', value: [{ value: ctx.org.admin.userId }] });
    expect((await rest(ctx, 'GET', `/api/groups/${created.body.id}`)).body).toMatchObject({
      scimSource: null,
      members: [expect.objectContaining({ userId: ctx.org.admin.userId })],
    });
  });

  it('answers 404 "Group not found", and 400 "Invalid JSON"', async () => {
    expectScimError(await scim(ctx, 'GET', '/Groups/nope'), 404, 'Group not found');
    expectScimError(await scim(ctx, 'DELETE', '/Groups/nope'), 404, 'Group not found');
    expectScimError(await raw(ctx, 'POST', '/api/scim/v2/Groups', { raw: '{', auth: `Bearer ${ctx.scimToken}` }), 400, 'Invalid JSON');
    expectScimError(await scim(ctx, 'POST', '/Groups', { schemas: [] }), 400);
  });
});

describe('SCIM PUT, PATCH and DELETE /Groups', () => {
  it('PUT sets exactly the members; without members it empties the group; renames are not checked (trap 11, 12)', async () => {
    const [a, b] = [await scimUser(ctx, 'a@acme.test'), await scimUser(ctx, 'b@acme.test')];
    const id = await scimGroup(ctx, 'Eng', [a]);
    await scimGroup(ctx, 'Taken');
    const put = await scim(ctx, 'PUT', `/Groups/${id}`, {
      schemas: [],
      displayName: 'Taken',
      members: [{ value: b }, { value: 'stranger' }],
    });
    expect(put.status).toBe(200);
    expect(put.body.displayName).toBe('Taken');
    expect(await members(id)).toEqual([b]);
    expect((await scim(ctx, 'PUT', `/Groups/${id}`, { schemas: [], displayName: 'Taken' })).body.members).toEqual([]);
  });

  it('applies every PATCH form of the table as LangWatch does', async () => {
    const [a, b, c] = [await scimUser(ctx, 'a@acme.test'), await scimUser(ctx, 'b@acme.test'), await scimUser(ctx, 'c@acme.test')];
    const id = await scimGroup(ctx, 'Eng', [a]);
    const sorted = (...ids: string[]) => [...ids].sort();

    await patch(id, { op: 'Add', path: 'members', value: [{ value: b }, { value: 'stranger' }] });
    expect(await members(id)).toEqual(sorted(a, b));
    await patch(id, { op: 'add', value: { members: [{ value: c }] } }, { op: 'add', path: 'externalId', value: 'x' });
    expect(await members(id)).toEqual(sorted(a, b));
    await patch(id, { op: 'remove', path: `members[value eq "${a}" or value eq "${b}"]` }, { op: 'remove', path: 'members' });
    expect(await members(id)).toEqual(sorted(a, b));
    await patch(id, { op: 'Remove', path: `members[value eq "${a}"]` });
    expect(await members(id)).toEqual([b]);
    await patch(
      id,
      { op: 'add', path: 'members', value: [{ value: a }, { value: c }] },
      { op: 'remove', path: 'members', value: [{ value: a }, { value: b }] },
    );
    expect(await members(id)).toEqual([c]);

    const renamed = await patch(id, { op: 'replace', path: 'displayName', value: 'Platform' });
    expect(renamed.body).toMatchObject({ displayName: 'Platform', members: [{ value: c, display: 'c@acme.test' }] });
    await patch(id, { op: 'replace', value: { displayName: 'Platform 2' } });
    expect(await members(id)).toEqual([c]);
    for (const op of [
      { op: 'replace', path: 'externalId', value: 'abc-123' },
      { op: 'replace', path: 'members' },
      { op: 'replace', path: 'members', value: a },
      { op: 'replace', path: 'members', value: [{ display: 'Alice' }] },
      { op: 'replace', path: 'members', value: [{ value: '  ' }] },
      { op: 'replace', path: 'members', value: [{ value: a }, {}] },
      { op: 'replace', value: { members: a } },
      { op: 'replace', value: [{ value: a }] },
      { op: 'replace', path: `members[value eq "${c}"].display`, value: 'C' },
    ]) {
      expect((await patch(id, op)).status, JSON.stringify(op)).toBe(200);
      expect(await members(id), JSON.stringify(op)).toEqual([c]);
    }
    await patch(id, { op: 'replace', value: { displayName: 'Both', members: [{ value: a }, { value: b }] } });
    expect((await scim(ctx, 'GET', `/Groups/${id}`)).body.displayName).toBe('Both');
    expect(await members(id)).toEqual(sorted(a, b));
    await patch(id, { op: 'replace', path: 'members', value: [{ value: c }] });
    expect(await members(id)).toEqual([c]);
    await patch(id, { op: 'replace', path: 'members', value: null });
    expect(await members(id)).toEqual([]);
    await patch(id, { op: 'replace', path: 'members', value: [{ value: a }] }, { op: 'replace', value: { members: [] } });
    expect(await members(id)).toEqual([]);
    expectScimError(await patch(id, { op: 'merge', path: 'members', value: [] }), 400);
  });

  it('DELETE revokes the bindings and memberships; members stay in the organization', async () => {
    const a = await scimUser(ctx, 'a@acme.test');
    const id = await scimGroup(ctx, 'Eng', [a]);
    expect(
      (
        await rest(ctx, 'POST', `/api/groups/${id}/bindings`, {
          role: 'MEMBER',
          scopeType: 'ORGANIZATION',
          scopeId: ctx.org.organizationId,
        })
      ).status,
    ).toBe(201);
    const del = await scim(ctx, 'DELETE', `/Groups/${id}`);
    expect(del.status).toBe(204);
    expect((await rest(ctx, 'GET', `/api/groups/${id}`)).status).toBe(404);
    expect((await scim(ctx, 'GET', `/Users/${a}`)).status).toBe(200);
  });

  it('a group deleted in the settings UI (control API) is 404 over SCIM', async () => {
    const id = await scimGroup(ctx, 'Eng');
    expect((await control(ctx, 'DELETE', `/_fake/organizations/${ctx.org.organizationId}/groups/${id}`)).status).toBe(200);
    expectScimError(await scim(ctx, 'GET', `/Groups/${id}`), 404, 'Group not found');
  });
});

describe('SCIM tokens over REST (§A1 "Tokens")', () => {
  it('mints a 64-hex token shown once, lists without secrets (newest first), and the token works on SCIM', async () => {
    const r = await rest(ctx, 'POST', '/api/scim-tokens', { description: '  scim-bridge  ' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), token: expect.stringMatching(/^[0-9a-f]{64}$/), description: 'scim-bridge' });
    expect((await rest(ctx, 'POST', '/api/scim-tokens', {})).body.description).toBeNull();
    const list = await rest(ctx, 'GET', '/api/scim-tokens');
    expect(list.status).toBe(200);
    expect(list.body.tokens).toHaveLength(3);
    expect(list.body.tokens[1]).toEqual({ id: r.body.id, description: 'scim-bridge', createdAt: expect.any(String), lastUsedAt: null });
    expect(list.text).not.toContain(r.body.token);
    expect((await scim(ctx, 'GET', '/Users', undefined, r.body.token)).status).toBe(200);
    const used = (await rest(ctx, 'GET', '/api/scim-tokens')).body.tokens.find((t: Json) => t.id === r.body.id);
    expect(used.lastUsedAt).toEqual(expect.any(String));
  });

  it('revokes: SCIM answers 401 at once, and a second revoke is 404 scim_token_not_found', async () => {
    const r = await rest(ctx, 'POST', '/api/scim-tokens', { description: 'x' });
    const del = await rest(ctx, 'DELETE', `/api/scim-tokens/${r.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true });
    expectScimError(await scim(ctx, 'GET', '/Users', undefined, r.body.token), 401, 'Bearer token is not valid');
    const again = await rest(ctx, 'DELETE', `/api/scim-tokens/${r.body.id}`);
    expectOrgError(again, 404, 'scim_token_not_found');
    expect(again.body.meta).toMatchObject({ tokenId: r.body.id });
  });

  it('refuses in the organization family: 401, 403 (view key), 402 without the plan, 422 for a bad description', async () => {
    expectOrgError(await rest(ctx, 'GET', '/api/scim-tokens', undefined, null), 401, 'missing_credentials');
    const forbidden = await rest(ctx, 'POST', '/api/scim-tokens', {}, ctx.org.viewApiKey);
    expectOrgError(forbidden, 403, 'insufficient_permissions');
    expect(forbidden.body.meta).toEqual({ required_permission: 'organization:manage' });
    expectOrgError(await rest(ctx, 'POST', '/api/scim-tokens', { description: '' }), 422, 'validation_error');
    expectOrgError(await rest(ctx, 'POST', '/api/scim-tokens', { description: 'x'.repeat(256) }), 422, 'validation_error');
    await control(ctx, 'PATCH', '/_fake/settings', { plan: false });
    const plan = await rest(ctx, 'POST', '/api/scim-tokens', {});
    expectOrgError(plan, 402, 'enterprise_plan_required');
    expect(plan.body.meta).toEqual({ feature: 'SCIM' });
  });

  it('answers at /2026-08-07/ and /latest/ with version headers and no `error` in error bodies', async () => {
    const bare = await rest(ctx, 'GET', '/api/scim-tokens');
    expect(bare.headers.get('x-api-version-status')).toBe('unversioned');
    const dated = await rest(ctx, 'POST', '/api/scim-tokens/2026-08-07', { description: 'dated' });
    expect(dated.status).toBe(201);
    expect(dated.headers.get('x-api-version-status')).toBe('stable');
    expect(dated.headers.get('x-api-version')).toBe('2026-08-07');
    const latest = await rest(ctx, 'DELETE', '/api/scim-tokens/latest/nope');
    expectOrgError(latest, 404, 'scim_token_not_found', true);
    expect(latest.headers.get('x-api-version-status')).toBe('latest');
  });

  it("cannot revoke another organization's token", async () => {
    const other = (await control(ctx, 'POST', '/_fake/organizations', { name: 'Globex' })).body;
    const theirs = await rest(ctx, 'POST', '/api/scim-tokens', {}, other.apiKey);
    expectOrgError(await rest(ctx, 'DELETE', `/api/scim-tokens/${theirs.body.id}`), 404, 'scim_token_not_found');
    // And a member seeded there is invisible to this organization's token.
    const id = await seedMember(ctx, 'x@globex.test', {}, other.organizationId);
    expectScimError(await scim(ctx, 'GET', `/Users/${id}`), 404);
  });
});
