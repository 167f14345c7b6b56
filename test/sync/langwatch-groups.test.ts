/**
 * Groups over LangWatch's SCIM server, bindings over REST with the same id (TARGETS.md §A4
 * steps 7–8): the path forms that really work, the members LangWatch silently drops (§A1 trap
 * 10), a crash between create and saving the id (409 → adopt), a group deleted in LangWatch's
 * UI (recreated with its bindings, logged as drift), and waits that name the people.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotYet } from '../../src/targets/errors.js';
import { LangWatchTarget } from '../../src/targets/langwatch/index.js';
import { group, MemoryBridge, person, refusal, SCIM, settings, startLw, startProxy, type Lw, type Proxy } from './langwatch.fixture.js';

let lw: Lw;
let proxy: Proxy;
let b: MemoryBridge;
beforeEach(async () => {
  lw = await startLw();
  proxy = await startProxy(lw.fake.url, {});
  b = new MemoryBridge(proxy.url, lw.org.apiKey, new LangWatchTarget(settings()));
});
afterEach(async () => {
  await proxy.close();
  await lw.close();
});

const team = () => lw.org.teams[0]!.id;
const remoteGroup = async (name: string) => (await lw.state()).groups.find((g: { name: string }) => g.name === name);
const emails = (g: { members: { email: string }[] }) => g.members.map((m) => m.email).sort();
const patches = () => proxy.seen.filter((r) => r.method === 'PATCH' && r.path.startsWith(`${SCIM}/Groups/`)).map((r) => r.body.Operations);

describe('LangWatch scim mode: groups', () => {
  it('creates a SCIM-managed group with its members, then renames, adds and removes with the path forms', async () => {
    const [ana, bob, cy] = [person('ana@acme.com'), person('bob@acme.com'), person('cy@acme.com')];
    for (const p of [ana, bob, cy]) await b.member(p);
    const eng = group('Engineering', [ana, bob], [{ role: 'MEMBER', customRoleId: null, scopeType: 'TEAM', scopeId: team() }]);
    await b.group(eng);
    let g = await remoteGroup('Engineering');
    expect(g).toMatchObject({ id: b.remote('group', eng.groupId), scimSource: 'scim' });
    expect(emails(g)).toEqual(['ana@acme.com', 'bob@acme.com']);
    expect(g.bindings).toEqual([expect.objectContaining({ role: 'MEMBER', scopeType: 'TEAM', scopeId: team() })]);

    const renamed = {
      ...eng,
      name: 'Platform',
      memberIds: [ana.memberId, cy.memberId],
      members: [ana, cy].map((p) => ({ memberId: p.memberId, email: p.email })),
    };
    await b.group(renamed);
    g = await remoteGroup('Platform');
    expect(emails(g)).toEqual(['ana@acme.com', 'cy@acme.com']);
    expect(patches()).toEqual([
      [
        { op: 'replace', path: 'displayName', value: 'Platform' },
        { op: 'add', path: 'members', value: [{ value: b.remote('member', cy.memberId) }] },
        { op: 'remove', path: `members[value eq "${b.remote('member', bob.memberId)}"]` },
      ],
    ]);
    // Never a replace without a path, never a PUT.
    expect(proxy.seen.some((r) => r.method === 'PUT')).toBe(false);
    // Nothing to change: one read, no write.
    const before = proxy.seen.length;
    await b.group(renamed);
    expect(proxy.seen.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/groups/${g.id}`]);

    await b.group({ ...renamed, exists: false });
    expect((await lw.state()).groups).toEqual([]);
    expect(b.remote('group', eng.groupId)).toBeNull();
  });

  it('a group deleted in the application is recreated with its members and bindings, and logged as drift', async () => {
    const ana = person('ana@acme.com');
    await b.member(ana);
    const eng = group('Engineering', [ana], [{ role: 'VIEWER', customRoleId: null, scopeType: 'TEAM', scopeId: team() }]);
    await b.group(eng);
    const first = b.remote('group', eng.groupId)!;
    await lw.control('DELETE', `/_fake/organizations/${lw.org.organizationId}/groups/${first}`);

    await b.group(eng);
    const g = await remoteGroup('Engineering');
    expect(g.id).not.toBe(first);
    expect(b.remote('group', eng.groupId)).toBe(g.id);
    expect(emails(g)).toEqual(['ana@acme.com']);
    expect(g.bindings).toEqual([expect.objectContaining({ role: 'VIEWER', scopeType: 'TEAM', scopeId: team() })]);
    expect(b.drifts).toEqual(['The group "Engineering" was deleted in LangWatch; created it again with its members and bindings.']);
  });

  it('a crash between the create and saving its id adopts the group LangWatch refuses to create twice (409)', async () => {
    const ana = person('ana@acme.com');
    await b.member(ana);
    const eng = group('Engineering', [ana]);
    await b.group(eng);
    const id = b.remote('group', eng.groupId)!;
    b.ids.delete(`group:${eng.groupId}`);
    await b.group(eng);
    expect(b.remote('group', eng.groupId)).toBe(id);
    expect((await lw.state()).groups).toHaveLength(1);
    expect(b.calls.filter((c) => c.method === 'POST' && c.path === `${SCIM}/Groups`).map((c) => c.status)).toEqual([201, 409]);

    // A second group of the bridge with the same name does not take the first one's group.
    const twin = group('Engineering', [ana]);
    const err = await refusal(b.group(twin));
    expect(err).toMatchObject({ retryable: false, code: 'group_name_taken' });
  });

  it('a member LangWatch drops silently (not in its organization) is named in the wait, not taken as done', async () => {
    const [ana, bob] = [person('ana@acme.com'), person('bob@acme.com')];
    await b.member(ana);
    await b.member(bob);
    // Bob leaves the organization behind the bridge's back: his id is now unknown to LangWatch.
    await fetch(`${lw.fake.url}/api/organization/members/${b.remote('member', bob.memberId)}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${lw.org.apiKey}` },
    });
    const err = await refusal(b.group(group('Engineering', [ana, bob])));
    expect(err).toBeInstanceOf(NotYet);
    expect(err.message).toBe(
      'Group "Engineering": LangWatch did not take bob@acme.com into the group (not members of its organization yet).',
    );
    expect(emails(await remoteGroup('Engineering'))).toEqual(['ana@acme.com']);
  });

  it('a group waiting for people not provisioned yet names them, without saying "invited"', async () => {
    const [ana, bob, cy] = [person('ana@acme.com'), person('bob@acme.com'), person('cy@acme.com')];
    await b.member(ana);
    const eng = group('Engineering', [ana, bob, cy]);
    const err = await refusal(b.group(eng));
    expect(err).toBeInstanceOf(NotYet);
    expect(err.message).toBe('Group "Engineering": waiting for bob@acme.com, cy@acme.com to join LangWatch.');
    await b.member(bob);
    await b.member(cy);
    await b.group(eng);
    expect(emails(await remoteGroup('Engineering'))).toEqual(['ana@acme.com', 'bob@acme.com', 'cy@acme.com']);
  });

  it("an ORGANIZATION-scoped binding takes LangWatch's organization id, learned from GET /api/organization", async () => {
    const eng = group('Admins', [], [{ role: 'ADMIN', customRoleId: null, scopeType: 'ORGANIZATION', scopeId: 'default' }]);
    await b.group(eng);
    expect((await remoteGroup('Admins')).bindings).toEqual([
      expect.objectContaining({ role: 'ADMIN', scopeType: 'ORGANIZATION', scopeId: lw.org.organizationId }),
    ]);
    // A binding already there (409 role_binding_already_exists) is done.
    const id = b.remote('group', eng.groupId)!;
    const hide = await startProxy(lw.fake.url, {
      answer: (m, path, _s, body) => (m === 'GET' && path === `/api/groups/${id}` ? { ...body, bindings: [] } : undefined),
    });
    try {
      const b2 = new MemoryBridge(hide.url, lw.org.apiKey, new LangWatchTarget(settings({ remoteOrgId: lw.org.organizationId })));
      b2.ids.set(`group:${eng.groupId}`, id);
      await b2.group(eng);
      expect(b2.calls.find((c) => c.method === 'POST' && c.path.endsWith('/bindings'))?.status).toBe(409);
      expect(b2.routes()).not.toContain('GET /api/organization');
    } finally {
      await hide.close();
    }
  });

  it("repairs a group changed behind the bridge's back over SCIM, and logs what changed as drift", async () => {
    const [ana, stray] = [person('ana@acme.com'), person('stray@acme.com')];
    await b.member(ana);
    await b.member(stray);
    const eng = group('Engineering', [ana]);
    await b.group(eng);
    const id = b.remote('group', eng.groupId)!;
    const other = await lw.control('POST', `/_fake/organizations/${lw.org.organizationId}/scim-tokens`, { description: 'someone else' });
    const res = await fetch(`${lw.fake.url}${SCIM}/Groups/${id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${other.token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'Hijacked' },
          { op: 'add', path: 'members', value: [{ value: b.remote('member', stray.memberId) }] },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await b.group(eng);
    const g = await remoteGroup('Engineering');
    expect(emails(g)).toEqual(['ana@acme.com']);
    expect(b.drifts).toEqual([
      `Group "Engineering" was changed in LangWatch (renamed to "Hijacked" (was "Engineering"); member ${b.remote('member', stray.memberId)} added); repaired.`,
    ]);
  });
});
