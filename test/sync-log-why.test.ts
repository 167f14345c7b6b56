/**
 * The sync log says why (issue 12 item 9): a refused SCIM request keeps the detail the IdP was
 * told and, for a refused write, the userName or displayName it was about (never the body);
 * requests refused for authentication are logged with their address and never their token,
 * within bounds; and entries are listed in the order they happened, buffered reads included.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../src/api/env.js';
import { logRefusedOperation } from '../src/api/scim/sync-log.js';
import { createApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { SyncLogBuffer } from '../src/directory/sync-log-buffer.js';
import { RefusedAuthentications } from '../src/directory/sync-log-refusals.js';
import { ScimError } from '../src/scim/errors.js';
import { findConnection } from '../src/store/connections.repo.js';
import { migrate, openDb, type Db } from '../src/store/db.js';
import type { LogEntry } from '../src/store/sync-log.repo.js';
import { createHarness, TEST_ADMIN_KEY, TEST_TOKENS, type Harness } from './helpers/harness.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const logs = async (query = '') => {
  const res = await h.request('GET', `/api/sync-logs${query}`, { token: TEST_ADMIN_KEY });
  expect(res.status, res.text).toBe(200);
  return res.body.data as any[];
};
const rowsText = (db: Db) => JSON.stringify(db.prepare('SELECT * FROM sync_log').all());

describe('a refused SCIM request', () => {
  it('keeps the detail the IdP was told and the userName of a refused create, never the body', async () => {
    const secret = 'Pa55word-never-logged';
    expect((await h.request('POST', '/scim/v2/Users', { body: { userName: 'ana@contoso.com' } })).status).toBe(201);
    const refused = await h.request('POST', '/scim/v2/Users', {
      body: { userName: 'Ana@Contoso.com', password: secret, emails: [{ value: 'ana.lima@contoso.com', primary: true }] },
    });
    expect(refused.status).toBe(409);
    const [entry] = await logs('?outcome=failed');
    expect(entry).toMatchObject({
      kind: 'scim',
      action: 'create',
      status: 409,
      scimType: 'uniqueness',
      detail: refused.body.detail,
      resourceName: 'Ana@Contoso.com',
      resourceId: null,
    });
    expect(entry.detail).toMatch(/already exists/);
    // Found by the user filter, by userName or by the email the refused body gave.
    expect((await logs('?outcome=failed&user=ana@contoso.com')).map((e) => e.id)).toEqual([entry.id]);
    expect((await logs('?outcome=failed&user=ANA.LIMA@contoso.com')).map((e) => e.id)).toEqual([entry.id]);
    expect(rowsText(h.db)).not.toContain(secret);
  });

  it('names the stored resource of a refused PATCH, PUT or DELETE by id: userName or displayName', async () => {
    const g = (await h.request('POST', '/scim/v2/Groups', { body: { displayName: 'Engineering' } })).body.id as string;
    const u = (await h.request('POST', '/scim/v2/Users', { body: { userName: 'bo@contoso.com' } })).body.id as string;
    const badPatch = await h.request('PATCH', `/scim/v2/Groups/${g}`, {
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Explode', path: 'members' }] },
    });
    expect(badPatch.status).toBe(400);
    const badPut = await h.request('PUT', `/scim/v2/Users/${u}`, {
      body: { userName: 'bo@contoso.com' },
      headers: { 'If-Match': 'W/"999"' },
    });
    expect(badPut.status).toBe(412);
    const gone = await h.request('DELETE', '/scim/v2/Users/no-such-id');
    expect(gone.status).toBe(404);
    const failed = await logs('?outcome=failed');
    expect(failed.map((e) => [e.method, e.status, e.resourceType, e.resourceName])).toEqual([
      ['DELETE', 404, 'User', null],
      ['PUT', 412, 'User', 'bo@contoso.com'],
      ['PATCH', 400, 'Group', 'Engineering'],
    ]);
    expect(failed.map((e) => e.detail)).toEqual([gone.body.detail, badPut.body.detail, badPatch.body.detail]);
    // The group filter finds the refused PATCH by name.
    expect((await logs('?outcome=failed&group=engineering')).map((e) => e.method)).toEqual(['PATCH']);
  });

  it('keeps the detail of a refusal with no ScimError behind it (an unknown endpoint)', async () => {
    const res = await h.request('GET', '/scim/v2/Nothing');
    expect(res.status).toBe(404);
    const [entry] = await logs('?outcome=failed');
    expect(entry).toMatchObject({ status: 404, detail: res.body.detail });
  });

  it('a refused operation of a Bulk request can be logged on its own, under the request id (for src/api/scim/bulk.routes.ts)', async () => {
    const g = (await h.request('POST', '/scim/v2/Groups', { body: { displayName: 'Sales' } })).body.id as string;
    const syncLog = new SyncLogBuffer(h.db);
    const app = new Hono<AppEnv>();
    app.post('/bulk', (c) => {
      c.set('deps', { db: h.db, config: h.config, logger: pino({ level: 'silent' }), syncLog });
      c.set('connection', findConnection(h.db, 'default', 'okta')!);
      c.set('log', {
        requestId: 'bulk-1',
        method: 'POST',
        path: '/scim/v2/Bulk',
        userAgent: null,
        startedMs: 0,
        at: new Date().toISOString(),
        written: false,
      });
      logRefusedOperation(c, 'PATCH', `/scim/v2/Groups/${g}`, ScimError.noTarget('No member matches.'), { Operations: [] });
      logRefusedOperation(c, 'POST', '/scim/v2/Users', ScimError.uniqueness('Taken.'), {
        userName: 'dup@x.com',
        password: 'hunter2-secret',
      });
      return c.body(null, 204);
    });
    expect((await app.request('/bulk', { method: 'POST' })).status).toBe(204);
    syncLog.close();
    const failed = await logs('?outcome=failed');
    expect(failed.map((e) => [e.requestId, e.method, e.path, e.status, e.scimType, e.detail, e.resourceName])).toEqual([
      ['bulk-1', 'POST', '/scim/v2/Users', 409, 'uniqueness', 'Taken.', 'dup@x.com'],
      ['bulk-1', 'PATCH', `/scim/v2/Groups/${g}`, 400, 'noTarget', 'No member matches.', 'Sales'],
    ]);
    expect(rowsText(h.db)).not.toContain('hunter2-secret');
  });
});

describe('requests refused for authentication', () => {
  it('are logged with the detail they were told and never their token (SCIM and admin API alike)', async () => {
    const token = 'okta-guess-0123456789abcdef-NOT-VALID';
    // Distinct X-Forwarded-For claims make distinct sources (in process, every request has no address).
    const via = (ip: string) => ({ 'X-Forwarded-For': ip });
    expect((await h.request('GET', '/scim/v2/Users', { token, headers: via('192.0.2.1') })).status).toBe(401);
    expect((await h.request('GET', '/api/groups', { token: `sk-bridge_${token}`, headers: via('192.0.2.1') })).status).toBe(401);
    expect(
      (await h.request('POST', '/scim/v2/Users', { token: null, body: { userName: 'x@y.z' }, headers: via('192.0.2.2') })).status,
    ).toBe(401);
    const refused = await logs('?outcome=failed');
    expect(refused.map((e) => [e.kind, e.method, e.path, e.status, e.action])).toEqual([
      ['scim', 'POST', '/scim/v2/Users', 401, 'authenticate'],
      ['admin', 'GET', '/api/groups', 401, 'authenticate'],
      ['scim', 'GET', '/scim/v2/Users', 401, 'authenticate'],
    ]);
    expect(refused.map((e) => e.detail)).toEqual([
      'A valid bearer token is required.',
      'The admin key is not valid: it is unknown or has been revoked.',
      'The bearer token is not valid for this bridge.',
    ]);
    // In process there is no socket: no address rather than a made-up one.
    expect(refused.every((e) => e.clientIp === null && e.connectionId === null)).toBe(true);
    expect(refused.map((e) => e.forwardedFor)).toEqual(['192.0.2.2', '192.0.2.1', '192.0.2.1']);
    expect(rowsText(h.db)).not.toContain(token);
  });

  it('a flood costs no write per request: the first from an address is logged, the rest counted', async () => {
    const before = h.db.prepare('SELECT count(*) FROM sync_log').pluck().get() as number;
    const storm = await Promise.all(
      Array.from({ length: 300 }, () => h.request('GET', '/scim/v2/Users', { token: 'wrong-token-0123456789abcdef' })),
    );
    expect(storm.every((r) => r.status === 401)).toBe(true);
    expect(await logs('?outcome=failed')).toHaveLength(1);
    expect((h.db.prepare('SELECT count(*) FROM sync_log').pluck().get() as number) - before).toBe(1);
  });

  it('counts within a window, per address, up to a bounded number of addresses, and logs the counts when it closes', () => {
    const emitted: LogEntry[] = [];
    const emit = (e: LogEntry) => emitted.push(e);
    const refusals = new RefusedAuthentications({ windowMs: 60_000, sourcesPerWindow: 3 });
    const from = (ip: string): LogEntry => ({
      at: '2030-01-01T00:00:00.000Z',
      organizationId: 'default',
      connectionId: null,
      source: null,
      requestId: ip,
      method: 'GET',
      path: '/scim/v2/Users',
      resourceType: null,
      resourceId: null,
      action: 'authenticate',
      status: 401,
      scimType: null,
      outcome: 'failed',
      durationMs: null,
      userAgent: null,
      userKey: null,
      emailKey: null,
      groupKey: null,
      summary: {},
      kind: 'scim',
      detail: 'A valid bearer token is required.',
      clientIp: ip,
    });
    const t0 = Date.parse('2030-01-01T00:00:00.000Z');
    for (let i = 0; i < 1000; i++) refusals.record(from('198.51.100.1'), t0 + i, emit);
    for (let i = 0; i < 10; i++) refusals.record(from(`203.0.113.${i}`), t0 + 1000 + i, emit);
    expect(emitted.map((e) => e.clientIp)).toEqual(['198.51.100.1', '203.0.113.0', '203.0.113.1']);
    refusals.tick(t0 + 59_000, emit);
    expect(emitted).toHaveLength(3);
    refusals.tick(t0 + 60_000, emit);
    const rollups = emitted.slice(3);
    expect(rollups.map((e) => [e.clientIp, e.summary.repeated])).toEqual([
      ['198.51.100.1', 999],
      [null, 8],
    ]);
    expect(rollups[0]!.detail).toMatch(/^999 more requests from this address refused for authentication since 2030-01-01T00:00:00.000Z/);
    expect(rollups[1]!.detail).toMatch(/^8 requests refused .* beyond the 3 logged one by one/);
    // A new window starts afresh: the address is logged once more, in full.
    refusals.record(from('198.51.100.1'), t0 + 61_000, emit);
    expect(emitted.at(-1)).toMatchObject({ clientIp: '198.51.100.1', summary: {} });
  });

  it('over a socket, carry the peer address and the X-Forwarded-For claim', async () => {
    const config = loadConfig({ BRIDGE_CONNECTIONS: `okta:${TEST_TOKENS.okta}`, BRIDGE_ADMIN_KEY: TEST_ADMIN_KEY, LOG_LEVEL: 'silent' });
    const db = openDb(':memory:');
    migrate(db);
    bootstrap(db, config);
    const syncLog = new SyncLogBuffer(db);
    const app = createApp({ db, config, logger: pino({ level: 'silent' }), syncLog });
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const res = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, {
        headers: { Authorization: 'Bearer not-a-token-0123456789', 'X-Forwarded-For': '203.0.113.7, 10.0.0.2' },
      });
      expect(res.status).toBe(401);
      const list = await fetch(`http://127.0.0.1:${port}/api/sync-logs?outcome=failed`, {
        headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}` },
      });
      const [entry] = ((await list.json()) as { data: Record<string, unknown>[] }).data;
      expect(entry).toMatchObject({ status: 401, clientIp: '127.0.0.1', forwardedFor: '203.0.113.7, 10.0.0.2' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      syncLog.close();
      db.close();
    }
  });
});

describe('order', () => {
  it('a buffered read is listed before the write that came after it, and a refusal in its place', async () => {
    expect((await h.request('GET', '/scim/v2/Users?filter=userName+eq+%22a%40x.com%22')).status).toBe(200);
    expect((await h.request('GET', '/scim/v2/Users', { token: 'nope-0123456789abcdef' })).status).toBe(401);
    expect((await h.request('POST', '/scim/v2/Users', { body: { userName: 'a@x.com' } })).status).toBe(201);
    expect((await h.request('GET', '/scim/v2/Groups')).status).toBe(200);
    expect((await h.request('POST', '/scim/v2/Users', { body: { userName: 'a@x.com' } })).status).toBe(409);
    const entries = (await logs()).reverse();
    expect(entries.map((e) => `${e.method} ${e.status}`)).toEqual(['GET 200', 'GET 401', 'POST 201', 'GET 200', 'POST 409']);
    const ats = entries.map((e) => e.at as string);
    expect([...ats].sort()).toEqual(ats);
  });
});

describe('kind', () => {
  it('tells IdP traffic from admin actions', async () => {
    expect((await h.request('POST', '/scim/v2/Users', { body: { userName: 'k@x.com' } })).status).toBe(201);
    const created = await h.request('POST', '/api/groups', {
      token: TEST_ADMIN_KEY,
      body: { name: 'Admins' },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status).toBe(201);
    expect((await logs('?kind=scim')).map((e) => e.kind)).toEqual(['scim']);
    expect((await logs('?kind=admin')).map((e) => [e.kind, e.action])).toEqual([['admin', 'group.create']]);
    expect(await logs()).toHaveLength(2);
    const bad = await h.request('GET', '/api/sync-logs?kind=idp', { token: TEST_ADMIN_KEY });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^kind: must be one of "scim", "admin"/);
  });
});

describe('refusals that reach the log through other doors', () => {
  it('a Bulk operation refused alone leaves its own entry with the detail and the name', async () => {
    expect((await h.request('POST', '/scim/v2/Users', { body: { userName: 'bo@contoso.com' } })).status).toBe(201);
    const res = await h.request('POST', '/scim/v2/Bulk', {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'bo@contoso.com' } },
          { method: 'POST', path: '/Users', bulkId: 'b', data: { userName: 'cy@contoso.com' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['409', '201']);
    const failed = (await logs('?outcome=failed')).filter((e) => e.path === '/scim/v2/Users');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 409, scimType: 'uniqueness', resourceName: 'bo@contoso.com' });
    expect(failed[0].detail).toMatch(/already exists/);
  });

  it('a console sign-in with a wrong key is a refused authentication, without the key', async () => {
    const wrong = 'not-an-admin-key-0123456789';
    const res = await h.request('POST', '/admin/session', {
      token: null,
      body: { key: wrong },
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'scim-bridge-console' },
    });
    expect(res.status).toBe(401);
    // Refusals go through the read buffer: a later write flushes them in order.
    expect((await h.request('POST', '/scim/v2/Users', { body: { userName: 'dee@contoso.com' } })).status).toBe(201);
    const entry = (await logs('?outcome=failed')).find((e) => e.path === '/admin/session');
    expect(entry).toMatchObject({ status: 401, kind: 'admin' });
    expect(rowsText(h.db)).not.toContain(wrong);
  });
});
