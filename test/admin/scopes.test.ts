/**
 * GET /api/scopes: the application's teams and projects a binding can name, asked of the
 * organization's target (LangSmith: its workspaces, against the real stand-in), kept a minute
 * per organization, a 502 in the house shape when the application fails, and `source: "none"`
 * for a target that cannot list them. The harness's app has no lister (it tests HTTP alone), so
 * each test builds the app as src/server.ts does: the target resolver, wrapped by scopeLister.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { scopeLister } from '../../src/sync/scopes.js';
import { createTargetResolver } from '../../src/targets/registry.js';
import { TEST_ADMIN_KEY } from '../helpers/harness.js';
import { createSyncHarness, type SyncHarness } from '../helpers/sync-harness.js';

let s: SyncHarness | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** The bridge's app over the harness's database, with the lister server.ts wires (its clock given). */
function bridge(h: SyncHarness, now: () => number = Date.now) {
  const env = h.organization ? { TARGET_API_KEY: h.organization.apiKey as string } : {};
  const listScopes = scopeLister(createTargetResolver(h.h.db, env, { timeoutMs: 2000 }), { now });
  const app = createApp({ db: h.h.db, config: h.h.config, logger: pino({ level: 'silent' }), listScopes });
  return async () => {
    const res = await app.request('http://localhost/api/scopes', { headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    return { status: res.status, body: await res.json() };
  };
}

/** S2 on the stand-in, as an admin in LangSmith would make a workspace. */
async function createWorkspace(h: SyncHarness, displayName: string): Promise<string> {
  const res = await fetch(`${h.fakeUrl}/api/v1/workspaces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': h.organization.apiKey, 'X-Organization-Id': h.organization.organizationId },
    body: JSON.stringify({ display_name: displayName }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

const workspaceListings = async (h: SyncHarness): Promise<number> => {
  const stats = await h.control('GET', '/_fake/requests?log=false');
  return (stats.byRoute as Record<string, number>)['GET /api/v1/workspaces'] ?? 0;
};

describe('GET /api/scopes on LangSmith', () => {
  it("answers the organization's workspaces as TEAM scopes by id, without deleted ones, by name", async () => {
    s = await createSyncHarness('langsmith', { TARGET_GROUP_MAPPING: 'bindings' });
    const defaultId = s.organization.workspaces[0].id as string;
    const production = await createWorkspace(s, 'Production');
    const gone = await createWorkspace(s, 'Archive');
    await s.control('DELETE', `/_fake/organizations/${s.organization.organizationId}/workspaces/${gone}`);

    const res = await bridge(s)();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      source: 'application',
      scopes: [
        { scopeType: 'TEAM', scopeId: defaultId, name: 'Default' },
        { scopeType: 'TEAM', scopeId: production, name: 'Production' },
      ],
    });
  });

  it('asks LangSmith at most once a minute per organization', async () => {
    s = await createSyncHarness('langsmith', { TARGET_GROUP_MAPPING: 'bindings' });
    let clock = 1_000_000;
    const get = bridge(s, () => clock);
    await s.control('DELETE', '/_fake/requests');

    expect((await get()).body.scopes).toHaveLength(1);
    const again = await Promise.all([get(), get()]);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(await workspaceListings(s)).toBe(1);

    // A workspace made meanwhile shows once the minute is over.
    await createWorkspace(s, 'Production');
    clock += 59_000;
    expect((await get()).body.scopes).toHaveLength(1);
    clock += 2_000;
    expect((await get()).body.scopes.map((x: { name: string }) => x.name)).toEqual(['Default', 'Production']);
    expect(await workspaceListings(s)).toBe(2);
  });

  it('is a 502 target_unavailable, not a 500, when LangSmith fails; the failure is not kept', async () => {
    s = await createSyncHarness('langsmith', { TARGET_GROUP_MAPPING: 'bindings' });
    const get = bridge(s);
    await s.control('PUT', '/_fake/faults', { errors: { next: 5, status: 503 } });

    const res = await get();
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('target_unavailable');
    expect(res.body.error.message).toMatch(/^The application's teams and projects could not be listed: .*503/);
    expect(JSON.stringify(res.body)).not.toContain(s.organization.apiKey);

    await s.control('DELETE', '/_fake/faults');
    const after = await get();
    expect(after.status).toBe(200);
    expect(after.body.source).toBe('application');
  });
});

describe('GET /api/scopes where nothing can list them', () => {
  it('answers source none for the embedded target', async () => {
    s = await createSyncHarness('embedded');
    expect(await bridge(s)()).toEqual({ status: 200, body: { source: 'none', scopes: [] } });
  });

  it('answers source none for LangWatch, which documents no list of teams or projects', async () => {
    s = await createSyncHarness('langwatch');
    const calls = async () => (await s!.control('GET', '/_fake/requests?log=false')).total as number;
    const before = await calls();
    expect(await bridge(s)()).toEqual({ status: 200, body: { source: 'none', scopes: [] } });
    expect(await calls()).toBe(before);
  });

  it('answers source none when the app was given no lister', async () => {
    s = await createSyncHarness('langsmith', { TARGET_GROUP_MAPPING: 'bindings' });
    const res = await s.h.request('GET', '/api/scopes', { token: TEST_ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ source: 'none', scopes: [] });
  });
});
