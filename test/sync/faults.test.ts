/**
 * The fault tests over every rebuilt stand-in: LangWatch in both modes and LangSmith. The
 * application answers 503 three times, 429 with `Retry-After: 1` twice and resets two
 * connections, then recovers; the bridge ends in exactly the desired state, with no delivery
 * parked, at a bounded request rate, having waited out the Retry-After.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from '../helpers/harness.js';
import { createSyncHarness, type HarnessEnv, type SyncHarness } from '../helpers/sync-harness.js';

const variants: { name: string; kind: 'langwatch' | 'langsmith'; env: HarnessEnv; accept: boolean }[] = [
  { name: 'LangWatch over SCIM', kind: 'langwatch', env: {}, accept: false },
  {
    name: 'LangWatch over invites',
    kind: 'langwatch',
    env: (org) => ({ TARGET_LANGWATCH_MODE: 'invite', TARGET_INVITE_TEAM_ID: org.teams[0].id }),
    accept: true,
  },
  { name: 'LangSmith', kind: 'langsmith', env: { TARGET_GROUP_MAPPING: 'bindings', TARGET_CREATE_WORKSPACES: 'true' }, accept: true },
];

describe.each(variants)('faults: $name', ({ kind, env, accept }) => {
  let s: SyncHarness;
  afterEach(() => s.close());

  it('5xx, 429 with Retry-After and resets end in exactly the desired state', async () => {
    s = await createSyncHarness(kind, env);
    if (accept) await s.control('PATCH', '/_fake/settings', { autoAcceptInvites: true });
    await s.control('PUT', '/_fake/faults', {
      errors: { next: 3, status: 503 },
      rateLimit: { next: 2, retryAfterSeconds: 1 },
      resets: { next: 2 },
    });
    const ids: string[] = [];
    for (const email of ['ana@contoso.com', 'bob@contoso.com']) {
      const res = await s.h.request('POST', '/scim/v2/Users', {
        body: { userName: email, emails: [{ value: email, primary: true }], active: true },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const group = await s.h.request('POST', '/scim/v2/Groups', {
      body: { displayName: 'Engineering', members: ids.map((value) => ({ value })) },
    });
    expect(group.status).toBe(201);
    const scope =
      kind === 'langwatch' ? { scopeType: 'TEAM', scopeId: s.organization.teams[0].id } : { scopeType: 'TEAM', scopeId: 'Default' };
    const bound = await s.h.request('POST', `/api/groups/${group.body.id}/bindings`, {
      token: TEST_ADMIN_KEY,
      body: { role: 'VIEWER', ...scope },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bound.status).toBe(201);

    const started = Date.now();
    await s.settle(30_000);
    expect(Date.now() - started, 'the Retry-After was waited out').toBeGreaterThanOrEqual(1000);
    expect(s.h.db.prepare('SELECT entity_type, last_error FROM sync_marks').all()).toEqual([]);
    const retries = s.h.db.prepare("SELECT count(*) FROM deliveries WHERE outcome = 'retry'").pluck().get() as number;
    expect(retries).toBeGreaterThanOrEqual(5);
    expect((await s.control('GET', '/_fake/requests?log=false')).total).toBeLessThan(80);

    const org = (await s.state()).organizations[0];
    const people = (org.members as { email: string }[])
      .map((m) => m.email)
      .filter((e) => e !== s.organization.admin.email)
      .sort();
    expect(people).toEqual(['ana@contoso.com', 'bob@contoso.com']);
    if (kind === 'langwatch') {
      const g = (org.groups as { name: string; members: { email: string }[]; bindings: { role: string; scopeId: string }[] }[]).find(
        (x) => x.name === 'Engineering',
      )!;
      expect(g.members.map((m) => m.email).sort()).toEqual(['ana@contoso.com', 'bob@contoso.com']);
      expect(g.bindings.map((b) => [b.role, b.scopeId])).toEqual([['VIEWER', scope.scopeId]]);
    } else {
      for (const m of org.members as { email: string; workspaces: { displayName: string; roleName: string }[] }[]) {
        if (m.email === s.organization.admin.email) continue;
        expect(m.workspaces.find((w) => w.displayName === 'Default')?.roleName).toBe('Viewer');
      }
    }
  });
});
