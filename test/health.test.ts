/**
 * /readyz and /metrics in process: readiness means "can serve SCIM", so only the database, the
 * migrations and a shutdown make the bridge unready; everything downstream only warns (a
 * backlog over its threshold, refused or missing target credentials, an unreachable
 * application, parked deliveries, an idle IdP) and shows in alert-ready gauges; the doctor's
 * mode stays strict; the credential probe's cache; and the Prometheus text (prom-client, a
 * registry per app) with route templates, never raw ids.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLangWatchFake, type RunningLangWatchFake } from '../fakes/langwatch/server.js';
import { backlogThresholds, checkBacklog } from '../src/health/readiness.js';
import { targetCheck, type ProbeOutcome } from '../src/health/target-checks.js';
import { beginShutdown } from '../src/health/shutdown.js';
import { DEFAULT_ORGANIZATION_ID } from '../src/store/connections.repo.js';
import { listTargets } from '../src/store/targets.repo.js';
import { LATEST_MIGRATION } from '../src/store/db.js';
import { failMark, getMark, markForSync, recordDelivery, type DeliveryRecord } from '../src/store/sync.repo.js';
import { createHarness, TEST_ADMIN_KEY, type Harness } from './helpers/harness.js';
import { freePort } from './helpers/server.js';

interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
  [field: string]: unknown;
}

const check = (body: { checks: Check[] }, name: string): Check => {
  const found = body.checks.find((c) => c.name === name);
  expect(found, `${name} in ${JSON.stringify(body.checks.map((c) => c.name))}`).toBeDefined();
  return found!;
};

const WRONG_KEY = 'sk-lw-nobody_0000000000000000000000';

let harnesses: Harness[] = [];
async function harness(env: Record<string, string> = {}): Promise<Harness> {
  const h = await createHarness(env);
  harnesses.push(h);
  return h;
}
afterEach(() => {
  harnesses.forEach((h) => h.close());
  harnesses = [];
  vi.restoreAllMocks();
});

describe('/readyz', () => {
  it('is ready on a fresh bridge, with one entry per check and no auth', async () => {
    const h = await harness();
    const res = await h.request('GET', '/readyz', { token: null });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.map((c: Check) => c.name)).toEqual([
      'database',
      'migrations',
      'lifecycle',
      'sync_backlog',
      'connection:azure-ad',
      'connection:okta',
    ]);
    for (const c of res.body.checks as Check[]) {
      expect(c).toMatchObject({ status: expect.stringMatching(/^(ok|warn)$/), detail: expect.any(String) });
    }
    expect(check(res.body, 'migrations')).toMatchObject({ status: 'ok', applied: LATEST_MIGRATION, latest: LATEST_MIGRATION });
    expect(check(res.body, 'lifecycle')).toMatchObject({ status: 'ok', detail: 'accepting requests' });
    expect(check(res.body, 'sync_backlog')).toMatchObject({
      status: 'ok',
      count: 0,
      thresholds: { warnCount: 1000, failCount: 10_000, warnAgeSeconds: 300, failAgeSeconds: 1800 },
    });
    // The IdPs have not called yet: informational, never a failure.
    expect(check(res.body, 'connection:okta')).toMatchObject({ status: 'warn', lastUsedAt: null, liveTokens: 1 });
    // Liveness is unchanged.
    const live = await h.request('GET', '/healthz', { token: null });
    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
  });

  it('fails, naming database, when the database refuses writes', async () => {
    const h = await harness();
    h.db.pragma('query_only = ON');
    const res = await h.request('GET', '/readyz');
    h.db.pragma('query_only = OFF');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('fail');
    expect(check(res.body, 'database')).toMatchObject({ status: 'fail', fix: expect.stringContaining('DATA_DIR') });
    // The write was a probe: nothing is left behind.
    expect(h.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'readyz_probe'").pluck().get()).toBe(0);
    expect((await h.request('GET', '/readyz')).status).toBe(200);
  });

  it('fails, naming migrations, when the database is behind this build', async () => {
    const h = await harness();
    h.db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(LATEST_MIGRATION);
    const res = await h.request('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(check(res.body, 'migrations')).toMatchObject({
      status: 'fail',
      applied: LATEST_MIGRATION - 1,
      fix: expect.stringContaining('scim-bridge migrate'),
    });
  });

  it('fails, naming lifecycle, from the moment a shutdown begins, while the database still answers', async () => {
    const h = await harness();
    expect((await h.request('GET', '/readyz')).status).toBe(200);
    beginShutdown(h.db);
    const res = await h.request('GET', '/readyz', { token: null });
    expect(res.status).toBe(503);
    expect(res.body.checks.filter((c: Check) => c.status === 'fail').map((c: Check) => c.name)).toEqual(['lifecycle']);
    expect(check(res.body, 'lifecycle').detail).toMatch(/^shutting down/);
    expect(check(res.body, 'database').status).toBe('ok');
    // Only that bridge: another one in the same process is still ready.
    expect((await (await harness()).request('GET', '/readyz')).status).toBe(200);
  });

  describe('sync backlog', () => {
    const mark = (h: Harness, id: string, at: Date) => markForSync(h.db, DEFAULT_ORGANIZATION_ID, 'member', id, at.toISOString());
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

    it('warns above a tenth of READY_BACKLOG_MAX, and above it still only warns: the bridge takes IdP traffic', async () => {
      const h = await harness({ READY_BACKLOG_MAX: '10' });
      for (let i = 0; i < 2; i++) mark(h, `m${i}`, new Date());
      let res = await h.request('GET', '/readyz');
      expect(res.status).toBe(200);
      expect(check(res.body, 'sync_backlog')).toMatchObject({ status: 'warn', count: 2, thresholds: { warnCount: 1, failCount: 10 } });
      for (let i = 2; i < 11; i++) mark(h, `m${i}`, new Date());
      res = await h.request('GET', '/readyz');
      expect(res.status, res.text).toBe(200);
      expect(res.body.checks.filter((c: Check) => c.status === 'fail')).toEqual([]);
      expect(check(res.body, 'sync_backlog')).toMatchObject({
        status: 'warn',
        count: 11,
        detail: expect.stringContaining('over the upper threshold'),
        fix: expect.stringContaining('deliveries list'),
      });
      // And the IdP is answered meanwhile.
      expect((await h.request('GET', '/scim/v2/Users')).status).toBe(200);
    });

    it('a 30-minute-old backlog (the default upper age) is 200 with a warning, a gauge an alert can use', async () => {
      const h = await harness();
      mark(h, 'slow', minutesAgo(3));
      expect(check((await h.request('GET', '/readyz')).body, 'sync_backlog')).toMatchObject({ status: 'ok', count: 1 });
      mark(h, 'stuck', minutesAgo(31));
      const res = await h.request('GET', '/readyz');
      expect(res.status, res.text).toBe(200);
      expect(check(res.body, 'sync_backlog')).toMatchObject({ status: 'warn', count: 2 });
      expect(check(res.body, 'sync_backlog').oldestAgeSeconds).toBeGreaterThanOrEqual(31 * 60);
      const series = parsePrometheus((await h.request('GET', '/metrics')).text);
      expect(series.get('scim_bridge_sync_backlog_oldest_seconds')).toBeGreaterThanOrEqual(31 * 60);
      expect(series.get('scim_bridge_sync_backlog_oldest_seconds')).toBeLessThan(32 * 60);
    });

    it('the default thresholds: 1,000 / 10,000 marks', async () => {
      const h = await harness();
      const insert = h.db.transaction((n: number) => {
        for (let i = 0; i < n; i++) mark(h, `bulk-${i}`, new Date());
      });
      insert(1001);
      expect(check((await h.request('GET', '/readyz')).body, 'sync_backlog').status).toBe('warn');
      insert(10_001);
      const res = await h.request('GET', '/readyz');
      expect(res.status).toBe(200);
      expect(check(res.body, 'sync_backlog')).toMatchObject({ status: 'warn', count: 10_001 });
    });

    it('the doctor\'s mode keeps failing above the upper thresholds (the CLI is asked "will this work now")', async () => {
      const h = await harness({ READY_BACKLOG_MAX_AGE_SECONDS: '600' });
      mark(h, 'slow', minutesAgo(3));
      const t = backlogThresholds(h.config);
      expect(checkBacklog(h.db, t, Date.now(), 'doctor').status).toBe('warn');
      mark(h, 'stuck', minutesAgo(11));
      expect(checkBacklog(h.db, t, Date.now(), 'doctor')).toMatchObject({ status: 'fail', count: 2 });
      // The default mode is the doctor's, which src/cli/doctor.ts calls without one.
      expect(checkBacklog(h.db, t).status).toBe('fail');
      expect(checkBacklog(h.db, t, Date.now(), 'readiness').status).toBe('warn');
    });

    it('parked deliveries and held removals wait for an admin: a warning, never a failure, however old', async () => {
      const h = await harness({ READY_BACKLOG_MAX_AGE_SECONDS: '60' });
      mark(h, 'parked-one', minutesAgo(120));
      failMark(h.db, getMark(h.db, DEFAULT_ORGANIZATION_ID, 'member', 'parked-one')!, 'parked', new Date().toISOString(), '402 plan');
      mark(h, 'held-one', minutesAgo(120));
      failMark(h.db, getMark(h.db, DEFAULT_ORGANIZATION_ID, 'member', 'held-one')!, 'awaiting_approval', new Date().toISOString(), 'held');
      const res = await h.request('GET', '/readyz');
      expect(res.status, res.text).toBe(200);
      expect(check(res.body, 'sync_backlog')).toMatchObject({
        status: 'warn',
        count: 0,
        parked: 1,
        awaitingApproval: 1,
        fix: expect.stringContaining('scim-bridge deliveries list'),
      });
    });
  });

  it('connections are informational: an IdP silent for days, or without a live token, only warns', async () => {
    const h = await harness();
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    h.db.prepare("UPDATE connections SET last_used_at = ? WHERE source = 'okta'").run(old);
    h.db
      .prepare("UPDATE connection_tokens SET revoked_at = ? WHERE connection_id = (SELECT id FROM connections WHERE source = 'azure-ad')")
      .run(old);
    const res = await h.request('GET', '/readyz', { token: null });
    expect(res.status).toBe(200);
    expect(check(res.body, 'connection:okta')).toMatchObject({
      status: 'warn',
      lastUsedAt: old,
      detail: expect.stringContaining('3 days ago'),
    });
    expect(check(res.body, 'connection:azure-ad')).toMatchObject({
      status: 'warn',
      liveTokens: 0,
      fix: expect.stringContaining('rotate azure-ad'),
    });
    // A call from the IdP makes it ok.
    h.db.prepare("UPDATE connections SET last_used_at = ? WHERE source = 'okta'").run(new Date().toISOString());
    expect(check((await h.request('GET', '/readyz')).body, 'connection:okta').status).toBe('ok');
  });

  describe('targets', () => {
    let fake: RunningLangWatchFake;
    beforeAll(async () => {
      fake = await startLangWatchFake({ port: 0 });
    });
    afterAll(() => fake.close());

    const langwatch = (key: string, url = fake.url) => harness({ TARGET: 'langwatch', TARGET_URL: url, TARGET_API_KEY: key });

    it('ready when the application accepts the key; target_up 1, and 0 once a delivery failed after the last success', async () => {
      const h = await langwatch(fake.organization.apiKey);
      const res = await h.request('GET', '/readyz');
      expect(res.status, res.text).toBe(200);
      expect(check(res.body, 'target:default')).toMatchObject({
        status: 'ok',
        kind: 'langwatch',
        credentials: 'ok',
        lastSuccessAt: null,
        lastError: null,
      });
      const up = async () =>
        parsePrometheus((await h.request('GET', '/metrics')).text).get('scim_bridge_target_up{organization="default",kind="langwatch"}');
      expect(await up()).toBe(1);
      h.db.prepare("UPDATE targets SET last_success_at = '2030-01-01T00:00:00.000Z', last_failure_at = '2030-01-01T00:05:00.000Z'").run();
      expect(await up()).toBe(0);
      h.db.prepare("UPDATE targets SET last_success_at = '2030-01-01T00:06:00.000Z'").run();
      expect(await up()).toBe(1);
    });

    it('200 with a warning naming target:default when the application refuses the key, saying what to fix; target_up 0', async () => {
      const h = await langwatch(WRONG_KEY);
      const res = await h.request('GET', '/readyz', { token: null });
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe('ok');
      const target = check(res.body, 'target:default');
      expect(target).toMatchObject({ status: 'warn', credentials: 'refused', fix: expect.stringContaining('TARGET_API_KEY') });
      expect(target.detail).toMatch(/refused the API key \(the application answered 401\)/);
      // An unauthenticated endpoint names neither the key nor the application's URL.
      expect(res.text).not.toContain(WRONG_KEY);
      expect(res.text).not.toContain(fake.url);
      // The gauge takes the answer /readyz cached: a scrape never calls the application itself.
      const series = parsePrometheus((await h.request('GET', '/metrics')).text);
      expect(series.get('scim_bridge_target_up{organization="default",kind="langwatch"}')).toBe(0);
    });

    it("the doctor's mode fails on a target that cannot be used; readiness warns", async () => {
      const h = await harness();
      const row = { ...listTargets(h.db)[0]!, kind: 'langwatch' as const, url: 'http://127.0.0.1:9', apiKeyEnv: 'TARGET_API_KEY' };
      const probe = (result: ProbeOutcome['result']): ProbeOutcome => ({
        result,
        detail: result,
        status: result === 'refused' ? 401 : null,
        checkedAt: new Date().toISOString(),
      });
      for (const result of ['refused', 'missing', 'unreachable', 'rejected'] as const) {
        expect(targetCheck(row, probe(result), 'doctor').status, result).toBe('fail');
        expect(targetCheck(row, probe(result), 'readiness').status, result).toBe('warn');
      }
    });

    it('an unreachable application is a warning: sync retries, the IdPs are still answered', async () => {
      const h = await langwatch(fake.organization.apiKey, `http://127.0.0.1:${await freePort()}`);
      const res = await h.request('GET', '/readyz');
      expect(res.status, res.text).toBe(200);
      expect(check(res.body, 'target:default')).toMatchObject({ status: 'warn', credentials: 'unreachable' });
    });

    it('shows the last success and the last error, without the email addresses in it', async () => {
      const h = await langwatch(fake.organization.apiKey);
      h.db
        .prepare('UPDATE targets SET last_success_at = ?, last_failure_at = ?, last_error = ? WHERE organization_id = ?')
        .run(
          '2030-01-01T00:00:00.000Z',
          '2030-01-01T00:05:00.000Z',
          'POST /api/organization/invites: 403 member_seat_limit_reached: jane.doe@example.com',
          'default',
        );
      const res = await h.request('GET', '/readyz');
      expect(res.status).toBe(200);
      expect(check(res.body, 'target:default')).toMatchObject({
        status: 'warn',
        credentials: 'ok',
        lastSuccessAt: '2030-01-01T00:00:00.000Z',
        lastError: 'POST /api/organization/invites: 403 member_seat_limit_reached: [email]',
      });
      expect(res.text).not.toContain('jane.doe@example.com');
    });

    it('probes the application once per 30 s, however many probes arrive', async () => {
      const h = await langwatch(fake.organization.apiKey);
      const fetchSpy = vi.spyOn(globalThis, 'fetch');
      const storm = await Promise.all(Array.from({ length: 25 }, () => h.request('GET', '/readyz')));
      expect(storm.every((r) => r.status === 200)).toBe(true);
      for (let i = 0; i < 5; i++) expect((await h.request('GET', '/readyz')).status).toBe(200);
      const urlOf = (u: string | URL | Request) => (typeof u === 'string' ? u : u instanceof URL ? u.href : u.url);
      expect(fetchSpy.mock.calls.filter(([url]) => urlOf(url).startsWith(fake.url))).toHaveLength(1);
    });
  });
});

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is a HELP, a TYPE or a
 * sample (or empty, which the format ignores; prom-client separates families with one); every
 * sample belongs to a family declared before it; no series is given twice; histogram buckets
 * are cumulative and end with +Inf equal to _count. Returns series → value.
 */
