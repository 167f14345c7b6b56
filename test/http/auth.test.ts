import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { revokeTokens, findConnection, DEFAULT_ORGANIZATION_ID } from '../../src/store/connections.repo.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const ROUTES: [string, string, unknown?][] = [
  ['GET', '/scim/v2/Users'],
  ['POST', '/scim/v2/Users', { userName: 'x@example.com' }],
  ['GET', '/scim/v2/Groups'],
  ['POST', '/scim/v2/Groups', { displayName: 'x' }],
  ['POST', '/scim/v2/.search', { filter: 'userName eq "x"' }],
  ['POST', '/scim/v2/Users/.search', {}],
  ['POST', '/scim/v2/Bulk', { Operations: [] }],
];

describe('bearer tokens', () => {
  for (const [method, path, body] of ROUTES) {
    it(`${method} ${path}: 401 with a SCIM error without a token, with an unknown token, with a malformed header`, async () => {
      for (const headers of [
        {} as Record<string, string>,
        { Authorization: 'Bearer not-a-real-token' },
        { Authorization: 'Basic dXNlcjpwYXNz' },
        { Authorization: 'non-token' },
      ]) {
        const res = await h.request(method, path, { token: null, headers, ...(body ? { body } : {}) });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
        expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
        expect(res.body.detail).toBeTruthy();
      }
    });
  }

  it('a revoked token stops working; the scheme is case-insensitive', async () => {
    expect((await h.request('GET', '/scim/v2/Users', { token: null, headers: { Authorization: `bearer ${h.tokens.okta}` } })).status).toBe(
      200,
    );
    revokeTokens(h.db, findConnection(h.db, DEFAULT_ORGANIZATION_ID, 'okta')!.id);
    expect((await h.request('GET', '/scim/v2/Users')).status).toBe(401);
  });

  it('records the last use of the connection', async () => {
    await h.request('GET', '/scim/v2/Users', { token: h.tokens.azure });
    expect(findConnection(h.db, DEFAULT_ORGANIZATION_ID, 'azure-ad')!.lastUsedAt).not.toBeNull();
  });
});

describe('each connection is its own namespace', () => {
  it("another connection's users and groups are 404 on every route and absent from lists and searches", async () => {
    const u = (await h.request('POST', '/scim/v2/Users', { body: { userName: 'ana@example.com' } })).body.id;
    const g = (await h.request('POST', '/scim/v2/Groups', { body: { displayName: 'Eng', members: [{ value: u }] } })).body.id;
    const azure = { token: h.tokens.azure };
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] };
    for (const [kind, id, put] of [
      ['Users', u, { userName: 'z@example.com' }],
      ['Groups', g, { displayName: 'z' }],
    ] as const) {
      expect((await h.request('GET', `/scim/v2/${kind}/${id}`, azure)).status).toBe(404);
      expect((await h.request('PUT', `/scim/v2/${kind}/${id}`, { ...azure, body: put })).status).toBe(404);
      expect((await h.request('PATCH', `/scim/v2/${kind}/${id}`, { ...azure, body: patch })).status).toBe(404);
      expect((await h.request('DELETE', `/scim/v2/${kind}/${id}`, azure)).status).toBe(404);
      expect((await h.request('GET', `/scim/v2/${kind}`, azure)).body.totalResults).toBe(0);
    }
    expect((await h.request('POST', '/scim/v2/.search', { ...azure, body: {} })).body.totalResults).toBe(0);
    const bulk = await h.request('POST', '/scim/v2/Bulk', {
      ...azure,
      body: { Operations: [{ method: 'DELETE', path: `/Users/${u}` }] },
    });
    expect(bulk.body.Operations[0].status).toBe('404');
    // Nothing the azure token tried changed the okta resources.
    expect((await h.request('GET', `/scim/v2/Users/${u}`)).body.userName).toBe('ana@example.com');
    expect((await h.request('GET', `/scim/v2/Groups/${g}`)).body.members).toHaveLength(1);
  });
});
