/**
 * Invite mode, for organizations without SCIM (TARGETS.md §A3): every invite names a team, goes
 * out in all-or-nothing batches of at most 50, stays pending until accepted in a browser (the
 * control API plays the browser), and expires after 48 h, when it is sent again. Groups are
 * ordinary REST groups (§A2): a member already in one (409) is done, and the group list's
 * pagination has no `totalPages`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotYet } from '../../src/targets/errors.js';
import { LangWatchTarget } from '../../src/targets/langwatch/index.js';
import {
  group,
  MemoryBridge,
  person,
  refusal,
  seedMembers,
  settings,
  startLw,
  startProxy,
  type Lw,
  type Proxy,
} from './langwatch.fixture.js';

let lw: Lw;
const proxies: Proxy[] = [];
beforeEach(async () => {
  lw = await startLw();
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await lw.close();
});

const inviteMode = () => ({ mode: 'invite' as const, inviteTeamId: lw.org.teams[0]!.id });
const accept = async (email: string) => {
  const invite = (await lw.state()).invites.find((i: { email: string; expired: boolean }) => i.email === email && !i.expired);
  await lw.control('POST', `/_fake/invites/${invite.id}/accept`);
};

describe('LangWatch invite mode: people', () => {
  it('an invite needs a team: without TARGET_INVITE_TEAM_ID nothing is sent, and the reason says what to set', async () => {
    const b = lw.bridge({ mode: 'invite', inviteTeamId: null });
    const err = await refusal(b.member(person('ana@acme.com')));
    expect(err).toMatchObject({ retryable: false, code: 'invite_team_required' });
    expect(err.message).toContain('TARGET_INVITE_TEAM_ID');
    expect(b.routes()).not.toContain('POST /api/organization/invites');
  });

  it('invites with the team, waits while the invite is pending, and maps the person once they accept', async () => {
    const b = lw.bridge({ ...inviteMode(), inviteTeamRole: 'VIEWER' });
    const ana = person('Ana@Acme.com', { role: 'ADMIN' });
    const first = await refusal(b.member(ana));
    expect(first).toBeInstanceOf(NotYet);
    expect(first.message).toMatch(/ana@acme\.com was invited; waiting for them to accept/);
    const [invite] = (await lw.state()).invites;
    expect(invite).toMatchObject({ email: 'ana@acme.com', role: 'ADMIN', teams: [{ teamId: lw.org.teams[0]!.id, role: 'VIEWER' }] });

    // Still pending: waited for, not invited twice.
    expect((await refusal(b.member(ana))).message).toMatch(/is invited \(until .+\); waiting/);
    expect(b.routes().filter((r) => r === 'POST /api/organization/invites')).toHaveLength(1);

    await accept('ana@acme.com');
    await b.member(ana);
    const members = await lw.members();
    expect(b.remote('member', ana.memberId)).toBe(members['ana@acme.com']!.userId);
    expect(members['ana@acme.com']).toMatchObject({ role: 'ADMIN', disabled: false });
  });

  it('a pending invite that expires is sent again', async () => {
    const b = lw.bridge(inviteMode());
    const ana = person('ana@acme.com');
    await refusal(b.member(ana));
    const firstId = (await lw.state()).invites[0].id;
    await lw.control('POST', '/_fake/clock', { advanceMs: 49 * 3600_000 });
    const err = await refusal(b.member(ana));
    expect(err.message).toMatch(/was invited/);
    const live = (await lw.state()).invites.filter((i: { expired: boolean }) => !i.expired);
    expect(live).toHaveLength(1);
    expect(live[0].id).not.toBe(firstId);
    await accept('ana@acme.com');
    await b.member(ana);
    expect(b.remote('member', ana.memberId)).toBe((await lw.members())['ana@acme.com']!.userId);
  });

  it('invites a pass in batches of at most 50; a batch refused for one person (409) falls back to one call each', async () => {
    const people = Array.from({ length: 60 }, (_, i) => person(`n${i}@acme.com`));
    // One of them was invited out of band, and the list the bridge reads does not show it yet.
    const direct = lw.bridge(inviteMode());
    await refusal(direct.member(people[7]!));
    let hide = true;
    const proxy = await startProxy(lw.fake.url, {
      answer: (m, path) => (m === 'GET' && path === '/api/organization/invites' && hide ? { invites: [] } : undefined),
    });
    proxies.push(proxy);
    const b = new MemoryBridge(proxy.url, lw.org.apiKey, new LangWatchTarget(settings(inviteMode())));
    await b.prepare(people);
    hide = false;
    const posts = proxy.seen.filter((r) => r.method === 'POST' && r.path === '/api/organization/invites');
    expect(posts[0]!.body.invites).toHaveLength(50);
    expect(b.calls.filter((c) => c.method === 'POST' && c.path === '/api/organization/invites')[0]?.status).toBe(409);
    // 50 refused together, then 50 one by one (one of them 409 duplicate_invite), then the last 10.
    expect(posts.map((p) => p.body.invites.length)).toEqual([50, ...Array(50).fill(1), 10]);
    const invited = new Set((await lw.state()).invites.map((i: { email: string }) => i.email));
    expect(invited.size).toBe(60);
  });

  it('a person deleted or disabled before accepting has the invite revoked, and is not invited while disabled', async () => {
    const b = lw.bridge(inviteMode());
    const ana = person('ana@acme.com');
    await refusal(b.member(ana));
    await b.member({ ...ana, disabled: true });
    expect((await lw.state()).invites).toEqual([]);
    await b.member({ ...ana, disabled: true });
    expect(b.routes().filter((r) => r === 'POST /api/organization/invites')).toHaveLength(1);
    await refusal(b.member(ana));
    await b.member({ ...ana, exists: false });
    expect((await lw.state()).invites).toEqual([]);
  });

  it('a person deleted before the bridge knew any email for them (nothing confirmed) still has the invite revoked', async () => {
    const b = lw.bridge(inviteMode());
    const ana = person('ana@acme.com');
    await refusal(b.member(ana));
    expect((await lw.state()).invites).toHaveLength(1);
    // Deleted in the IdP before accepting: the worker has no confirmed email for them.
    await b.member({ ...ana, exists: false, email: '' });
    expect((await lw.state()).invites).toEqual([]);
  });
});

describe('LangWatch invite mode: REST groups', () => {
  it('a member already in a group (409 group_member_already_added) is done', async () => {
    const [anaId] = await seedMembers(lw, ['ana@acme.com']);
    // The bridge reads the group without Ana (a read that raced her being added).
    const proxy = await startProxy(lw.fake.url, {
      answer: (m, path, _s, body) => (m === 'GET' && /^\/api\/groups\/[^/]+$/.test(path) ? { ...body, members: [] } : undefined),
    });
    proxies.push(proxy);
    const b = new MemoryBridge(proxy.url, lw.org.apiKey, new LangWatchTarget(settings(inviteMode())));
    const ana = person('ana@acme.com');
    await b.member(ana);
    const eng = group('Engineering', [ana]);
    await b.group(eng);
    const add = b.calls.find((c) => c.method === 'POST' && /\/api\/groups\/[^/]+\/members$/.test(c.path));
    expect(add?.status).toBe(409);
    const g = (await lw.state()).groups.find((x: { name: string }) => x.name === 'Engineering');
    expect(g.members.map((m: { userId: string }) => m.userId)).toEqual([anaId]);
    expect(g.scimSource).toBeNull();
  });

  it('reads the group list without totalPages, adopts an unclaimed group of its name after a crash, and repairs drift', async () => {
    const [anaId, strayId] = await seedMembers(lw, ['ana@acme.com', 'stray@acme.com']);
    const b = lw.bridge(inviteMode());
    const ana = person('ana@acme.com');
    await b.member(ana);
    const eng = group('Engineering', [ana]);
    await b.group(eng);
    const remote = b.remote('group', eng.groupId)!;
    b.ids.delete(`group:${eng.groupId}`); // a crash right after the create
    await b.group(eng);
    expect(b.remote('group', eng.groupId)).toBe(remote);
    expect(b.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/api/groups?'))).toHaveLength(2);
    expect((await lw.state()).groups).toHaveLength(1);

    const headers = { Authorization: `Bearer ${lw.org.apiKey}`, 'Content-Type': 'application/json' };
    await fetch(`${lw.fake.url}/api/groups/${remote}`, { method: 'PATCH', headers, body: JSON.stringify({ name: 'Hijacked' }) });
    await fetch(`${lw.fake.url}/api/groups/${remote}/members`, { method: 'POST', headers, body: JSON.stringify({ userId: strayId }) });
    await b.group(eng);
    const g = (await lw.state()).groups[0];
    expect(g.name).toBe('Engineering');
    expect(g.members.map((m: { userId: string }) => m.userId)).toEqual([anaId]);
    expect(b.drifts).toEqual([
      `Group "Engineering" was changed in LangWatch (renamed to "Hijacked" (was "Engineering"); member ${strayId} added); repaired.`,
    ]);
  });

  it('a group waiting for people names them, and says "invited" only of those really invited', async () => {
    const b = lw.bridge(inviteMode());
    const ana = person('ana@acme.com');
    const bob = person('bob@acme.com');
    await refusal(b.member(ana));
    const eng = group('Engineering', [ana, bob]);
    const err = await refusal(b.group(eng));
    expect(err).toBeInstanceOf(NotYet);
    expect(err.message).toBe('Group "Engineering": waiting for ana@acme.com, bob@acme.com to join LangWatch (invited: ana@acme.com).');
    await refusal(b.member(bob));
    const again = await refusal(b.group(eng));
    expect(again.message).toBe('Group "Engineering": waiting for ana@acme.com, bob@acme.com to join LangWatch (invited).');
  });
});
