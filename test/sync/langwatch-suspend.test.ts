/**
 * Suspension and removal (TARGETS.md §A4 steps 5–6, §A1 traps 4–6, §A3): organization-scoped
 * REST `disabled` by default, SCIM `active` (the whole account) with TARGET_SUSPEND=account,
 * never both; JSON booleans only; removal after leaving the bridge's groups; never a protected
 * account, never someone the bridge did not create or adopt, never the last admin.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LangWatchTarget } from '../../src/targets/langwatch/index.js';
import {
  group,
  MemoryBridge,
  person,
  refusal,
  SCIM,
  seedMembers,
  settings,
  startLw,
  startProxy,
  type Lw,
  type Proxy,
} from './langwatch.fixture.js';

let lw: Lw;
let proxy: Proxy;
beforeEach(async () => {
  lw = await startLw();
  proxy = await startProxy(lw.fake.url, {});
});
afterEach(async () => {
  await proxy.close();
  await lw.close();
});

const bridge = (over: Parameters<typeof settings>[0] = {}) =>
  new MemoryBridge(proxy.url, lw.org.apiKey, new LangWatchTarget(settings(over)));
const sent = (method: string, pathPrefix: string) =>
  proxy.seen.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).map((r) => r.body);

describe('LangWatch suspension', () => {
  it('organization (default): REST disabled in this organization only, the account left active', async () => {
    const b = bridge();
    const ana = person('ana@acme.com');
    await b.member(ana);
    await b.member({ ...ana, disabled: true });
    expect((await lw.members())['ana@acme.com']).toMatchObject({ disabled: true, deactivated: false });
    expect(sent('PATCH', '/api/organization/members/')).toEqual([{ disabled: true }]);
    await b.member(ana);
    expect((await lw.members())['ana@acme.com']).toMatchObject({ disabled: false, deactivated: false });
    expect(sent('PATCH', `${SCIM}/Users/`).filter((body) => JSON.stringify(body).includes('active'))).toEqual([]);
  });

  it('account: SCIM active:false with a JSON boolean (the "False" trap), the REST flag left alone', async () => {
    const b = bridge({ suspend: 'account' });
    const ana = person('ana@acme.com');
    await b.member(ana);
    await b.member({ ...ana, disabled: true });
    expect((await lw.members())['ana@acme.com']).toMatchObject({ disabled: false, deactivated: true });
    await b.member(ana);
    expect((await lw.members())['ana@acme.com']).toMatchObject({ disabled: false, deactivated: false });
    const ops = sent('PATCH', `${SCIM}/Users/`).flatMap((body) => body.Operations);
    expect(ops).toEqual([
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'active', value: true },
    ]);
    // Only JSON booleans ever go out: the string "False" would reactivate (trap 4).
    expect(ops.every((op: { value: unknown }) => typeof op.value === 'boolean')).toBe(true);
    expect(sent('PATCH', '/api/organization/members/')).toEqual([]);
  });

  it('never disables or removes a protected (break-glass) account', async () => {
    const b = bridge({ suspend: 'account' });
    const bg = person('breakglass@acme.com', { protected: true });
    await b.member(bg);
    await b.member({ ...bg, disabled: true });
    await b.member({ ...bg, exists: false });
    expect((await lw.members())['breakglass@acme.com']).toMatchObject({ disabled: false, deactivated: false });
  });

  it('never disables the last admin: refused by the bridge over SCIM, by LangWatch (400, parked) over REST', async () => {
    // The organization's only admin, adopted by email.
    const admin = person(lw.org.admin.email, { role: 'ADMIN' });
    const account = bridge({ suspend: 'account' });
    await account.member(admin);
    const err = await refusal(account.member({ ...admin, disabled: true }));
    expect(err).toMatchObject({ retryable: false, code: 'cannot_disable_last_admin' });
    const org = bridge();
    await org.member(admin);
    const rest = await refusal(org.member({ ...admin, disabled: true }));
    expect(rest).toMatchObject({ retryable: false, status: 400, code: 'cannot_disable_last_admin' });
    expect((await lw.members())[lw.org.admin.email]).toMatchObject({ role: 'ADMIN', disabled: false, deactivated: false });
  });

  it('sets the organization role over REST', async () => {
    const b = bridge();
    const ana = person('ana@acme.com');
    await b.member(ana);
    await b.member({ ...ana, role: 'ADMIN' });
    expect((await lw.members())['ana@acme.com']!.role).toBe('ADMIN');
    expect(sent('PATCH', '/api/organization/members/')).toEqual([{ role: 'ADMIN' }]);
  });
});

describe('LangWatch removal', () => {
  it("takes the person out of the bridge's groups first, then removes them from the organization only", async () => {
    const b = bridge();
    const ana = person('ana@acme.com');
    await b.member(ana);
    const eng = group('Engineering', [ana]);
    await b.group(eng);
    const anaId = b.remote('member', ana.memberId)!;
    await b.member({ ...ana, exists: false });
    const routes = proxy.seen.map((r) => `${r.method} ${r.path}`);
    const leave = routes.indexOf(`PATCH ${SCIM}/Groups/${b.remote('group', eng.groupId)}`);
    const remove = routes.indexOf(`DELETE /api/organization/members/${anaId}`);
    expect(leave).toBeGreaterThan(-1);
    expect(remove).toBeGreaterThan(leave);
    const s = await lw.state();
    expect(s.members.map((m: { email: string }) => m.email)).not.toContain('ana@acme.com');
    expect(s.groups[0].members).toEqual([]);
    // The account itself stays usable in other organizations.
    expect((await lw.control('GET', '/_fake/state')).users.find((u: { email: string }) => u.email === 'ana@acme.com').deactivated).toBe(
      false,
    );
    expect(b.remote('member', ana.memberId)).toBeNull();
    // Done is done: nothing is sent for someone the bridge no longer maps.
    const before = proxy.seen.length;
    await b.member({ ...ana, exists: false });
    expect(proxy.seen.length).toBe(before);
  });

  it('account mode deletes over SCIM (the whole account), 404 counts as done', async () => {
    const b = bridge({ suspend: 'account' });
    const ana = person('ana@acme.com');
    await b.member(ana);
    const id = b.remote('member', ana.memberId)!;
    await b.member({ ...ana, exists: false });
    expect(proxy.seen.map((r) => `${r.method} ${r.path}`)).toContain(`DELETE ${SCIM}/Users/${id}`);
    expect((await lw.control('GET', '/_fake/state')).users.find((u: { email: string }) => u.email === 'ana@acme.com').deactivated).toBe(
      true,
    );
  });

  it('TARGET_DELETE_MODE=disable keeps a deleted person, disabled', async () => {
    const b = bridge({ deleteMode: 'disable' });
    const ana = person('ana@acme.com');
    await b.member(ana);
    await b.member({ ...ana, exists: false });
    expect((await lw.members())['ana@acme.com']).toMatchObject({ disabled: true, deactivated: false });
  });

  it('never touches someone the bridge did not create or adopt', async () => {
    await seedMembers(lw, ['ana@acme.com']);
    const b = bridge({ suspend: 'account' });
    await b.member(person('ana@acme.com', { exists: false }));
    expect(proxy.seen).toEqual([]);
    expect((await lw.members())['ana@acme.com']).toMatchObject({ disabled: false, deactivated: false });
  });
});
