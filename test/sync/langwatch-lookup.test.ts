/**
 * Finding people in LangWatch (TARGETS.md §A4 steps 2–3): the exact `userName eq` filter is
 * trusted only when every row is the person (§A1 trap 1: an unknown filter returns an
 * unfiltered page), the REST member list is read across all its pages (§A3: offset/limit, max
 * 200, `totalCount`), emails are matched and created lower-cased (trap 7), and a 409 on create
 * means adopt after a lookup (trap 9).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LangWatchTarget } from '../../src/targets/langwatch/index.js';
import { MemoryBridge, person, seedMembers, settings, startLw, startProxy, type Lw, type Proxy } from './langwatch.fixture.js';

let lw: Lw;
const proxies: Proxy[] = [];
beforeEach(async () => {
  lw = await startLw();
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await lw.close();
});

async function through(hooks: Parameters<typeof startProxy>[1], over: Parameters<typeof settings>[0] = {}): Promise<MemoryBridge> {
  const proxy = await startProxy(lw.fake.url, hooks);
  proxies.push(proxy);
  return new MemoryBridge(proxy.url, lw.org.apiKey, new LangWatchTarget(settings(over)));
}

describe('LangWatch people: lookups in scim mode', () => {
  it('an unfiltered page returned for a lookup never adopts a stranger', async () => {
    await seedMembers(lw, ['stranger1@acme.com', 'stranger2@acme.com', 'ana@acme.com']);
    // A server that does not apply the filter answers the unfiltered page (trap 1).
    const b = await through({ url: (_m, url) => url.pathname.endsWith('/Users') && url.searchParams.delete('filter') });
    const ana = person('ana@acme.com');
    const bob = person('bob@acme.com');
    await b.member(ana);
    await b.member(bob);

    const members = await lw.members();
    expect(b.remote('member', ana.memberId)).toBe(members['ana@acme.com']!.userId);
    // Bob was created, not matched to the stranger at Resources[0].
    expect(b.remote('member', bob.memberId)).toBe(members['bob@acme.com']!.userId);
    expect(Object.keys(members).sort()).toEqual(
      [lw.org.admin.email, 'ana@acme.com', 'bob@acme.com', 'stranger1@acme.com', 'stranger2@acme.com'].sort(),
    );
    // The untrusted page sent both lookups to the REST member list.
    expect(b.routes().filter((r) => r === 'GET /api/organization/members')).toHaveLength(2);
  });

  it('a filtered answer that is the person is trusted: adopted with no REST list read', async () => {
    const [anaId] = await seedMembers(lw, ['ana@acme.com', 'other@acme.com']);
    const b = lw.bridge();
    const ana = person('ana@acme.com');
    await b.member(ana);
    expect(b.remote('member', ana.memberId)).toBe(anaId);
    expect(b.routes()).not.toContain('GET /api/organization/members');
    expect(b.routes()).not.toContain('POST /api/scim/v2/Users');
  });

  it('an address with a "+" is percent-encoded (%2B), so the filter finds it and not "ana ops@…"', async () => {
    const [anaId] = await seedMembers(lw, ['ana+ops@acme.com']);
    const b = await through({});
    const ana = person('ana+ops@acme.com');
    await b.member(ana);
    expect(b.remote('member', ana.memberId)).toBe(anaId);
    const lookup = b.calls.find((c) => c.method === 'GET' && c.path.startsWith('/api/scim/v2/Users?'))!;
    expect(lookup.path).toContain(`filter=${encodeURIComponent('userName eq "ana+ops@acme.com"')}`);
    expect(lookup.path).toContain('%2B');
    expect(b.routes()).not.toContain('GET /api/organization/members');
  });

  it('an email in another case matches the existing account, and new people are created lower-cased', async () => {
    const [aliceId] = await seedMembers(lw, ['alice@acme.com']);
    const b = lw.bridge();
    const alice = person('Alice@ACME.com');
    const bob = person(' Bob@Acme.com ');
    await b.member(alice);
    await b.member(bob);
    expect(b.remote('member', alice.memberId)).toBe(aliceId);
    const members = await lw.members();
    expect(Object.keys(members).sort()).toEqual([lw.org.admin.email, 'alice@acme.com', 'bob@acme.com'].sort());
    const users = (await lw.control('GET', '/_fake/state')).users.map((u: { email: string }) => u.email);
    // No second account for a second spelling of an address.
    expect(users.filter((e: string) => e.toLowerCase() === 'alice@acme.com')).toEqual(['alice@acme.com']);
  });

  it('a 409 on create (a member the lookup missed) means adopt after a second lookup', async () => {
    const [anaId] = await seedMembers(lw, ['ana@acme.com']);
    let hidden = 1;
    // The first filtered lookup answers "nobody" (a race with someone joining meanwhile).
    const b = await through({
      answer: (method, path, _s, body) =>
        method === 'GET' && path.endsWith('/Users') && hidden-- > 0 ? { ...body, totalResults: 0, Resources: [] } : undefined,
    });
    const ana = person('ana@acme.com');
    await b.member(ana);
    expect(b.remote('member', ana.memberId)).toBe(anaId);
    expect(b.calls.find((c) => c.method === 'POST' && c.path === '/api/scim/v2/Users')?.status).toBe(409);
  });

  it('creates a new person with the name, and renames them with the value-object form', async () => {
    const b = lw.bridge();
    const ana = person('ana@acme.com', { name: 'Ana Lima' });
    await b.member(ana);
    let s = await lw.state();
    expect(s.members.find((m: { email: string }) => m.email === 'ana@acme.com').name).toBe('Ana Lima');
    await b.member({ ...ana, name: 'Ana Maria Lima' });
    s = await lw.state();
    expect(s.members.find((m: { email: string }) => m.email === 'ana@acme.com').name).toBe('Ana Maria Lima');
    // Nothing changed, nothing sent.
    const before = b.calls.length;
    await b.member({ ...ana, name: 'Ana Maria Lima' });
    expect(b.routes().slice(before)).toEqual(['GET /api/organization/members/' + b.remote('member', ana.memberId)]);
  });
});

describe('LangWatch people: the paged member list', () => {
  const emails = Array.from({ length: 250 }, (_, i) => `p${String(i).padStart(3, '0')}@acme.com`);

  it('an organization of 250 members is read across pages (invite mode: nobody already there is invited)', async () => {
    const ids = await seedMembers(lw, emails);
    const b = lw.bridge({ mode: 'invite', inviteTeamId: lw.org.teams[0]!.id });
    const people = [person('p000@acme.com'), person('p199@acme.com'), person('p200@acme.com'), person('P249@acme.com')];
    await b.prepare(people);
    expect(people.map((p) => b.remote('member', p.memberId))).toEqual([ids[0], ids[199], ids[200], ids[249]]);
    const pages = b.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/api/organization/members?'));
    expect(pages.map((c) => new URL(c.path, 'http://x').searchParams.get('offset'))).toEqual(['0', '200']);
    expect(b.routes()).not.toContain('POST /api/organization/invites');
    for (const p of people) await b.member(p);
    expect((await lw.state()).invites).toEqual([]);
  });

  it('the REST fallback of scim mode reads every page too', async () => {
    const ids = await seedMembers(lw, emails);
    const b = await through({ url: (_m, url) => url.pathname.endsWith('/Users') && url.searchParams.delete('filter') });
    const last = person('p249@acme.com');
    await b.member(last);
    expect(b.remote('member', last.memberId)).toBe(ids[249]);
    expect(b.routes()).not.toContain('POST /api/scim/v2/Users');
  });
});