function parsePrometheus(text: string): Map<string, number> {
  expect(text.endsWith('\n'), 'ends with a line feed').toBe(true);
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
  const sample = new RegExp(`^(${NAME})(\\{(?:${LABEL})(?:,${LABEL})*\\})? (\\S+)$`);
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const series = new Map<string, number>();
  const familyOf = (name: string) => {
    if (types.has(name)) return name;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    return types.get(base) === 'histogram' ? base : null;
  };
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const name = line.split(' ')[2]!;
      expect(helps.has(name), `one HELP for ${name}`).toBe(false);
      helps.add(name);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      expect(name).toMatch(new RegExp(`^${NAME}$`));
      expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(type);
      expect(types.has(name!), `one TYPE for ${name}`).toBe(false);
      types.set(name!, type!);
      continue;
    }
    const m = sample.exec(line);
    expect(m, `a sample line: ${line}`).not.toBeNull();
    const [, name, labels = '', raw] = m!;
    expect(familyOf(name!), `${name} is declared before its samples`).not.toBeNull();
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    expect(raw === 'NaN' || !Number.isNaN(value), `a number: ${line}`).toBe(true);
    // Label order carries no meaning in the format; prom-client writes a bucket's `le` first,
    // and series are keyed here with it last.
    const pairs = labels ? labels.slice(1, -1).match(new RegExp(LABEL, 'g'))! : [];
    const ordered = [...pairs.filter((p) => !p.startsWith('le=')), ...pairs.filter((p) => p.startsWith('le='))];
    const key = `${name}${ordered.length ? `{${ordered.join(',')}}` : ''}`;
    expect(series.has(key), `no duplicate ${key}`).toBe(false);
    series.set(key, value);
  }
  for (const [name, type] of types) {
    if (type !== 'histogram') continue;
    const groups = new Map<string, { le: number; n: number }[]>();
    for (const [key, n] of series) {
      const b = new RegExp(`^${name}_bucket\\{(.*),le="([^"]+)"\\}$`).exec(key);
      if (!b) continue;
      const list = groups.get(b[1]!) ?? [];
      list.push({ le: b[2] === '+Inf' ? Infinity : Number(b[2]), n });
      groups.set(b[1]!, list);
    }
    for (const [labels, buckets] of groups) {
      buckets.sort((a, b) => a.le - b.le);
      buckets.forEach((b, i) => i && expect(b.n).toBeGreaterThanOrEqual(buckets[i - 1]!.n));
      expect(buckets.at(-1)!.le).toBe(Infinity);
      expect(series.get(`${name}_count{${labels}}`)).toBe(buckets.at(-1)!.n);
      expect(series.has(`${name}_sum{${labels}}`)).toBe(true);
    }
  }
  return series;
}

