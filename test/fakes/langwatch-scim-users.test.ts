/**
 * The LangWatch stand-in's SCIM server, authentication and `/Users` (TARGETS.md §A1), over real
 * HTTP: the exact refusals, the plan check on every call, and the dialect's traps.
 */
import { describe, expect, it } from 'vitest';
import {
  control,
  dump,
  expectScimError,
  patchOp,
  raw,
  rest,
  scim,
  scimGroup,
  scimUser,
  seedMember,
  useLangWatchFake,
  USER_SCHEMA,
  type Json,
} from './langwatch-client.js';

const ctx = useLangWatchFake();
const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName, ...extra });
const filter = (f: string) => `/Users?filter=${encodeURIComponent(f)}`;

describe('SCIM authentication (§A1 "Authentication on every SCIM call")', () => {
  it('answers 401 "Bearer token is required" without exactly `Bearer `, and "is not valid" for unknown tokens and API keys', async () => {
    expectScimError(await scim(ctx, 'GET', '/Users', undefined, null), 401, 'Bearer token is required');
    expectScimError(await raw(ctx, 'GET', '/api/scim/v2/Users', { auth: `bearer ${ctx.scimToken}` }), 401, 'Bearer token is required');
    expectScimError(await raw(ctx, 'GET', '/api/scim/v2/Users', { auth: `Basic ${ctx.scimToken}` }), 401, 'Bearer token is required');
    expectScimError(await scim(ctx, 'GET', '/Users', undefined, 'not-a-real-token'), 401, 'Bearer token is not valid');
    expectScimError(await scim(ctx, 'GET', '/Users', undefined, ctx.org.apiKey), 401, 'Bearer token is not valid');
    expect((await scim(ctx, 'GET', '/Users')).status).toBe(200);
  });

  it('refuses a SCIM token on the REST API (a SCIM token works nowhere else)', async () => {
    const r = await rest(ctx, 'GET', '/api/organization/members', undefined, ctx.scimToken);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('invalid_credentials');
  });

  it('answers 403 on every call once the plan lapses, writes nothing, and leaves lastUsedAt alone', async () => {
    expect((await scim(ctx, 'GET', '/Users')).status).toBe(200);
    const usedAt = (await dump(ctx)).scimTokens[0].lastUsedAt;
    expect(usedAt).toEqual(expect.any(String));
    await control(ctx, 'PATCH', '/_fake/settings', { plan: false });
    const calls: [string, string, unknown?][] = [
      ['GET', '/Users'],
      ['POST', '/Users', user('never@acme.test')],
      ['GET', `/Users/${ctx.org.admin.userId}`],
      ['PATCH', `/Users/${ctx.org.admin.userId}`, patchOp({ op: 'replace', path: 'active', value: false })],
      ['DELETE', `/Users/${ctx.org.admin.userId}`],
      ['GET', '/Groups'],
      ['POST', '/Groups', { schemas: [], displayName: 'Never' }],
    ];
    for (const [method, path, body] of calls)
      expectScimError(await scim(ctx, method, path, body), 403, 'SCIM provisioning requires an Enterprise plan');
    const after = await dump(ctx);
    expect(after.members.map((m: Json) => m.email)).toEqual([ctx.org.admin.email]);
    expect(after.members[0].deactivated).toBe(false);
    expect(after.groups).toEqual([]);
    expect(after.scimTokens[0].lastUsedAt).toBe(usedAt);
  });

  it('serves discovery without a credential, as application/json', async () => {
    const spc = await scim(ctx, 'GET', '/ServiceProviderConfig', undefined, null);
    expect(spc.status).toBe(200);
    expect(spc.headers.get('content-type')).toContain('application/json');
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
      filter: { supported: true, maxResults: 100 },
    });
    const types = await scim(ctx, 'GET', '/ResourceTypes', undefined, null);
    expect(types.body.Resources.map((r: Json) => r.id)).toEqual(['User', 'Group']);
    const schemas = await scim(ctx, 'GET', '/Schemas', undefined, null);
    expect(schemas.body.Resources.map((r: Json) => r.name)).toEqual(['User', 'Group']);
  });

  it('has no /Bulk, /.search or /Me', async () => {
    for (const path of ['/Bulk', '/.search', '/Me']) expect((await scim(ctx, 'POST', path, {})).status).toBe(404);
  });
});

