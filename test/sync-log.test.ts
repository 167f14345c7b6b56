/**
 * The sync log: one entry per SCIM request with what it changed, linked to what it caused
 * downstream; filters, cursor paging (stable under concurrent writes), exports, retention.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyRetention } from '../src/directory/sync-log-buffer.js';
import { createHarness, TEST_ADMIN_KEY, type Harness } from './helpers/harness.js';
import { createSyncHarness } from './helpers/sync-harness.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const logs = async (query = '') => {
  const res = await h.request('GET', `/api/sync-logs${query}`, { token: TEST_ADMIN_KEY });
  expect(res.status, res.text).toBe(200);
  return res.body as { data: any[]; nextCursor: number | null };
};

async function entraFlow() {
  const ana = (
    await h.request('POST', '/scim/v2/Users', {
      token: h.tokens.azure,
      body: { userName: 'Ana@Contoso.com', emails: [{ value: 'ana.lima@contoso.com', primary: true }] },
    })
  ).body.id;
  const g = (await h.request('POST', '/scim/v2/Groups', { token: h.tokens.azure, body: { displayName: 'Engineering' } })).body.id;
  await h.request('PATCH', `/scim/v2/Groups/${g}`, {
    token: h.tokens.azure,
    body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: ana }] }] },
  });
  await h.request('PATCH', `/scim/v2/Users/${ana}`, {
    token: h.tokens.azure,
    body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
  });
  await h.request('GET', `/scim/v2/Users?filter=userName+eq+%22nobody%22`, {
    token: h.tokens.azure,
    headers: { 'User-Agent': 'Azure-AD-SCIM-Client' },
  });
  await h.request('POST', '/scim/v2/Users', { token: h.tokens.azure, body: { userName: 'ana@contoso.com' } });
  return { ana, g };
}

describe('entries', () => {
  it('one per SCIM request, newest first, with action, outcome and what changed', async () => {
    const { ana, g } = await entraFlow();
    const { data } = await logs();
    expect(data.map((e) => [e.method, e.action, e.resourceType, e.status, e.outcome])).toEqual([
      ['POST', 'create', 'User', 409, 'failed'],
      ['GET', 'list', 'User', 200, 'success'],
      ['PATCH', 'patch', 'User', 200, 'success'],
      ['PATCH', 'patch', 'Group', 204, 'success'],
      ['POST', 'create', 'Group', 201, 'success'],
      ['POST', 'create', 'User', 201, 'success'],
    ]);
    expect(data[0]).toMatchObject({ scimType: 'uniqueness', source: 'azure-ad' });
    expect(data[1].userAgent).toBe('Azure-AD-SCIM-Client');
    expect(data[2]).toMatchObject({ resourceId: ana, summary: { changed: ['active'], activation: 'deactivated' } });
    expect(data[3]).toMatchObject({ resourceId: g, summary: { changed: [], membersAdded: [ana] } });
    expect(data[5].summary.changed).toEqual(['active', 'emails', 'userName']);
    expect(data.every((e) => typeof e.requestId === 'string' && e.durationMs !== null)).toBe(true);
  });

  it('filters by source, resource, user (userName or email, any case), group (id or name), outcome, text and time', async () => {
    const { ana, g } = await entraFlow();
    await h.request('POST', '/scim/v2/Users', { token: h.tokens.okta, body: { userName: 'okta.person@example.com' } });
    const ids = async (q: string) => (await logs(q)).data.map((e) => `${e.action}:${e.resourceType}`);
    expect((await logs('?source=okta')).data).toHaveLength(1);
    expect(await ids('?resourceType=Group')).toEqual(['patch:Group', 'create:Group']);
    expect(await ids(`?resourceId=${ana}`)).toEqual(['patch:User', 'create:User']);
    // The refused create of the same userName is found too: a refusal names its resource.
    expect(await ids('?user=ANA@contoso.com')).toEqual(['create:User', 'patch:User', 'create:User']);
    expect(await ids('?user=Ana.Lima@contoso.com')).toEqual(['patch:User', 'create:User']);
    expect(await ids('?group=engineering')).toEqual(['patch:Group', 'create:Group']);
    expect(await ids(`?group=${g}`)).toEqual(['patch:Group', 'create:Group']);
    expect(await ids('?outcome=failed')).toEqual(['create:User']);
    expect(await ids('?q=Groups')).toEqual(['patch:Group', 'create:Group']);
    expect((await logs(`?to=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).data).toEqual([]);
    expect((await logs(`?from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`)).data.length).toBe(7);
    const bad = await h.request('GET', '/api/sync-logs?outcome=maybe', { token: TEST_ADMIN_KEY });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/outcome/);
  });

  it('pages by cursor without skipping or repeating entries while new ones arrive', async () => {
    for (let i = 0; i < 7; i++) await h.request('POST', '/scim/v2/Users', { body: { userName: `u${i}@x.com` } });
    const seen: number[] = [];
    let page = await logs('?limit=3');
    seen.push(...page.data.map((e) => e.id));
    while (page.nextCursor !== null) {
      // Writes between pages land above the cursor and never shift the pages below it.
      await h.request('POST', '/scim/v2/Users', { body: { userName: `late${seen.length}@x.com` } });
      page = await logs(`?limit=3&cursor=${page.nextCursor}`);
      seen.push(...page.data.map((e) => e.id));
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it('exports as NDJSON and CSV', async () => {
    await entraFlow();
    const nd = await h.request('GET', '/api/sync-logs/export?format=ndjson&resourceType=User', { token: TEST_ADMIN_KEY });
    expect(nd.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = nd.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action)).toEqual(['create', 'list', 'patch', 'create']);
    const csv = await h.request('GET', '/api/sync-logs/export?format=csv', { token: TEST_ADMIN_KEY });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = csv.text.trim().split('\n');
    // The first release's columns keep their places; the newer ones follow.
    expect(rows[0]).toBe(
      'id,at,source,method,path,resourceType,resourceId,action,status,scimType,outcome,durationMs,requestId,userAgent,summary,' +
        'kind,resourceName,detail,errorCode,actor,clientIp,forwardedFor',
    );
    expect(rows).toHaveLength(7);
  });

  it('keeps entries within the retention age and count', async () => {
    for (let i = 0; i < 5; i++) await h.request('POST', '/scim/v2/Users', { body: { userName: `r${i}@x.com` } });
    h.db.prepare("UPDATE sync_log SET at = '2000-01-01T00:00:00.000Z' WHERE id <= 2").run();
    expect(applyRetention(h.db, 30, 1000)).toBe(2);
    expect((await logs()).data).toHaveLength(3);
    expect(applyRetention(h.db, 30, 1)).toBeGreaterThanOrEqual(2);
    expect((await logs()).data.length).toBeLessThanOrEqual(1);
  });

  it('a filter on a million-entry log answers from an index, never a scan', () => {
    const plan = (sql: string) =>
      (h.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    for (const where of ["resource_id = 'x'", "user_key = 'x'", "at >= '2026'", "source = 'okta'", "kind = 'admin'"]) {
      const p = plan(`SELECT id FROM sync_log l WHERE organization_id = 'default' AND ${where} ORDER BY id DESC LIMIT 50`);
      expect(p, where).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/);
      expect(p, where).not.toMatch(/SCAN l$|SCAN sync_log$/);
    }
  });
});

describe('an entry and what it caused downstream', () => {
  it('links a SCIM request to the application calls the worker made for it, with outcomes', async () => {
    const s = await createSyncHarness('langwatch');
    try {
      const res = await s.h.request('POST', '/scim/v2/Users', {
        token: s.h.tokens.okta,
        body: { userName: 'ana@contoso.com', emails: [{ value: 'ana@contoso.com', primary: true }] },
      });
      expect(res.status).toBe(201);
      const entry = (await s.h.request('GET', '/api/sync-logs', { token: TEST_ADMIN_KEY })).body.data[0];
      expect(entry.downstream).toBe('pending');
      expect((await s.h.request('GET', '/api/sync-logs?outcome=pending', { token: TEST_ADMIN_KEY })).body.data).toHaveLength(1);
      await s.settle();
      const detail = await s.h.request('GET', `/api/sync-logs/${entry.id}`, { token: TEST_ADMIN_KEY });
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: entry.id, downstream: 'done', effects: [{ entityType: 'member', entityId: res.body.id }] });
      // LangWatch's SCIM mode: the token is minted, the person looked up, created, named, then read back.
      const calls = detail.body.deliveries.map((d: any) => `${d.method} ${d.path.split('?')[0]} ${d.status} ${d.outcome}`);
      expect(calls[0]).toBe('POST /api/scim-tokens 201 ok');
      expect(calls).toContain('GET /api/scim/v2/Users 200 ok');
      expect(calls).toContain('POST /api/scim/v2/Users 201 ok');
      expect(detail.body.deliveries.every((d: any) => d.outcome === 'ok')).toBe(true);
      expect((await s.h.request('GET', '/api/sync-logs/999999', { token: TEST_ADMIN_KEY })).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
