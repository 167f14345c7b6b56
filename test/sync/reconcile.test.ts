/**
 * Turning a target on provisions what the bridge already holds (issue 11 item 5): a bridge that
 * ran embedded with 300 members and 20 groups, restarted with TARGET=langwatch (both modes) or
 * langsmith, converges with no IdP push at all; the pass is bounded and its progress visible;
 * an application emptied behind the bridge's back is filled again by `POST
 * /api/deliveries/reconcile`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from '../helpers/harness.js';
import { createSyncHarness, type HarnessEnv, type SyncHarness } from '../helpers/sync-harness.js';

const PEOPLE = 300;
const GROUPS = 20;

/** One Bulk request: 300 users, then 20 groups of 15 members each. */
async function seed(s: SyncHarness): Promise<void> {
  const ops: unknown[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const email = `p${String(i).padStart(3, '0')}@contoso.com`;
    ops.push({
      method: 'POST',
      path: '/Users',
      bulkId: `u${i}`,
      data: { userName: email, name: { givenName: 'P', familyName: String(i) }, emails: [{ value: email, primary: true }], active: true },
    });
  }
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from({ length: 15 }, (_, k) => ({ value: `bulkId:u${g * 15 + k}` }));
    ops.push({ method: 'POST', path: '/Groups', bulkId: `g${g}`, data: { displayName: `Team ${g}`, members } });
  }
  const res = await s.h.request('POST', '/scim/v2/Bulk', {
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: ops },
  });
  expect(res.status, res.text).toBe(200);
  expect(res.body.Operations.every((o: { status: string }) => o.status === '201')).toBe(true);
}

const deliveries = (s: SyncHarness) => s.h.request('GET', '/api/deliveries', { token: TEST_ADMIN_KEY });

/** The people (by email) and groups (name → member emails) the application holds, from its own dump. */
async function application(s: SyncHarness, kind: 'langwatch' | 'langsmith') {
  const org = (await s.state()).organizations[0];
  const admin = s.organization.admin.email;
  const people = (org.members as { email: string }[])
    .map((m) => m.email)
    .filter((e) => e !== admin)
    .sort();
  if (kind === 'langsmith') return { people, groups: null };
  const groups = Object.fromEntries(
    (org.groups as { name: string; members: { email: string }[] }[]).map((g) => [g.name, g.members.map((m) => m.email).sort()]),
  );
  return { people, groups };
}

const cases: { name: string; kind: 'langwatch' | 'langsmith'; env: HarnessEnv; accept?: boolean }[] = [
  { name: 'langwatch (SCIM)', kind: 'langwatch', env: {} },
  {
    name: 'langwatch (invites)',
    kind: 'langwatch',
    env: (org) => ({ TARGET_LANGWATCH_MODE: 'invite', TARGET_INVITE_TEAM_ID: org.teams[0].id }),
    accept: true,
  },
  { name: 'langsmith', kind: 'langsmith', env: { TARGET_GROUP_MAPPING: 'bindings', TARGET_CREATE_WORKSPACES: 'true' }, accept: true },
];

describe.each(cases)('embedded, then $name', ({ kind, env, accept }) => {
  let s: SyncHarness;
  afterEach(() => s.close());

  it('provisions every existing member and group with no IdP push, in bounded batches, with progress', async () => {
    s = await createSyncHarness('embedded');
    await seed(s);
    await s.settle();
    expect((await deliveries(s)).body.reconcile).toBeNull();

    await s.switchTo(kind, env);
    // The people accept their invites the moment they get them (invite mode, LangSmith).
    if (accept) await s.control('PATCH', '/_fake/settings', { autoAcceptInvites: true });
    const started = (await deliveries(s)).body.reconcile;
    expect(started).toMatchObject({ phase: 'member', total: PEOPLE + GROUPS, done: 0 });

    // One tick marks a bounded batch, never the whole directory at once.
    await s.worker.tick();
    const marks = s.h.db.prepare('SELECT count(*) FROM sync_marks').pluck().get() as number;
    expect(marks).toBeGreaterThan(0);
    expect(marks).toBeLessThanOrEqual(1000);

    await s.settle(120_000);
    const parked = s.h.db.prepare('SELECT entity_type, last_error FROM sync_marks').all();
    expect(parked).toEqual([]);
    const done = (await deliveries(s)).body.reconcile;
    expect(done).toMatchObject({ phase: null, total: PEOPLE + GROUPS, done: PEOPLE + GROUPS });
    expect(done.finishedAt).toEqual(expect.any(String));

    const app = await application(s, kind);
    expect(app.people).toHaveLength(PEOPLE);
    expect(app.people[0]).toBe('p000@contoso.com');
    if (app.groups) {
      expect(Object.keys(app.groups)).toHaveLength(GROUPS);
      expect(app.groups['Team 3']).toEqual(Array.from({ length: 15 }, (_, k) => `p${String(45 + k).padStart(3, '0')}@contoso.com`));
    }
  }, 180_000);
});

describe('reconcile on demand', () => {
  let s: SyncHarness;
  afterEach(() => s.close());

  it("fills an application emptied behind the bridge's back, and refuses on the embedded target", async () => {
    s = await createSyncHarness('embedded');
    const refused = await s.h.request('POST', '/api/deliveries/reconcile', { token: TEST_ADMIN_KEY });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/embedded/);

    await s.switchTo('langwatch');
    for (const email of ['ana@contoso.com', 'bob@contoso.com']) {
      expect((await s.h.request('POST', '/scim/v2/Users', { body: { userName: email, active: true } })).status).toBe(201);
    }
    await s.settle();
    expect((await application(s, 'langwatch')).people).toEqual(['ana@contoso.com', 'bob@contoso.com']);

    // The application loses everything (a restore of its own database, say).
    await s.control('POST', '/_fake/reset');
    expect((await application(s, 'langwatch')).people).toEqual([]);

    const res = await s.h.request('POST', '/api/deliveries/reconcile', { token: TEST_ADMIN_KEY });
    expect(res.status).toBe(202);
    await s.settle();
    expect((await application(s, 'langwatch')).people).toEqual(['ana@contoso.com', 'bob@contoso.com']);
  });
});