describe('SCIM POST /Users (§A1 "Users")', () => {
  it('creates the account as MEMBER with the documented shape and nothing else', async () => {
    const r = await scim(
      ctx,
      'POST',
      '/Users',
      user('ana@acme.test', {
        name: { givenName: 'Ana', familyName: 'Lima Souza' },
        externalId: 'okta-1',
        emails: [{ value: 'other@x.test' }],
        active: false,
      }),
    );
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toContain('application/scim+json');
    expect(r.body).toEqual({
      schemas: [USER_SCHEMA],
      id: expect.any(String),
      userName: 'ana@acme.test',
      name: { givenName: 'Ana', familyName: 'Lima Souza' },
      emails: [{ primary: true, value: 'ana@acme.test', type: 'work' }],
      // `active` is not read on create.
      active: true,
      meta: { resourceType: 'User', created: expect.any(String), lastModified: expect.any(String) },
    });
    const member = (await dump(ctx)).members.find((m: Json) => m.userId === r.body.id);
    expect(member).toMatchObject({ role: 'MEMBER', name: 'Ana Lima Souza', disabled: false, deactivated: false });
    expect(member.directBindings).toEqual([
      expect.objectContaining({ role: 'MEMBER', scopeType: 'ORGANIZATION', scopeId: ctx.org.organizationId }),
    ]);
    expect(JSON.stringify(await scim(ctx, 'GET', `/Users/${r.body.id}`))).not.toContain('okta-1');
  });

  it('names the account after the local part when no name is given', async () => {
    const r = await scim(ctx, 'POST', '/Users', user('bo.rivers@acme.test'));
    expect(r.body.name).toEqual({ givenName: 'bo.rivers', familyName: '' });
  });

  it('answers 409 without an id for an existing member, invite-joined or seeded alike', async () => {
    const seeded = await seedMember(ctx, 'cy@acme.test');
    const r = await scim(ctx, 'POST', '/Users', user('cy@acme.test'));
    expectScimError(r, 409, 'User already exists in this organization');
    expect(r.text).not.toContain(seeded);
  });

  it('adds an existing account from another organization with its id, keeps its name, and reactivates it', async () => {
    const other = (await control(ctx, 'POST', '/_fake/organizations', { name: 'Globex' })).body;
    const id = await seedMember(ctx, 'dee@globex.test', { name: 'Dee Original', deactivated: true }, other.organizationId);
    const r = await scim(ctx, 'POST', '/Users', user('dee@globex.test', { name: { givenName: 'New', familyName: 'Name' } }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id, name: { givenName: 'Dee', familyName: 'Original' }, active: true });
  });

  it('stores the address as sent: a different case is a second account (trap 7)', async () => {
    const lower = await seedMember(ctx, 'eve@acme.test');
    const r = await scim(ctx, 'POST', '/Users', user('Eve@Acme.test'));
    expect(r.status).toBe(201);
    expect(r.body.id).not.toBe(lower);
    expect(r.body.userName).toBe('Eve@Acme.test');
    const both = await scim(ctx, 'GET', filter('userName eq "eve@acme.test"'));
    expect(both.body.totalResults).toBe(2);
  });

  it('refuses bad bodies with 400 and zod issue text', async () => {
    expectScimError(
      await raw(ctx, 'POST', '/api/scim/v2/Users', { raw: '{not json', auth: `Bearer ${ctx.scimToken}` }),
      400,
      'Invalid JSON in request body',
    );
    const noSchemas = await scim(ctx, 'POST', '/Users', { userName: 'x@acme.test' });
    expectScimError(noSchemas, 400);
    expect(noSchemas.body.detail).toContain('schemas');
    expectScimError(await scim(ctx, 'POST', '/Users', user('not-an-email')), 400);
  });
});

