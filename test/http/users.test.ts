import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

function user(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Ana', familyName: 'Lima' },
    emails: [{ primary: true, type: 'work', value: `${userName}` }],
    active: true,
    ...extra,
  };
}

async function create(userName: string, extra: Record<string, unknown> = {}, token?: string) {
  const res = await h.request('POST', '/scim/v2/Users', { body: user(userName, extra), ...(token ? { token } : {}) });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; meta: { version: string } };
}

describe('POST /Users', () => {
  it('creates a user: 201, Location, ETag, scim+json, meta, active defaulted, no password', async () => {
    const res = await h.request('POST', '/scim/v2/Users', {
      body: { ...user('ana@example.com'), active: undefined, password: 'hunter2-secret' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('location')).toBe(`http://localhost/scim/v2/Users/${res.body.id}`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body.schemas).toEqual([USER_SCHEMA]);
    expect(res.body.active).toBe(true);
    expect(res.body.password).toBeUndefined();
    expect(res.body.meta).toEqual({
      resourceType: 'User',
      created: expect.any(String),
      lastModified: expect.any(String),
      location: `http://localhost/scim/v2/Users/${res.body.id}`,
      version: 'W/"1"',
    });
    expect(JSON.stringify(h.db.prepare('SELECT * FROM scim_users').all())).not.toContain('hunter2-secret');
  });

  it('accepts application/json and application/scim+json with charset', async () => {
    for (const [i, type] of ['application/json', 'application/scim+json; charset=utf-8', 'application/json;charset=UTF-8'].entries()) {
      const res = await h.request('POST', '/scim/v2/Users', { body: user(`u${i}@example.com`), headers: { 'Content-Type': type } });
      expect(res.status, type).toBe(201);
    }
  });

  it('refuses a non-JSON media type with 415 and bad JSON with 400 invalidSyntax', async () => {
    const xml = await h.request('POST', '/scim/v2/Users', { rawBody: '<user/>', headers: { 'Content-Type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect(xml.body.schemas).toEqual([ERROR_SCHEMA]);
    const bad = await h.request('POST', '/scim/v2/Users', {
      rawBody: '{"userName":',
      headers: { 'Content-Type': 'application/scim+json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('answers 409 uniqueness for the same userName in another case, exactly as the filter finds it', async () => {
    await create('Ana.Lima@Example.com');
    const found = await h.request('GET', '/scim/v2/Users?filter=' + encodeURIComponent('userName eq "ana.lima@example.COM"'));
    expect(found.body.totalResults).toBe(1);
    const dup = await h.request('POST', '/scim/v2/Users', { body: user('ANA.LIMA@EXAMPLE.COM') });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness', detail: expect.any(String) });
  });

  it('folds non-ASCII letters for uniqueness and filters alike', async () => {
    await create('élodie@example.com');
    const found = await h.request('GET', '/scim/v2/Users?filter=' + encodeURIComponent('userName eq "ÉLODIE@example.com"'));
    expect(found.body.totalResults).toBe(1);
    expect((await h.request('POST', '/scim/v2/Users', { body: user('ÉLODIE@EXAMPLE.COM') })).status).toBe(409);
  });

  it('the same userName may exist in two connections', async () => {
    await create('shared@example.com');
    await create('shared@example.com', {}, h.tokens.azure);
  });

  it('requires userName: 400 invalidValue naming it', async () => {
    const res = await h.request('POST', '/scim/v2/Users', { body: { schemas: [USER_SCHEMA], name: { givenName: 'x' } } });
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidValue');
    expect(res.body.detail).toMatch(/userName/);
  });

  it("stores Entra's example 2 without garbage: malformed URN, nulls, read-only meta", async () => {
    const res = await h.request('POST', '/scim/v2/Users', {
      body: {
        schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
        externalId: 'jyoung',
        userName: 'Jason@contoso.com',
        active: true,
        addresses: null,
        displayName: 'Jason Young',
        emails: [{ type: 'work', value: 'Jason@contoso.com', primary: true }],
        meta: { resourceType: 'User' },
        name: { familyName: 'Young', givenName: 'Jason' },
        phoneNumbers: null,
        preferredLanguage: null,
        title: null,
        department: null,
        manager: null,
        groups: [],
        roles: [],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.schemas).toEqual([USER_SCHEMA]);
    for (const key of ['addresses', 'phoneNumbers', 'preferredLanguage', 'title', 'department', 'manager', 'groups']) {
      expect(res.body, key).not.toHaveProperty(key);
    }
    const stored = h.db.prepare('SELECT resource FROM scim_users').pluck().get() as string;
    expect(stored).not.toMatch(/2\.0User|meta|null/);
  });

  it('coerces Entra\'s "True" string for active', async () => {
    const res = await h.request('POST', '/scim/v2/Users', { body: user('emp1@example.com', { active: 'True' }) });
    expect(res.status).toBe(201);
    expect(res.body.active).toBe(true);
  });

  it('keeps the enterprise extension and the manager reference as sent', async () => {
    const boss = await create('boss@example.com');
    const res = await h.request('POST', '/scim/v2/Users', {
      body: user('worker@example.com', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        [ENTERPRISE]: { employeeNumber: '42', department: 'R&D', manager: { value: boss.id } },
      }),
    });
    expect(res.status).toBe(201);
    expect(res.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    expect(res.body[ENTERPRISE]).toMatchObject({ employeeNumber: '42', department: 'R&D', manager: { value: boss.id } });
    // A manager the bridge has not seen (out of the IdP's scope, or not pushed yet) is kept as
    // the IdP's reference: refusing the user over it would lose the user.
    const unseen = await h.request('POST', '/scim/v2/Users', {
      body: user('x@example.com', { [ENTERPRISE]: { manager: { value: 'not-pushed-yet' } } }),
    });
    expect(unseen.status).toBe(201);
    expect(unseen.body[ENTERPRISE].manager).toEqual({ value: 'not-pushed-yet' });
  });
});

describe('GET /Users', () => {
  it('gets by id, 404 with a SCIM error for an unknown id, and accepts a trailing slash and unknown query parameters', async () => {
    const u = await create('ana@example.com');
    const res = await h.request('GET', `/scim/v2/Users/${u.id}/?aadOptscim062020`);
    expect(res.status).toBe(200);
    expect(res.body.userName).toBe('ana@example.com');
    const missing = await h.request('GET', '/scim/v2/Users/010101001010101011001010101011');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ schemas: [ERROR_SCHEMA], status: '404', detail: expect.stringMatching(/.+/) });
    const list = await h.request('GET', '/scim/v2/Users/?aadOptscim062020');
    expect(list.status).toBe(200);
  });

  it('filters by userName with no match: 200 and an empty ListResponse with numbers', async () => {
    const res = await h.request('GET', '/scim/v2/Users?filter=userName+eq+%227d420df3-9995-4831-a406-ecf8166f5f6a%22');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('filters by unquoted externalId and by the work email', async () => {
    const u = await create('jason@contoso.com', { externalId: 'jyoung' });
    await create('other@contoso.com', { externalId: 'other' });
    const byExt = await h.request('GET', '/scim/v2/Users?filter=externalId+eq+jyoung');
    expect(byExt.body.Resources.map((r: { id: string }) => r.id)).toEqual([u.id]);
    const byEmail = await h.request(
      'GET',
      '/scim/v2/Users?filter=' + encodeURIComponent('emails[type eq "work"].value eq "JASON@contoso.com"'),
    );
    expect(byEmail.body.Resources.map((r: { id: string }) => r.id)).toEqual([u.id]);
  });

  it('answers an unparsable filter or unknown attribute with 400 invalidFilter, never an unfiltered page', async () => {
    await create('ana@example.com');
    for (const f of ['userName eq', 'userName xx "a"', 'nosuchattr eq "a"', '(userName eq "a"']) {
      const res = await h.request('GET', '/scim/v2/Users?filter=' + encodeURIComponent(f));
      expect(res.status, f).toBe(400);
      expect(res.body.scimType, f).toBe('invalidFilter');
    }
  });

  it('pages with a stable order, an honest totalResults, a capped count and startIndex below 1 read as 1', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create(`user${i}@example.com`)).id);
    const seen: string[] = [];
    for (let start = 1; start <= 7; start += 3) {
      const page = await h.request('GET', `/scim/v2/Users?startIndex=${start}&count=3`);
      expect(page.body).toMatchObject({ totalResults: 7, startIndex: start });
      expect(page.body.itemsPerPage).toBe(page.body.Resources.length);
      seen.push(...page.body.Resources.map((r: { id: string }) => r.id));
    }
    expect(seen).toEqual(ids);
    const zero = await h.request('GET', '/scim/v2/Users?startIndex=0&count=1');
    expect(zero.body.startIndex).toBe(1);
    const big = await h.request('GET', '/scim/v2/Users?count=100000');
    expect(big.body.itemsPerPage).toBe(7);
    const none = await h.request('GET', '/scim/v2/Users?count=0');
    expect(none.body).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
    const bad = await h.request('GET', '/scim/v2/Users?count=abc');
    expect(bad.status).toBe(400);
  });

  it('sorts by userName both ways', async () => {
    for (const n of ['b@x.com', 'C@x.com', 'a@x.com']) await create(n);
    const asc = await h.request('GET', '/scim/v2/Users?sortBy=userName');
    expect(asc.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['a@x.com', 'b@x.com', 'C@x.com']);
    const desc = await h.request('GET', '/scim/v2/Users?sortBy=userName&sortOrder=descending');
    expect(desc.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['C@x.com', 'b@x.com', 'a@x.com']);
  });

  it('projects attributes and excludedAttributes, always keeping id and schemas', async () => {
    await create('ana@example.com');
    const only = await h.request('GET', '/scim/v2/Users?attributes=userName,emails.value');
    expect(Object.keys(only.body.Resources[0]).sort()).toEqual(['emails', 'id', 'schemas', 'userName']);
    expect(only.body.Resources[0].emails).toEqual([{ value: 'ana@example.com' }]);
    const without = await h.request('GET', '/scim/v2/Users?excludedAttributes=emails,name.givenName,id');
    const r = without.body.Resources[0];
    expect(r.emails).toBeUndefined();
    expect(r.name).toEqual({ familyName: 'Lima' });
    expect(r.id).toBeDefined();
  });

  it('keeps an inactive user readable by id and by filter', async () => {
    const u = await create('gone@example.com');
    await h.request('PATCH', `/scim/v2/Users/${u.id}`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    });
    expect((await h.request('GET', `/scim/v2/Users/${u.id}`)).body.active).toBe(false);
    const f = await h.request('GET', '/scim/v2/Users?filter=' + encodeURIComponent('userName eq "gone@example.com" and active eq false'));
    expect(f.body.totalResults).toBe(1);
  });
});

describe('PUT, PATCH, DELETE /Users/{id}', () => {
  it('PUT replaces the user and ignores id, meta and groups in the body', async () => {
    const u = await create('ana@example.com', { title: 'Engineer' });
    const res = await h.request('PUT', `/scim/v2/Users/${u.id}`, {
      body: {
        ...user('ana@example.com'),
        id: 'something-else',
        meta: { resourceType: 'User' },
        groups: [],
        name: { givenName: 'Another', familyName: 'Lima' },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(u.id);
    expect(res.body.title).toBeUndefined();
    expect(res.body.name.givenName).toBe('Another');
    expect(res.body.meta.version).toBe('W/"2"');
  });

  it('PUT without userName is 400; PUT of an unknown id is 404', async () => {
    const u = await create('ana@example.com');
    const res = await h.request('PUT', `/scim/v2/Users/${u.id}`, { body: { schemas: [USER_SCHEMA], active: true } });
    expect(res.status).toBe(400);
    expect((await h.request('PUT', '/scim/v2/Users/nope', { body: user('x@example.com') })).status).toBe(404);
  });

  it('PATCH answers 200 with the resource (Okta path-less deactivate)', async () => {
    const u = await create('ana@example.com');
    const res = await h.request('PATCH', `/scim/v2/Users/${u.id}`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: u.id, active: false, meta: { version: 'W/"2"' } });
  });

  it('a PATCH that changes nothing does not change the version', async () => {
    const u = await create('ana@example.com');
    const res = await h.request('PATCH', `/scim/v2/Users/${u.id}`, {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.meta.version).toBe('W/"1"');
  });

  it('a PATCH whose second operation fails changes nothing', async () => {
    const u = await create('ana@example.com');
    const res = await h.request('PATCH', `/scim/v2/Users/${u.id}`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'Changed' },
          { op: 'frobnicate', path: 'title', value: 'x' },
        ],
      },
    });
    expect(res.status).toBe(400);
    const after = await h.request('GET', `/scim/v2/Users/${u.id}`);
    expect(after.body.displayName).toBeUndefined();
    expect(after.body.meta.version).toBe('W/"1"');
  });

  it('a PATCH renaming to a taken userName is 409 uniqueness', async () => {
    await create('taken@example.com');
    const u = await create('ana@example.com');
    const res = await h.request('PATCH', `/scim/v2/Users/${u.id}`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'userName', value: 'TAKEN@example.com' }],
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.scimType).toBe('uniqueness');
  });

  it('DELETE answers 204, then GET and a second DELETE are 404', async () => {
    const u = await create('ana@example.com');
    expect((await h.request('DELETE', `/scim/v2/Users/${u.id}`)).status).toBe(204);
    expect((await h.request('GET', `/scim/v2/Users/${u.id}`)).status).toBe(404);
    expect((await h.request('DELETE', `/scim/v2/Users/${u.id}`)).status).toBe(404);
  });
});

describe('ETags', () => {
  it('If-None-Match on GET answers 304 for the current version and 200 otherwise', async () => {
    const u = await create('ana@example.com');
    const same = await h.request('GET', `/scim/v2/Users/${u.id}`, { headers: { 'If-None-Match': 'W/"1"' } });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe('W/"1"');
    const other = await h.request('GET', `/scim/v2/Users/${u.id}`, { headers: { 'If-None-Match': 'W/"7"' } });
    expect(other.status).toBe(200);
  });

  it('If-Match on PUT, PATCH and DELETE answers 412 when stale and proceeds when current', async () => {
    const u = await create('ana@example.com');
    const patch = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'title', value: 'T' }],
    };
    const stale = { 'If-Match': 'W/"9"' };
    expect((await h.request('PUT', `/scim/v2/Users/${u.id}`, { body: user('ana@example.com'), headers: stale })).status).toBe(412);
    expect((await h.request('PATCH', `/scim/v2/Users/${u.id}`, { body: patch, headers: stale })).status).toBe(412);
    expect((await h.request('DELETE', `/scim/v2/Users/${u.id}`, { headers: stale })).status).toBe(412);
    const ok = await h.request('PATCH', `/scim/v2/Users/${u.id}`, { body: patch, headers: { 'If-Match': 'W/"1"' } });
    expect(ok.status).toBe(200);
    expect((await h.request('DELETE', `/scim/v2/Users/${u.id}`, { headers: { 'If-Match': '*' } })).status).toBe(204);
  });
});
