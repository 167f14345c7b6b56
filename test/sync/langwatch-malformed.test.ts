/**
 * Issue 11 item 3: every LangWatch answer the target reads is validated by its schema. For each
 * endpoint, a proxy in front of the stand-in spoils that one answer (a field of the wrong type,
 * or missing) and the sync must be parked (non-retryable `unexpected_answer`) with the call and
 * the field named, never end in a TypeError or a silent wrong state.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TargetError } from '../../src/targets/errors.js';
import { LangWatchTarget, type LangWatchSettings } from '../../src/targets/langwatch/index.js';
import type { DesiredMember } from '../../src/targets/types.js';
import { group, MemoryBridge, person, seedMembers, settings, startLw, startProxy, type Lw, type Proxy } from './langwatch.fixture.js';

let lw: Lw;
let proxy: Proxy;
let spoil: ((body: any) => unknown) | null = null;
let route: { method: string; path: RegExp } | null = null;
beforeEach(async () => {
  lw = await startLw();
  spoil = null;
  proxy = await startProxy(lw.fake.url, {
    answer: (method, path, status, body) =>
      spoil && route && status < 300 && method === route.method && route.path.test(path) ? spoil(body) : undefined,
  });
});
afterEach(async () => {
  await proxy.close();
  await lw.close();
});

const team = () => lw.org.teams[0]!.id;
const invite = (): Partial<LangWatchSettings> => ({ mode: 'invite', inviteTeamId: team() });

interface Case {
  name: string;
  method: string;
  /** The path as the reason names it (no query), as a pattern. */
  path: RegExp;
  field: string;
  spoil: (body: any) => unknown;
  settings?: () => Partial<LangWatchSettings>;
  /** Runs with the answer intact. */
  setup?: (b: MemoryBridge) => Promise<void>;
  /** Runs with the answer spoiled; must be refused. */
  act: (b: MemoryBridge) => Promise<unknown>;
}

const ana = () => person('ana@acme.com');
let kept: DesiredMember;
const known = async (b: MemoryBridge) => {
  kept = ana();
  await b.member(kept);
};
const ID = '[^/]+';