describe('SCIM GET /Users (§A1 traps 1, 8, 13)', () => {
  it('lists every member, filtered only by the exact userName form, ignoring case', async () => {
    const ana = await scimUser(ctx, 'ana@acme.test');
    await seedMember(ctx, 'bob@acme.test');
    const hit = await scim(ctx, 'GET', filter('userName eq "ANA@acme.test"'));
    expect(hit.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 100 });
    expect(hit.body.Resources.map((u: Json) => u.id)).toEqual([ana]);
    expect((await scim(ctx, 'GET', filter('userName  eq  "ana@acme.test"'))).body.totalResults).toBe(1);
  });

  it('reads an unencoded + in the query as a space, so such a lookup finds nobody (TARGETS §A4 step 2)', async () => {
    const id = await scimUser(ctx, 'a+b@acme.test');
    expect((await scim(ctx, 'GET', '/Users?filter=userName%20eq%20%22a+b@acme.test%22')).body.totalResults).toBe(0);
    expect((await scim(ctx, 'GET', filter('userName eq "a+b@acme.test"'))).body.Resources.map((u: Json) => u.id)).toEqual([id]);
  });

  it('answers an unfiltered page to every other filter: Resources[0] may be a stranger', async () => {
    await scimUser(ctx, 'ana@acme.test');
    await seedMember(ctx, 'bob@acme.test');
    const unfiltered = [
      'externalId eq "okta-1"',
      'emails.value eq "ana@acme.test"',
      `id eq "${ctx.org.admin.userId}"`,
      'userName eq "ana@acme.test" and active eq true',
      'USERNAME eq "ana@acme.test"',
      'userName eq "ana@acme.test" ',
      "userName eq 'ana@acme.test'",
      'userName eq ""',
      'userName co "ana"',
    ];
    for (const f of unfiltered) {
      const r = await scim(ctx, 'GET', filter(f));
      expect(r.status, f).toBe(200);
      expect(r.body.totalResults, f).toBe(3);
    }
  });

  it('caps pages at 100, echoes the page size asked for, and falls back to 100', async () => {
    for (let i = 0; i < 3; i++) await seedMember(ctx, `p${i}@acme.test`);
    const two = await scim(ctx, 'GET', '/Users?count=2');
    expect(two.body).toMatchObject({ totalResults: 4, itemsPerPage: 2, startIndex: 1 });
    expect(two.body.Resources).toHaveLength(2);
    const last = await scim(ctx, 'GET', '/Users?count=3&startIndex=3');
    expect(last.body).toMatchObject({ itemsPerPage: 3, startIndex: 3 });
    expect(last.body.Resources).toHaveLength(2);
    for (const count of ['1000000', '0', '-5', 'abc'])
      expect((await scim(ctx, 'GET', `/Users?count=${count}`)).body.itemsPerPage, count).toBe(100);
    expect((await scim(ctx, 'GET', '/Users?startIndex=0')).body.startIndex).toBe(1);
  });

  it('does not list in creation order', async () => {
    const ids = [ctx.org.admin.userId];
    for (let i = 0; i < 9; i++) ids.push(await seedMember(ctx, `o${i}@acme.test`));
    const listed = (await scim(ctx, 'GET', '/Users')).body.Resources.map((u: Json) => u.id);
    expect([...listed].sort()).toEqual([...ids].sort());
    expect(listed).not.toEqual(ids);
  });

  it('shows a REST-disabled member as active, and active:true does not clear the REST flag (trap 13)', async () => {
    const id = await seedMember(ctx, 'dis@acme.test', { disabled: true });
    expect((await scim(ctx, 'GET', `/Users/${id}`)).body.active).toBe(true);
    await scim(ctx, 'PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: true }));
    expect((await dump(ctx)).members.find((m: Json) => m.userId === id).disabled).toBe(true);
  });

  it('answers 404 "User not found" for someone who is not a member here', async () => {
    const other = (await control(ctx, 'POST', '/_fake/organizations', { name: 'Globex' })).body;
    expectScimError(await scim(ctx, 'GET', `/Users/${other.admin.userId}`), 404, 'User not found');
    expectScimError(await scim(ctx, 'PUT', '/Users/nope', user('x@acme.test')), 404, 'User not found');
    expectScimError(await scim(ctx, 'PATCH', '/Users/nope', patchOp()), 404, 'User not found');
    expectScimError(await scim(ctx, 'DELETE', '/Users/nope'), 404, 'User not found');
  });
});

