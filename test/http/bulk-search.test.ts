import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

describe('Bulk', () => {
  it('runs operations in order and resolves bulkId references, even to a later POST', async () => {
    const res = await h.request('POST', '/scim/v2/Bulk', {
      body: {
        schemas: [BULK],
        Operations: [
          { method: 'POST', path: '/Groups', bulkId: 'g1', data: { displayName: 'Team', members: [{ value: 'bulkId:u1' }] } },
          { method: 'POST', path: '/Users', bulkId: 'u1', data: { userName: 'ana@example.com' } },
          { method: 'PATCH', path: '/Users/bulkId:u1', data: { Operations: [{ op: 'replace', path: 'title', value: 'Boss' }] } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    const [g, u, p] = res.body.Operations;
    expect(g).toMatchObject({ method: 'POST', bulkId: 'g1', status: '201', location: expect.stringContaining('/Groups/') });
    expect(u).toMatchObject({ method: 'POST', bulkId: 'u1', status: '201', version: 'W/"1"' });
    expect(p).toMatchObject({ method: 'PATCH', status: '200', version: 'W/"2"' });
    const group = await h.request('GET', new URL(g.location).pathname);
    expect(group.body.members.map((m: { value: string }) => m.value)).toEqual([new URL(u.location).pathname.split('/').pop()]);
  });

  it('reports a failed operation in place, and stops after failOnErrors failures', async () => {
    const res = await h.request('POST', '/scim/v2/Bulk', {
      body: {
        schemas: [BULK],
        failOnErrors: 1,
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: { name: { givenName: 'no userName' } } },
          { method: 'POST', path: '/Users', bulkId: 'b', data: { userName: 'b@example.com' } },
        ],
      },
    });
    expect(res.body.Operations).toHaveLength(1);
    expect(res.body.Operations[0]).toMatchObject({ status: '400', response: { scimType: 'invalidValue' } });
    expect((await h.request('GET', '/scim/v2/Users')).body.totalResults).toBe(0);
  });

  it('an unresolvable bulkId fails that operation with 409 invalidValue', async () => {
    const res = await h.request('POST', '/scim/v2/Bulk', {
      body: {
        schemas: [BULK],
        Operations: [{ method: 'POST', path: '/Groups', bulkId: 'g', data: { displayName: 'G', members: [{ value: 'bulkId:nope' }] } }],
      },
    });
    expect(res.body.Operations[0]).toMatchObject({ status: '409', response: { scimType: 'invalidValue' } });
  });

  it('a cycle of bulkId references fails every operation in it, and so does a reference to its own bulkId: 409 invalidValue', async () => {
    const res = await h.request('POST', '/scim/v2/Bulk', {
      body: {
        schemas: [BULK],
        Operations: [
          { method: 'POST', path: '/Groups', bulkId: 'a', data: { displayName: 'A', members: [{ value: 'bulkId:b' }] } },
          { method: 'POST', path: '/Groups', bulkId: 'b', data: { displayName: 'B', members: [{ value: 'bulkId:a' }] } },
          { method: 'PATCH', path: '/Users/bulkId:c', bulkId: 'c', data: { Operations: [] } },
        ],
      },
    });
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['409', '409', '409']);
    expect(res.body.Operations[0].response.scimType).toBe('invalidValue');
  });

  it('enforces maxOperations and maxPayloadSize with 413', async () => {
    const ops = Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/${i}` }));
    expect((await h.request('POST', '/scim/v2/Bulk', { body: { schemas: [BULK], Operations: ops } })).status).toBe(413);
    const big = {
      schemas: [BULK],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'x', data: { userName: 'x', title: 'y'.repeat(1024 * 1024) } }],
    };
    expect((await h.request('POST', '/scim/v2/Bulk', { body: big })).status).toBe(413);
  });

  it('refuses a malformed request with 400', async () => {
    for (const body of [
      [],
      { Operations: 'x' },
      { Operations: [{ method: 'POST' }] },
      { Operations: [{ method: 'POST', path: '/Users', data: {} }] },
    ]) {
      const res = await h.request('POST', '/scim/v2/Bulk', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('POST /.search', () => {
  it('searches one resource type with a SearchRequest body', async () => {
    await h.request('POST', '/scim/v2/Users', { body: { userName: 'ana@example.com' } });
    await h.request('POST', '/scim/v2/Users', { body: { userName: 'bob@example.com' } });
    const res = await h.request('POST', '/scim/v2/Users/.search', {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'userName sw "ana"',
        attributes: ['userName'],
        startIndex: 1,
        count: 10,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(1);
    expect(Object.keys(res.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
  });

  it('searches Users then Groups at the root, paged as one list', async () => {
    await h.request('POST', '/scim/v2/Users', { body: { userName: 'ana@example.com' } });
    await h.request('POST', '/scim/v2/Groups', { body: { displayName: 'Team' } });
    const all = await h.request('POST', '/scim/v2/.search', { body: { startIndex: 1, count: 10 } });
    expect(all.body.totalResults).toBe(2);
    expect(all.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType)).toEqual(['User', 'Group']);
    const second = await h.request('POST', '/scim/v2/.search', { body: { startIndex: 2, count: 1 } });
    expect(second.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType)).toEqual(['Group']);
    const usersOnly = await h.request('POST', '/scim/v2/.search', { body: { filter: 'userName pr' } });
    expect(usersOnly.body.totalResults).toBe(1);
    const bad = await h.request('POST', '/scim/v2/.search', { body: { filter: 'nope eq 1' } });
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe('invalidFilter');
  });
});