describe('/metrics', () => {
  it('the reader used below refuses what is not the text format', () => {
    expect(() => parsePrometheus('a_total{x="1} 1\n')).toThrow();
    expect(() => parsePrometheus('# TYPE a counter\na{x="1"} one\n')).toThrow();
    expect(() => parsePrometheus('b 1\n')).toThrow();
    expect(() => parsePrometheus('# TYPE a counter\na 1\na 2\n')).toThrow();
    expect(parsePrometheus('# HELP a A.\n# TYPE a counter\na{x="q\\"uote"} 1\n').get('a{x="q\\"uote"}')).toBe(1);
  });

  const delivery = (outcome: DeliveryRecord['outcome']): DeliveryRecord => ({
    organizationId: DEFAULT_ORGANIZATION_ID,
    entityType: 'member',
    entityId: 'someone',
    method: outcome === 'drift' ? '-' : 'POST',
    path: outcome === 'drift' ? '-' : '/api/organization/invites',
    status: outcome === 'ok' ? 201 : outcome === 'drift' ? null : 503,
    outcome,
    detail: null,
    startedAt: new Date().toISOString(),
    durationMs: 12,
  });

  it('counts requests by route template, method, status and source, with latency histograms, as Prometheus text', async () => {
    const h = await harness();
    const created = await h.request('POST', '/scim/v2/Users', {
      body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'metrics.person@example.com' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await h.request('GET', `/scim/v2/Users/${id}`)).status).toBe(200);
    expect((await h.request('GET', `/scim/v2/users/${id}`, { token: h.tokens.azure })).status).toBe(404);
    expect((await h.request('GET', '/scim/v2/Users/no-such-user')).status).toBe(404);
    expect((await h.request('GET', `/scim/v2/Users/${id}`, { token: null })).status).toBe(401);
    expect((await h.request('GET', '/scim/v2/Users?filter=userName%20eq%20%22x%22')).status).toBe(200);
    expect((await h.request('GET', '/api/groups', { token: TEST_ADMIN_KEY })).status).toBe(200);
    expect((await h.request('GET', `/nowhere/${id}`)).status).toBe(404);

    const res = await h.request('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const series = parsePrometheus(res.text);
    // Route templates, never the ids in the path.
    expect(res.text).not.toContain(id);
    const requests = (route: string, method: string, status: number, source: string) =>
      series.get(`scim_bridge_http_requests_total{route="${route}",method="${method}",status="${status}",source="${source}"}`);
    expect(requests('/scim/v2/Users', 'POST', 201, 'okta')).toBe(1);
    expect(requests('/scim/v2/Users/:id', 'GET', 200, 'okta')).toBe(1);
    expect(requests('/scim/v2/Users/:id', 'GET', 404, 'okta')).toBe(1);
    expect(requests('/scim/v2/Users/:id', 'GET', 404, 'azure-ad')).toBe(1);
    expect(requests('/scim/v2/Users/:id', 'GET', 401, 'none')).toBe(1);
    expect(requests('/scim/v2/Users', 'GET', 200, 'okta')).toBe(1);
    expect(requests('/api/groups', 'GET', 200, 'none')).toBe(1);
    expect(requests('unmatched', 'GET', 404, 'none')).toBe(1);
    expect(series.get('scim_bridge_http_request_duration_seconds_count{route="/scim/v2/Users/:id",method="GET"}')).toBe(4);
    expect(series.get('scim_bridge_http_request_duration_seconds_bucket{route="/scim/v2/Users/:id",method="GET",le="+Inf"}')).toBe(4);
    // The POST marked the new member for sync (no worker runs here).
    expect(series.get('scim_bridge_sync_queue_depth{state="pending"}')).toBeGreaterThanOrEqual(1);
    expect(series.get('scim_bridge_sync_queue_depth{state="parked"}')).toBe(0);
    expect(series.has('scim_bridge_sync_queue_oldest_age_seconds{state="pending"}')).toBe(true);
    for (const outcome of ['ok', 'retry', 'parked', 'drift'])
      expect(series.get(`scim_bridge_deliveries_total{outcome="${outcome}"}`)).toBe(0);
    expect(series.get('scim_bridge_drift_repairs_total')).toBe(0);
    expect(series.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts deliveries by outcome and drift repairs from the deliveries table, never going down when it is pruned', async () => {
    const h = await harness();
    const scrape = async () => parsePrometheus((await h.request('GET', '/metrics')).text);
    for (const o of ['ok', 'ok', 'retry', 'drift'] as const) recordDelivery(h.db, delivery(o));
    let s = await scrape();
    expect(s.get('scim_bridge_deliveries_total{outcome="ok"}')).toBe(2);
    expect(s.get('scim_bridge_deliveries_total{outcome="retry"}')).toBe(1);
    expect(s.get('scim_bridge_drift_repairs_total')).toBe(1);
    recordDelivery(h.db, delivery('ok'));
    s = await scrape();
    expect(s.get('scim_bridge_deliveries_total{outcome="ok"}')).toBe(3);
    // Pruning empties the table: the counters keep their values and count what comes next.
    h.db.prepare('DELETE FROM deliveries').run();
    recordDelivery(h.db, delivery('drift'));
    s = await scrape();
    expect(s.get('scim_bridge_deliveries_total{outcome="ok"}')).toBe(3);
    expect(s.get('scim_bridge_drift_repairs_total')).toBe(2);
  });

  it('keeps a registry per app: two bridges in one process never count each other', async () => {
    const a = await harness();
    const b = await harness();
    for (let i = 0; i < 3; i++) expect((await a.request('GET', '/scim/v2/Users')).status).toBe(200);
    expect((await b.request('GET', '/scim/v2/Users')).status).toBe(200);
    const key = 'scim_bridge_http_requests_total{route="/scim/v2/Users",method="GET",status="200",source="okta"}';
    expect(parsePrometheus((await a.request('GET', '/metrics')).text).get(key)).toBe(3);
    expect(parsePrometheus((await b.request('GET', '/metrics')).text).get(key)).toBe(1);
  });

  it('an unreachable database fails /readyz naming database, and /metrics still answers with what it has', async () => {
    const h = await harness();
    expect((await h.request('GET', '/metrics')).status).toBe(200);
    h.db.close();
    const ready = await h.request('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.filter((c: Check) => c.status === 'fail').map((c: Check) => c.name)).toContain('database');
    const res = await h.request('GET', '/metrics');
    expect(res.status).toBe(200);
    const series = parsePrometheus(res.text);
    expect(series.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(series.has('scim_bridge_sync_queue_depth{state="pending"}')).toBe(true);
  });

  it("shows each remote target's last successful call", async () => {
    const h = await harness({ TARGET: 'langwatch', TARGET_URL: 'http://127.0.0.1:9', TARGET_API_KEY: WRONG_KEY });
    h.db.prepare("UPDATE targets SET last_success_at = '2030-01-01T00:00:00.000Z'").run();
    const s = parsePrometheus((await h.request('GET', '/metrics')).text);
    expect(s.get('scim_bridge_target_last_success_timestamp_seconds{organization="default",kind="langwatch"}')).toBe(
      Date.parse('2030-01-01T00:00:00.000Z') / 1000,
    );
  });
});

describe('GET /api/connections', () => {
  it("lists the organization's connections with their last use and live tokens, never a secret", async () => {
    const h = await harness();
    expect((await h.request('GET', '/scim/v2/Users')).status).toBe(200);
    const res = await h.request('GET', '/api/connections', { token: TEST_ADMIN_KEY });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      data: [
        { id: expect.any(String), source: 'azure-ad', createdAt: expect.any(String), lastUsedAt: null, liveTokens: 1 },
        { id: expect.any(String), source: 'okta', createdAt: expect.any(String), lastUsedAt: expect.any(String), liveTokens: 1 },
      ],
    });
    expect(res.text).not.toContain(h.tokens.okta);
  });
});