describe('SCIM PUT and PATCH /Users (§A1 traps 3, 4)', () => {
  it('PUT resets the name, lowercases the email, and reads active false/omitted', async () => {
    const id = await scimUser(ctx, 'fay@acme.test', { givenName: 'Fay', familyName: 'Wong' });
    const put = await scim(ctx, 'PUT', `/Users/${id}`, user(' FAY.NEW@Acme.test '.trim(), { active: false }));
    expect(put.body).toMatchObject({ userName: 'fay.new@acme.test', name: { givenName: 'FAY.NEW', familyName: '' }, active: false });
    expect((await scim(ctx, 'PUT', `/Users/${id}`, user('fay.new@acme.test'))).body.active).toBe(true);
  });

  it('PUT or PATCH to an address another account has is the flat REST 409', async () => {
    const id = await scimUser(ctx, 'gus@acme.test');
    for (const r of [
      await scim(ctx, 'PUT', `/Users/${id}`, user(ctx.org.admin.email.toUpperCase())),
      await scim(ctx, 'PATCH', `/Users/${id}`, patchOp({ op: 'replace', value: { userName: ctx.org.admin.email } })),
    ]) {
      expect(r.status).toBe(409);
      expect(r.headers.get('content-type')).toContain('application/json');
      expect(r.body).toEqual({ error: 'Conflict', message: 'Unique constraint violated on email' });
    }
    expect((await scim(ctx, 'GET', `/Users/${id}`)).body.userName).toBe('gus@acme.test');
  });

  it('PATCH active: false and "false" deactivate; "False", true and anything else reactivate', async () => {
    const id = await scimUser(ctx, 'hal@acme.test');
    const active = async (value: unknown, op = 'replace') =>
      (await scim(ctx, 'PATCH', `/Users/${id}`, patchOp({ op, path: 'active', value }))).body.active;
    expect(await active(false)).toBe(false);
    expect(await active('False')).toBe(true);
    expect(await active('false', 'Replace')).toBe(false);
    expect(await active(true)).toBe(true);
    expect(await active(false)).toBe(false);
    expect(await active(0)).toBe(true);
  });

  it('PATCH with a value object: active only === false, userName lowercased, name or dotted name', async () => {
    const id = await scimUser(ctx, 'ivy@acme.test');
    const patch = async (value: unknown) => (await scim(ctx, 'PATCH', `/Users/${id}`, patchOp({ op: 'replace', value }))).body;
    expect((await patch({ active: false })).active).toBe(false);
    expect((await patch({ active: 'false' })).active).toBe(true);
    expect((await patch({ userName: 'IVY.NEW@Acme.test' })).userName).toBe('ivy.new@acme.test');
    expect((await patch({ name: { givenName: 'Ivy', familyName: 'Stone' } })).name).toEqual({ givenName: 'Ivy', familyName: 'Stone' });
    expect((await patch({ 'name.givenName': 'Ivie' })).name).toEqual({ givenName: 'Ivie', familyName: '' });
    const r = await scim(ctx, 'PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: { active: false } }));
    expect(r.body.active).toBe(false);
  });

  it('answers 200 and changes nothing for the path forms, add and remove (trap 3)', async () => {
    const id = await scimUser(ctx, 'jo@acme.test', { givenName: 'Jo', familyName: 'Park' });
    const before = (await scim(ctx, 'GET', `/Users/${id}`)).body;
    const noops = [
      { op: 'replace', path: 'userName', value: 'new@acme.test' },
      { op: 'replace', path: 'name.givenName', value: 'Joanna' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@acme.test' },
      { op: 'add', path: 'name.familyName', value: 'Kim' },
      { op: 'add', value: { active: false } },
      { op: 'remove', path: 'active' },
      { op: 'replace', path: 'Active', value: false },
    ];
    for (const op of noops) {
      const r = await scim(ctx, 'PATCH', `/Users/${id}`, patchOp(op));
      expect(r.status, JSON.stringify(op)).toBe(200);
      expect({ ...r.body, meta: null }, JSON.stringify(op)).toEqual({ ...before, meta: null });
    }
  });

  it('refuses an unknown op, a missing Operations and a non-JSON body with 400', async () => {
    const id = await scimUser(ctx, 'kai@acme.test');
    expectScimError(await scim(ctx, 'PATCH', `/Users/${id}`, patchOp({ op: 'Delete', value: {} })), 400);
    expectScimError(await scim(ctx, 'PATCH', `/Users/${id}`, { schemas: [] }), 400);
    expectScimError(
      await raw(ctx, 'PATCH', `/api/scim/v2/Users/${id}`, { raw: 'nope', auth: `Bearer ${ctx.scimToken}` }),
      400,
      'Invalid JSON in request body',
    );
  });
});

describe('account-wide deactivation and DELETE (§A1 "DELETE", "active:false", traps 5 and 6)', () => {
  it('deactivates a shared account in every organization; active:true or a POST elsewhere undoes it', async () => {
    const other = (await control(ctx, 'POST', '/_fake/organizations', { name: 'Globex' })).body;
    const id = await seedMember(ctx, 'lee@acme.test');
    expect(await seedMember(ctx, 'lee@acme.test', {}, other.organizationId)).toBe(id);
    await scim(ctx, 'PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    const globex = (await control(ctx, 'GET', `/_fake/state?organizationId=${other.organizationId}`)).body.organizations[0];
    expect(globex.members.find((m: Json) => m.userId === id)).toMatchObject({ deactivated: true, disabled: false });
    // The REST member rows of the other organization still read enabled: only SCIM shows it.
    const row = await rest(ctx, 'GET', `/api/organization/members/${id}`, undefined, other.apiKey);
    expect(row.body.disabled).toBe(false);
  });

  it('lets SCIM deactivate and delete the last admin: there is no guard (trap 6)', async () => {
    expect(
      (await scim(ctx, 'PATCH', `/Users/${ctx.org.admin.userId}`, patchOp({ op: 'replace', path: 'active', value: false }))).body.active,
    ).toBe(false);
    expect((await scim(ctx, 'DELETE', `/Users/${ctx.org.admin.userId}`)).status).toBe(204);
  });

  it('DELETE: 204, membership and bindings gone, account deactivated, group rows kept, second DELETE 404, POST re-adds the id', async () => {
    const id = await scimUser(ctx, 'max@acme.test');
    const group = await scimGroup(ctx, 'Staff', [id]);
    const del = await scim(ctx, 'DELETE', `/Users/${id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expectScimError(await scim(ctx, 'GET', `/Users/${id}`), 404, 'User not found');
    expect((await rest(ctx, 'GET', `/api/organization/members/${id}`)).status).toBe(404);
    expect((await scim(ctx, 'GET', `/Groups/${group}`)).body.members).toEqual([{ value: id, display: 'max@acme.test' }]);
    expect((await rest(ctx, 'GET', `/api/groups/${group}`)).body.members).toEqual([]);
    const state = await control(ctx, 'GET', '/_fake/state');
    expect(state.body.users.find((u: Json) => u.id === id).deactivated).toBe(true);
    expectScimError(await scim(ctx, 'DELETE', `/Users/${id}`), 404);
    const again = await scim(ctx, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'max@acme.test' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id, active: true });
    expect((await dump(ctx)).members.find((m: Json) => m.userId === id).role).toBe('MEMBER');
  });
});
