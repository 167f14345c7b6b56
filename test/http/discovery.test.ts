import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

describe('discovery', () => {
  it('ServiceProviderConfig describes what the bridge does, with numbers as numbers', async () => {
    const res = await h.request('GET', '/scim/v2/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', description: expect.any(String) }],
    });
  });

  it('ResourceTypes lists User (with the enterprise extension) and Group, and serves each by name', async () => {
    const res = await h.request('GET', '/scim/v2/ResourceTypes');
    expect(res.body.totalResults).toBe(2);
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const user = await h.request('GET', '/scim/v2/ResourceTypes/User');
    expect(user.body).toMatchObject({
      endpoint: '/Users',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }],
    });
    expect((await h.request('GET', '/scim/v2/ResourceTypes/Nope')).status).toBe(404);
  });

  it('Schemas lists the three schemas with their attributes, and serves each by URN', async () => {
    const res = await h.request('GET', '/scim/v2/Schemas');
    expect(res.body.Resources.map((s: { id: string }) => s.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ]);
    const user = await h.request('GET', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    const names = user.body.attributes.map((a: { name: string }) => a.name);
    for (const n of [
      'userName',
      'name',
      'emails',
      'phoneNumbers',
      'addresses',
      'ims',
      'photos',
      'entitlements',
      'roles',
      'x509Certificates',
      'groups',
      'active',
      'externalId',
    ]) {
      expect(names).toContain(n);
    }
    const userName = user.body.attributes.find((a: { name: string }) => a.name === 'userName');
    expect(userName).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server' });
  });

  it('answers other methods with 405 and needs no token', async () => {
    for (const path of ['/scim/v2/ServiceProviderConfig', '/scim/v2/ResourceTypes', '/scim/v2/Schemas']) {
      const post = await h.request('POST', path, { body: {} });
      expect(post.status, path).toBe(405);
      expect(post.body.status).toBe('405');
      expect((await h.request('GET', path, { token: null })).status).toBe(200);
      expect((await h.request('DELETE', path)).status).toBe(405);
    }
  });
});

describe('errors and limits', () => {
  it('endpoint names match case-insensitively; ids keep their case', async () => {
    const id = (await h.request('POST', '/scim/v2/users', { body: { userName: 'ana@example.com' } })).body.id;
    expect((await h.request('GET', `/scim/v2/USERS/${id}`)).status).toBe(200);
    expect((await h.request('GET', `/scim/v2/Users/${id.toUpperCase()}`)).status).toBe(404);
    expect((await h.request('GET', '/scim/v2/serviceproviderconfig', { token: null })).status).toBe(200);
    expect((await h.request('POST', '/scim/v2/users/.SEARCH', { body: {} })).body.totalResults).toBe(1);
  });

  it('an unknown SCIM path is a SCIM 404', async () => {
    const res = await h.request('GET', '/scim/v2/Nope');
    expect(res.status).toBe(404);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('healthz answers 200 {"status":"ok"} without auth', async () => {
    const res = await h.request('GET', '/healthz', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('a body over the size limit is refused with 413', async () => {
    const res = await h.request('POST', '/scim/v2/Users', {
      rawBody: JSON.stringify({ userName: 'x', title: 'y'.repeat(17 * 1024 * 1024) }),
      headers: { 'Content-Type': 'application/scim+json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.status).toBe('413');
  });
});
