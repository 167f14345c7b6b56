/**
 * The worker's own guards and rhythms against the LangWatch target, end to end (kept from the
 * previous langwatch.test.ts): the drift sweep, the mass-removal hold, timeouts, and
 * TARGET_DELETE_MODE=disable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from '../helpers/harness.js';
import { createSyncHarness, type SyncHarness } from '../helpers/sync-harness.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let s: SyncHarness;
afterEach(() => s?.close());

const scim = (method: string, path: string, body?: unknown) =>
  s.h.request(method, `/scim/v2${path}`, { token: s.h.tokens.azure, ...(body !== undefined ? { body } : {}) });
const admin = (method: string, path: string) => s.h.request(method, path, { token: TEST_ADMIN_KEY });

async function user(userName: string): Promise<string> {
  const res = await scim('POST', '/Users', { userName, emails: [{ value: userName, primary: true, type: 'work' }], active: true });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function members(): Promise<Record<string, { disabled: boolean; deactivated: boolean }>> {
  const org = (await s.state()).organizations[0];
  return Object.fromEntries(org.members.map((m: any) => [m.email, { disabled: m.disabled, deactivated: m.deactivated }]));
}

describe('LangWatch target: the worker around it', () => {
  it('the drift sweep marks only entities confirmed longer ago than the interval', async () => {
    s = await createSyncHarness('langwatch');
    for (let i = 0; i < 3; i++) await user(`d${i}@contoso.com`);
    await s.settle();
    expect(s.worker.scheduleDriftCheck()).toBe(0);
    s.h.db.prepare("UPDATE target_state SET confirmed_at = '2000-01-01T00:00:00.000Z'").run();
    expect(s.worker.scheduleDriftCheck()).toBe(3);
    await s.settle();
    expect(s.worker.scheduleDriftCheck()).toBe(0);
  });

  it('holds a mass removal for approval, then applies it when approved', async () => {
    s = await createSyncHarness('langwatch');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await user(`p${i}@contoso.com`));
    await s.settle();
    for (const id of ids.slice(0, 11))
      await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    await s.settle();
    expect(Object.values(await members()).filter((m) => m.disabled)).toHaveLength(0);
    const held = (await admin('GET', '/api/deliveries')).body.pending;
    expect(held).toHaveLength(11);
    expect(held[0]).toMatchObject({ state: 'awaiting_approval', lastError: expect.stringMatching(/Held for approval: 11 removals/) });

    expect((await admin('POST', '/api/deliveries/approve')).body).toEqual({ approved: 11 });
    await s.settle();
    const disabled = Object.entries(await members())
      .filter(([, m]) => m.disabled)
      .map(([e]) => e)
      .sort();
    expect(disabled).toEqual(
      ids
        .slice(0, 11)
        .map((_, i) => `p${i}@contoso.com`)
        .sort(),
    );
  });

  it('a target that stops answering (timeouts) is retried until it answers', async () => {
    s = await createSyncHarness('langwatch');
    await s.control('PUT', '/_fake/faults', { timeouts: { next: 2 } });
    await user('ana@contoso.com');
    await s.settle();
    expect((await members())['ana@contoso.com']).toEqual({ disabled: false, deactivated: false });
    expect(s.h.db.prepare("SELECT count(*) FROM deliveries WHERE detail LIKE '%timed out%'").pluck().get()).toBe(2);
  });

  it('with TARGET_DELETE_MODE=disable a deleted person is disabled in the organization, not removed', async () => {
    s = await createSyncHarness('langwatch', { TARGET_DELETE_MODE: 'disable' });
    const ana = await user('ana@contoso.com');
    await s.settle();
    await scim('DELETE', `/Users/${ana}`);
    await s.settle();
    expect((await members())['ana@contoso.com']).toEqual({ disabled: true, deactivated: false });
  });
});