const cases: Case[] = [
  {
    name: 'mint a SCIM token',
    method: 'POST',
    path: /^\/api\/scim-tokens$/,
    field: 'token',
    spoil: (b) => ({ ...b, token: 42 }),
    act: (b) => b.member(ana()),
  },
  {
    name: 'SCIM user lookup',
    method: 'GET',
    path: /^\/api\/scim\/v2\/Users$/,
    field: 'Resources',
    spoil: (b) => ({ ...b, Resources: 'none' }),
    act: (b) => b.member(ana()),
  },
  {
    name: 'SCIM user create',
    method: 'POST',
    path: /^\/api\/scim\/v2\/Users$/,
    field: 'id',
    spoil: (b) => ({ ...b, id: null }),
    act: (b) => b.member(ana()),
  },
  {
    name: 'SCIM user read (account suspend)',
    method: 'GET',
    path: new RegExp(`^/api/scim/v2/Users/${ID}$`),
    field: 'active',
    spoil: (b) => ({ ...b, active: 'false' }),
    settings: () => ({ suspend: 'account' }),
    act: (b) => b.member(ana()),
  },
  {
    name: 'SCIM user PATCH',
    method: 'PATCH',
    path: new RegExp(`^/api/scim/v2/Users/${ID}$`),
    field: 'userName',
    spoil: (b) => ({ ...b, userName: 5 }),
    setup: known,
    act: (b) => b.member({ ...kept, name: 'Ana Lima' }),
  },
  {
    name: 'SCIM group create',
    method: 'POST',
    path: /^\/api\/scim\/v2\/Groups$/,
    field: 'members',
    spoil: (b) => ({ ...b, members: {} }),
    act: (b) => b.group(group('Engineering')),
  },
  {
    name: 'SCIM group list (after a 409)',
    method: 'GET',
    path: /^\/api\/scim\/v2\/Groups$/,
    field: 'Resources[0].displayName',
    spoil: (b) => ({ ...b, Resources: [{ id: 'g1' }] }),
    setup: async (b) => {
      await b.group(group('Engineering'));
      b.ids.clear();
    },
    act: (b) => b.group(group('Engineering')),
  },
  {
    name: 'SCIM group PATCH',
    method: 'PATCH',
    path: new RegExp(`^/api/scim/v2/Groups/${ID}$`),
    field: 'members[0].value',
    spoil: (b) => ({ ...b, members: [{ value: 1 }] }),
    setup: known,
    act: async (b) => {
      const g = group('Engineering');
      await b.group(g);
      return b.group({ ...g, memberIds: [kept.memberId], members: [{ memberId: kept.memberId, email: kept.email }] });
    },
  },
  {
    name: 'member list',
    method: 'GET',
    path: /^\/api\/organization\/members$/,
    field: 'members[3].user.email',
    spoil: (b) => ({ ...b, members: b.members.map((m: any, i: number) => (i === 3 ? { ...m, user: { ...m.user, email: 42 } } : m)) }),
    settings: invite,
    setup: async () => void (await seedMembers(lw, ['a1@acme.com', 'a2@acme.com', 'a3@acme.com', 'a4@acme.com'])),
    act: (b) => b.prepare([ana(), person('bob@acme.com')]),
  },
  {
    name: 'member read',
    method: 'GET',
    path: new RegExp(`^/api/organization/members/${ID}$`),
    field: 'disabled',
    spoil: (b) => ({ ...b, disabled: 'no' }),
    act: (b) => b.member(ana()),
  },
  {
    name: 'member PATCH',
    method: 'PATCH',
    path: new RegExp(`^/api/organization/members/${ID}$`),
    field: 'role',
    spoil: (b) => ({ ...b, role: 'OWNER' }),
    setup: known,
    act: (b) => b.member({ ...kept, role: 'ADMIN' }),
  },
  {
    name: 'member access',
    method: 'GET',
    path: new RegExp(`^/api/organization/members/${ID}/access$`),
    field: 'groups',
    spoil: (b) => ({ ...b, groups: null }),
    setup: known,
    act: (b) => b.member({ ...kept, exists: false }),
  },
  {
    name: 'organization profile',
    method: 'GET',
    path: /^\/api\/organization$/,
    field: 'id',
    spoil: (b) => ({ ...b, id: 1 }),
    act: (b) => b.group(group('Admins', [], [{ role: 'ADMIN', customRoleId: null, scopeType: 'ORGANIZATION', scopeId: 'default' }])),
  },
  {
    name: 'invite list',
    method: 'GET',
    path: /^\/api\/organization\/invites$/,
    field: 'invites',
    spoil: () => ({ invites: {} }),
    settings: invite,
    act: (b) => b.member(ana()),
  },
  {
    name: 'invite create',
    method: 'POST',
    path: /^\/api\/organization\/invites$/,
    field: 'invites[0].email',
    spoil: (b) => ({ invites: b.invites.map((i: any) => ({ ...i, email: null })) }),
    settings: invite,
    act: (b) => b.member(ana()),
  },
  {
    name: 'group list',
    method: 'GET',
    path: /^\/api\/groups$/,
    field: 'pagination.total',
    spoil: (b) => ({ ...b, pagination: { page: 1, limit: 1000 } }),
    settings: invite,
    act: (b) => b.group(group('Engineering')),
  },
  {
    name: 'group create',
    method: 'POST',
    path: /^\/api\/groups$/,
    field: 'organizationId',
    spoil: (b) => ({ id: b.id }),
    settings: invite,
    act: (b) => b.group(group('Engineering')),
  },
  {
    name: 'group read',
    method: 'GET',
    path: new RegExp(`^/api/groups/${ID}$`),
    field: 'bindings[0].scopeType',
    spoil: (b) => ({ ...b, bindings: [{ id: 'b1', role: 'ADMIN', customRoleId: null, scopeType: 'WORLD', scopeId: 'x' }] }),
    act: async (b) => {
      const g = group('Engineering');
      await b.group(g);
      return b.group(g);
    },
  },
  {
    name: 'binding create',
    method: 'POST',
    path: new RegExp(`^/api/groups/${ID}/bindings$`),
    field: 'id',
    spoil: () => ({}),
    act: (b) => b.group(group('Engineering', [], [{ role: 'MEMBER', customRoleId: null, scopeType: 'TEAM', scopeId: team() }])),
  },
];

describe('LangWatch: a malformed answer on any endpoint the target reads is parked with the call and the field named', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.method} ${c.path.source} → ${c.field}`, async () => {
      const b = new MemoryBridge(proxy.url, lw.org.apiKey, new LangWatchTarget(settings(c.settings?.() ?? {})));
      route = { method: c.method, path: c.path };
      await c.setup?.(b);
      spoil = c.spoil;
      let err: unknown = null;
      try {
        await c.act(b);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TargetError);
      const te = err as TargetError;
      expect(te.retryable).toBe(false);
      expect(te.code).toBe('unexpected_answer');
      const call = c.path.source.replace(/^\^|\$$/g, '').replace(/\\\//g, '/');
      expect(te.message).toMatch(
        new RegExp(`^LangWatch ${c.method} ${call}: 2\\d\\d: unexpected answer: ${c.field.replace(/[[\].]/g, '\\$&')}: `),
      );
    });
  }
});
