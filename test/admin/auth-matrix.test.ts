/**
 * The auth matrix: one table of every admin route, run against every kind of caller. The table
 * is checked against the admin app's own route list, so a new route without a row fails here.
 */
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { adminRoutes, OPENAPI_PATH } from '../../src/api/admin/index.js';
import { authenticateAdminKey, createAdminKey, listAdminKeys, revokeAdminKey } from '../../src/store/admin-keys.repo.js';
import { DEFAULT_ORGANIZATION_ID, ensureOrganization } from '../../src/store/connections.repo.js';
import { createHarness, TEST_ADMIN_KEY, type Harness, type HarnessResponse } from '../helpers/harness.js';

interface Ids {
  group: string;
  binding: string;
  /** A MEMBER who is in the group. */
  member: string;
  /** An ADMIN who is not in the group. */
  admin: string;
  /** A sync-log entry (of a SCIM write). */
  log: string;
}

let inviteSeq = 0;

/** Method, route as the app registers it, the scope it needs, its success status, and a valid body. */
const ROUTES: { route: string; scope: 'view' | 'manage'; ok: number; body?: (ids: Ids) => unknown }[] = [
  { route: 'GET /api/groups', scope: 'view', ok: 200 },
  { route: 'POST /api/groups', scope: 'manage', ok: 201, body: () => ({ name: 'Matrix group' }) },
  { route: 'GET /api/groups/:id', scope: 'view', ok: 200 },
  { route: 'PATCH /api/groups/:id', scope: 'manage', ok: 200, body: () => ({ name: 'Renamed' }) },
  { route: 'DELETE /api/groups/:id', scope: 'manage', ok: 204 },
  { route: 'GET /api/groups/:id/members', scope: 'view', ok: 200 },
  { route: 'POST /api/groups/:id/members', scope: 'manage', ok: 201, body: (ids) => ({ userId: ids.admin }) },
  { route: 'DELETE /api/groups/:id/members/:userId', scope: 'manage', ok: 204 },
  { route: 'GET /api/groups/:id/bindings', scope: 'view', ok: 200 },
  {
    route: 'POST /api/groups/:id/bindings',
    scope: 'manage',
    ok: 201,
    body: () => ({ role: 'ADMIN', scopeType: 'PROJECT', scopeId: 'project-1' }),
  },
  { route: 'DELETE /api/groups/:id/bindings/:bindingId', scope: 'manage', ok: 204 },
  { route: 'GET /api/organization/members', scope: 'view', ok: 200 },
  { route: 'GET /api/organization/members/:userId', scope: 'view', ok: 200 },
  { route: 'PATCH /api/organization/members/:userId', scope: 'manage', ok: 200, body: () => ({ role: 'EXTERNAL' }) },
  { route: 'DELETE /api/organization/members/:userId', scope: 'manage', ok: 204 },
  { route: 'GET /api/organization/members/:userId/access', scope: 'view', ok: 200 },
  {
    route: 'POST /api/organization/invites',
    scope: 'manage',
    ok: 201,
    body: () => ({ invites: [{ email: `matrix-${++inviteSeq}@example.com`, role: 'MEMBER' }] }),
  },
  { route: 'GET /api/deliveries', scope: 'view', ok: 200 },
  { route: 'GET /api/sync-logs', scope: 'view', ok: 200 },
  { route: 'GET /api/sync-logs/export', scope: 'view', ok: 200 },
  { route: 'GET /api/sync-logs/:id', scope: 'view', ok: 200 },
  { route: 'POST /api/deliveries/approve', scope: 'manage', ok: 200 },
  // The seed's invites mark the members for sync (no worker runs in the harness), so each has a delivery.
  { route: 'POST /api/deliveries/:entityType/:entityId/retry', scope: 'manage', ok: 204 },
  { route: 'POST /api/deliveries/:entityType/:entityId/approve', scope: 'manage', ok: 204 },
  { route: 'DELETE /api/deliveries/:entityType/:entityId', scope: 'manage', ok: 204 },
  // The matrix runs on the embedded target, which has nothing to reconcile: 400 once let through.
  { route: 'POST /api/deliveries/reconcile', scope: 'manage', ok: 400 },
  { route: 'GET /api/connections', scope: 'view', ok: 200 },
  // The matrix runs on the embedded target: {source: 'none'}.
  { route: 'GET /api/scopes', scope: 'view', ok: 200 },
];

/** Routes whose path names one of the organization's resources. */
const namesAResource = (route: string) => route.includes(':');

async function call(h: Harness, route: (typeof ROUTES)[number], ids: Ids, token: string | null): Promise<HarnessResponse> {
  const [method, template] = route.route.split(' ') as [string, string];
  const path = template
    .replace(/^\/api\/sync-logs\/:id$/, `/api/sync-logs/${ids.log}`)
    .replace(':id', ids.group)
    .replace(':userId', ids.member)
    .replace(':bindingId', ids.binding)
    .replace(':entityType', 'member')
    .replace(':entityId', ids.member);
  const body = route.body?.(ids);
  return h.request(method, path, {
    token,
    ...(body !== undefined ? { body, headers: { 'Content-Type': 'application/json' } } : {}),
  });
}

/** The organization's data the matrix aims at: two invited members, a group with one of them and a binding. */
async function seed(h: Harness): Promise<Ids> {
  const api = (method: string, path: string, body?: unknown) =>
    h.request(method, path, { token: TEST_ADMIN_KEY, body, headers: { 'Content-Type': 'application/json' } });
  const invited = await api('POST', '/api/organization/invites', {
    invites: [
      { email: 'matrix.admin@example.com', role: 'ADMIN' },
      { email: 'matrix.member@example.com', role: 'MEMBER' },
    ],
  });
  expect(invited.status, invited.text).toBe(201);
  const [admin, member] = invited.body.invites.map((i: { id: string }) => i.id) as [string, string];
  const group = await api('POST', '/api/groups', {
    name: 'Matrix',
    memberIds: [member],
    bindings: [{ role: 'VIEWER', scopeType: 'TEAM', scopeId: 'team-1' }],
  });
  expect(group.status, group.text).toBe(201);
  const bindings = await api('GET', `/api/groups/${group.body.id}/bindings`);
  expect((await h.request('POST', '/scim/v2/Users', { body: { userName: 'matrix.scim@example.com' } })).status).toBe(201);
  const log = (await api('GET', '/api/sync-logs?limit=1')).body.data[0].id;
  return { group: group.body.id, binding: bindings.body.data[0].id, member, admin, log: String(log) };
}

const expectError = (res: HarnessResponse, status: number, code: string) => {
  expect(res.status, res.text).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
};

it('the table lists every route the admin app registers (the OpenAPI document is public)', () => {
  const registered = new Set(
    adminRoutes()
      .routes.filter((r) => r.method !== 'ALL' && r.path !== OPENAPI_PATH)
      .map((r) => `${r.method} ${r.path}`),
  );
  expect(new Set(ROUTES.map((r) => r.route))).toEqual(registered);
});

describe('callers that are refused, or limited, on every route', () => {
  let h: Harness;
  let ids: Ids;
  const keys = { view: '', revoked: '', other: '', otherId: '' };

  beforeAll(async () => {
    h = await createHarness();
    ids = await seed(h);
    keys.view = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'view only', ['organization:view']).key;
    const revoked = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'revoked', ['organization:view', 'organization:manage']);
    expect(revokeAdminKey(h.db, DEFAULT_ORGANIZATION_ID, revoked.id)).toBe(true);
    keys.revoked = revoked.key;
    ensureOrganization(h.db, 'other-org', 'Another organization');
    const other = createAdminKey(h.db, 'other-org', 'other', ['organization:view', 'organization:manage']);
    keys.other = other.key;
    keys.otherId = other.id;
  });

  /**
   * The other organization's sync log holds its own key's refused probes of this organization's
   * ids (admin actions are audited): their path, resourceId and detail echo what that key sent,
   * and are left out of the leak check. Everything else must be the other organization's own.
   */
  const withoutOwnEchoes = (route: string, text: string): string => {
    if (!route.includes('/api/sync-logs')) return text;
    const entries = route.endsWith('/export')
      ? text
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : JSON.parse(text).data;
    return JSON.stringify(
      entries.map((e: { organizationId: string; actor: { keyId: string } | null }) => {
        expect(e.organizationId).toBe('other-org');
        if (e.actor?.keyId !== keys.otherId) return e;
        const { path: _p, resourceId: _r, detail: _d, ...rest } = e as Record<string, unknown>;
        return rest;
      }),
    );
  };
  afterAll(() => h.close());

  for (const route of ROUTES) {
    describe(route.route, () => {
      it('no key → 401 with a Bearer challenge', async () => {
        const res = await call(h, route, ids, null);
        expectError(res, 401, 'unauthorized');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      });

      it('another scheme (Basic) → 401', async () => {
        const res = await h.request(route.route.split(' ')[0]!, route.route.split(' ')[1]!, {
          headers: { Authorization: `Basic ${Buffer.from(`x:${TEST_ADMIN_KEY}`).toString('base64')}` },
        });
        expectError(res, 401, 'unauthorized');
      });

      it('unknown key → 401', async () => {
        expectError(await call(h, route, ids, 'sk-bridge_not-a-key-anyone-was-given-0123456789'), 401, 'unauthorized');
      });

      it('revoked key → 401', async () => {
        expectError(await call(h, route, ids, keys.revoked), 401, 'unauthorized');
      });

      if (route.scope === 'manage') {
        it('view-only key → 403', async () => {
          expectError(await call(h, route, ids, keys.view), 403, 'forbidden');
        });
      } else {
        it('view-only key → allowed', async () => {
          const res = await call(h, route, ids, keys.view);
          expect(res.status, res.text).toBe(route.ok);
        });
      }

      if (namesAResource(route.route)) {
        it("another organization's key → 404", async () => {
          expectError(await call(h, route, ids, keys.other), 404, 'not_found');
        });
      } else {
        it("another organization's key → its own organization only", async () => {
          const res = await call(h, route, ids, keys.other);
          expect(res.status, res.text).toBe(route.ok);
          // The log id is a small number that any text may contain: its isolation is the 404 above.
          const { log: _log, ...named } = ids;
          const text = withoutOwnEchoes(route.route, res.text);
          for (const value of [...Object.values(named), 'matrix.admin@example.com', 'matrix.scim@example.com', 'Matrix"']) {
            expect(text).not.toContain(value);
          }
        });
      }
    });
  }

  it("what another organization creates never shows in this organization's lists", async () => {
    const created = await h.request('POST', '/api/groups', {
      token: keys.other,
      body: { name: 'Elsewhere' },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status).toBe(201);
    expect(created.body.organizationId).toBe('other-org');
    const groups = await h.request('GET', '/api/groups?limit=1000', { token: TEST_ADMIN_KEY });
    expect(groups.body.data.map((g: { id: string }) => g.id)).not.toContain(created.body.id);
    expect((await h.request('GET', `/api/groups/${created.body.id}`, { token: TEST_ADMIN_KEY })).status).toBe(404);
    const members = await h.request('GET', '/api/organization/members?includeDisabled=true', { token: TEST_ADMIN_KEY });
    expect(members.text).not.toMatch(/matrix-\d+@example\.com/);
  });

  it('the Bearer scheme name is case-insensitive', async () => {
    const res = await h.request('GET', '/api/groups', { headers: { Authorization: `bearer ${TEST_ADMIN_KEY}` } });
    expect(res.status).toBe(200);
  });
});

describe('a key with only organization:manage (manage implies view): every route succeeds', () => {
  let h: Harness;
  let ids: Ids;
  let manageOnly: string;
  beforeEach(async () => {
    h = await createHarness();
    ids = await seed(h);
    manageOnly = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'manage only', ['organization:manage']).key;
  });
  afterEach(() => h.close());

  for (const route of ROUTES) {
    it(`${route.route} → ${route.ok}`, async () => {
      const res = await call(h, route, ids, manageOnly);
      expect(res.status, res.text).toBe(route.ok);
    });
  }
});

describe('admin keys', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it('are stored hashed and listed without their secret', () => {
    const { id, key } = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'ci', ['organization:view']);
    expect(key).toMatch(/^sk-bridge_[A-Za-z0-9_-]{43}$/);
    const listed = listAdminKeys(h.db, DEFAULT_ORGANIZATION_ID);
    expect(listed.find((k) => k.id === id)).toEqual({
      id,
      name: 'ci',
      scopes: ['organization:view'],
      origin: 'cli',
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(key);
    const stored = h.db.prepare('SELECT * FROM admin_keys WHERE id = ?').get(id) as Record<string, unknown>;
    expect(Object.values(stored).some((v) => typeof v === 'string' && v.includes(key))).toBe(false);
  });

  it('authenticate to their organization and scopes; revoked or unknown ones do not', () => {
    const { id, key } = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'ci', ['organization:manage']);
    expect(authenticateAdminKey(h.db, key)).toEqual({
      keyId: id,
      organizationId: DEFAULT_ORGANIZATION_ID,
      scopes: ['organization:manage'],
    });
    expect(authenticateAdminKey(h.db, `${key}x`)).toBeNull();
    expect(revokeAdminKey(h.db, DEFAULT_ORGANIZATION_ID, id)).toBe(true);
    expect(revokeAdminKey(h.db, DEFAULT_ORGANIZATION_ID, id)).toBe(false);
    expect(authenticateAdminKey(h.db, key)).toBeNull();
  });

  it("cannot be revoked through another organization's id space", () => {
    ensureOrganization(h.db, 'other-org', 'Another organization');
    const { id, key } = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'ci', ['organization:view']);
    expect(revokeAdminKey(h.db, 'other-org', id)).toBe(false);
    expect(authenticateAdminKey(h.db, key)).not.toBeNull();
  });

  it('record their last use at most once a minute', () => {
    const { id, key } = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'ci', ['organization:view']);
    const lastUsed = () => listAdminKeys(h.db, DEFAULT_ORGANIZATION_ID).find((k) => k.id === id)!.lastUsedAt;
    const t0 = Date.parse('2030-01-01T00:00:00.000Z');
    authenticateAdminKey(h.db, key, t0);
    expect(lastUsed()).toBe('2030-01-01T00:00:00.000Z');
    authenticateAdminKey(h.db, key, t0 + 59_000);
    expect(lastUsed()).toBe('2030-01-01T00:00:00.000Z');
    authenticateAdminKey(h.db, key, t0 + 61_000);
    expect(lastUsed()).toBe('2030-01-01T00:01:01.000Z');
  });

  it('a request records the use of the key it came with', async () => {
    const { id, key } = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'ci', ['organization:view']);
    expect((await h.request('GET', '/api/groups', { token: key })).status).toBe(200);
    expect(listAdminKeys(h.db, DEFAULT_ORGANIZATION_ID).find((k) => k.id === id)!.lastUsedAt).not.toBeNull();
  });
});
