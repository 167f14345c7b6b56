/**
 * The stand-in's control API under `/_fake` (no auth, never faulted, never counted): seed,
 * inspect, move the clock, and do what only a person in a browser can do in LangWatch (accept an
 * invite, delete a SCIM group in the settings UI). Refusals use the house shape
 * `{"error":{"code","message"}}`, unchanged for the tests that read it.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { describeIssues, readJson, type Faults } from '../faults.js';
import { LwError } from './errors.js';
import {
  BINDING_ROLES,
  KEY_SCOPES,
  ORG_ROLES,
  SCOPE_TYPES,
  type Organization,
  type OrgSettings,
  type SeededOrganization,
} from './model.js';
import type { LangWatchState } from './state.js';

const Str = z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') });
const IdStr = Str.trim().min(1, 'must not be empty');
const Email = Str.trim().pipe(z.email('must be a valid email address'));
const Bool = z.boolean({ error: 'must be a boolean' });
const oneOf = (values: readonly string[]) => ({ error: () => `must be one of ${values.join(', ')}` });

const Binding = z.object({
  role: z.enum(BINDING_ROLES, oneOf(BINDING_ROLES)),
  customRoleId: Str.nullable().optional(),
  scopeType: z.enum(SCOPE_TYPES, oneOf(SCOPE_TYPES)),
  scopeId: IdStr,
});
const Settings = z
  .object({
    organizationId: IdStr.optional(),
    seatLimit: z.number({ error: 'must be a number or null' }).int('must be an integer').min(0, 'must be at least 0').nullable().optional(),
    plan: Bool.optional(),
    autoAcceptInvites: Bool.optional(),
  })
  .strict();
const TeamBody = z.object({
  id: IdStr.optional(),
  name: IdStr,
  projects: z.array(z.union([IdStr, z.object({ id: IdStr.optional(), name: IdStr })])).optional(),
});
const MemberBody = z.object({
  userId: IdStr.optional(),
  email: Email.nullable(),
  name: Str.nullable().optional(),
  role: z.enum(ORG_ROLES, oneOf(ORG_ROLES)).optional(),
  disabled: Bool.optional(),
  deactivated: Bool.optional(),
  keepEmailCase: Bool.optional(),
  bindings: z.array(Binding).optional(),
});
const OrganizationBody = z
  .object({
    id: IdStr.optional(),
    name: IdStr.optional(),
    admin: z.object({ userId: IdStr.optional(), email: Email.optional(), name: Str.optional() }).optional(),
    apiKey: IdStr.optional(),
    viewApiKey: IdStr.optional(),
    teams: z.array(TeamBody).optional(),
    customRoles: z.array(z.object({ id: IdStr.optional(), name: IdStr })).optional(),
    members: z.array(MemberBody).optional(),
    seatLimit: Settings.shape.seatLimit,
    plan: Settings.shape.plan,
    autoAcceptInvites: Settings.shape.autoAcceptInvites,
  })
  .strict();
const KeyBody = z.object({
  token: IdStr.optional(),
  name: Str.optional(),
  scopes: z
    .array(z.enum(KEY_SCOPES, oneOf(KEY_SCOPES)))
    .min(1, 'must hold at least one scope')
    .default(['organization:manage', 'organization:view']),
  userId: IdStr.nullable().optional(),
});
const GroupBody = z.object({
  id: IdStr.optional(),
  name: IdStr.max(100, 'must be at most 100 characters'),
  scimSource: Str.nullable().optional(),
  memberIds: z.array(IdStr).optional(),
  bindings: z.array(Binding).optional(),
});
const ClockBody = z
  .object({ advanceMs: z.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be at least 0') })
  .strict();

async function parse<T extends z.ZodType>(c: { req: { text(): Promise<string> } }, schema: T, optional = false): Promise<z.output<T>> {
  const raw = await readJson(c as never);
  if (!raw.ok && !(optional && raw.empty)) throw new LwError(400, 'invalid_request', raw.message);
  const parsed = schema.safeParse(raw.ok ? raw.value : {});
  if (!parsed.success) throw new LwError(400, 'invalid_request', describeIssues(parsed.error));
  return parsed.data;
}

/** GET /_fake/state: everything a test may assert, by email and name as well as by id. */
export function dumpOrganization(state: LangWatchState, o: Organization) {
  const now = state.clock.nowMs();
  const binding = (b: { id: string; role: string; customRoleId: string | null; scopeType: string; scopeId: string }) => ({
    id: b.id,
    role: b.role,
    customRoleId: b.customRoleId,
    scopeType: b.scopeType,
    scopeId: b.scopeId,
  });
  return {
    id: o.id,
    name: o.name,
    settings: { ...o.settings },
    seatsUsed: state.seatsUsed(o),
    apiKeys: [...o.keys.values()].map((k) => ({ id: k.id, token: k.token, name: k.name, scopes: k.scopes, userId: k.userId })),
    scimTokens: [...o.scimTokens.values()].map((t) => ({
      id: t.id,
      description: t.description,
      createdAt: t.createdAt,
      lastUsedAt: t.lastUsedAt,
    })),
    teams: o.teams.map((t) => ({ id: t.id, name: t.name, projects: t.projects.map((p) => ({ ...p })) })),
    customRoles: o.customRoles.map((r) => ({ ...r })),
    members: [...o.members.values()].map((m) => {
      const u = state.user(m.userId);
      return {
        userId: m.userId,
        email: u?.email ?? null,
        name: u?.name ?? null,
        role: m.role,
        // The org-scoped REST flag (`OrganizationUser.disabledAt`).
        disabled: m.disabledAt !== null,
        // The account-wide flag (`User.deactivatedAt`), which SCIM `active` shows.
        deactivated: (u?.deactivatedAt ?? null) !== null,
        department: m.department,
        signOuts: u?.signOuts ?? 0,
        createdAt: m.createdAt,
        directBindings: o.userBindings.filter((b) => b.userId === m.userId).map(binding),
      };
    }),
    // Pending invites only (accepted ones are memberships now); `expired` past the 48 h.
    invites: [...o.invites.values()]
      .filter((i) => i.status === 'PENDING')
      .map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role,
        status: i.status,
        inviteCode: i.inviteCode,
        teams: i.teams.map((t) => ({ ...t })),
        createdAt: i.createdAt,
        expiration: i.expiration,
        expired: Date.parse(i.expiration) <= now,
      })),
    groups: [...o.groups.values()].map((g) => ({
      id: g.id,
      name: g.name,
      slug: g.slug,
      scimSource: g.scimSource,
      externalId: g.externalId,
      createdAt: g.createdAt,
      // Membership rows; `inOrganization` false for a person removed from the organization since.
      members: [...g.members.keys()].map((userId) => ({
        userId,
        email: state.user(userId)?.email ?? null,
        inOrganization: o.members.has(userId),
      })),
      bindings: g.bindings.map(binding),
    })),
  };
}

export function createControlApp(
  state: LangWatchState,
  faults: Faults,
  seed: { get(): SeededOrganization | null; set(s: SeededOrganization | null): void },
) {
  const control = new Hono({ strict: false });
  control.get('/', (c) => c.json({ controlApi: CONTROL_API_USAGE }));
  control.get('/state', (c) => {
    const only = c.req.query('organizationId');
    const orgs = [...state.organizations.values()].filter((o) => !only || o.id === only);
    if (only && orgs.length === 0) throw new LwError(404, 'organization_not_found', `No organization ${only}.`);
    const users = [...state.users.values()].map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      deactivated: u.deactivatedAt !== null,
      signOuts: u.signOuts,
    }));
    return c.json({ now: state.now(), organizations: orgs.map((o) => dumpOrganization(state, o)), users });
  });
  control.post('/reset', async (c) => {
    const { empty } = await parse(c, z.object({ empty: Bool.optional() }).strict(), true);
    const orgs = state.reset({ empty: empty === true });
    seed.set(orgs[0] ?? null);
    faults.clear();
    faults.resetRequests();
    return c.json({ organizations: orgs });
  });
  control.get('/clock', (c) => c.json({ now: state.now(), offsetMs: state.clock.offset() }));
  control.post('/clock', async (c) => {
    const { advanceMs } = await parse(c, ClockBody);
    state.clock.advance(advanceMs);
    return c.json({ now: state.now(), offsetMs: state.clock.offset() });
  });
  control.post('/organizations', async (c) => {
    const { seatLimit, plan, autoAcceptInvites, ...rest } = await parse(c, OrganizationBody, true);
    const settings: Partial<OrgSettings> = {};
    if (seatLimit !== undefined) settings.seatLimit = seatLimit;
    if (plan !== undefined) settings.plan = plan;
    if (autoAcceptInvites !== undefined) settings.autoAcceptInvites = autoAcceptInvites;
    return c.json(state.createOrganization({ ...rest, settings }), 201);
  });
  control.post('/organizations/:orgId/keys', async (c) => {
    const b = await parse(c, KeyBody);
    const key = state.createApiKey(c.req.param('orgId'), { token: b.token, name: b.name, scopes: b.scopes, userId: b.userId });
    return c.json({ id: key.id, token: key.token, scopes: key.scopes, userId: key.userId }, 201);
  });
  control.post('/organizations/:orgId/scim-tokens', async (c) => {
    const b = await parse(c, z.object({ description: Str.optional() }), true);
    const { token, record } = state.createScimToken(state.org(c.req.param('orgId')), b.description ?? null);
    return c.json({ id: record.id, token, description: record.description }, 201);
  });
  control.post('/organizations/:orgId/teams', async (c) => c.json(state.createTeam(c.req.param('orgId'), await parse(c, TeamBody)), 201));
  control.post('/organizations/:orgId/custom-roles', async (c) =>
    c.json(state.createCustomRole(c.req.param('orgId'), await parse(c, z.object({ id: IdStr.optional(), name: IdStr }))), 201),
  );
  control.post('/organizations/:orgId/members', async (c) => {
    const org = state.org(c.req.param('orgId'));
    const m = state.seedMember(org.id, await parse(c, MemberBody));
    const u = state.user(m.userId)!;
    return c.json(
      {
        userId: m.userId,
        email: u.email,
        name: u.name,
        role: m.role,
        disabled: m.disabledAt !== null,
        deactivated: u.deactivatedAt !== null,
      },
      201,
    );
  });
  control.post('/organizations/:orgId/groups', async (c) => {
    const org = state.org(c.req.param('orgId'));
    const g = state.seedGroup(org.id, await parse(c, GroupBody));
    return c.json(
      dumpOrganization(state, org).groups.find((x) => x.id === g.id),
      201,
    );
  });
  control.delete('/organizations/:orgId/groups/:groupId', (c) => {
    const org = state.org(c.req.param('orgId'));
    if (!state.deleteGroupRow(org, c.req.param('groupId')))
      throw new LwError(404, 'group_not_found', `Group ${c.req.param('groupId')} not found.`);
    return c.json({ success: true });
  });
  control.post('/invites/:id/accept', (c) => {
    const found = state.findInvite(c.req.param('id'));
    if (!found) throw new LwError(404, 'invite_not_found', `Invite ${c.req.param('id')} not found.`);
    const m = state.acceptInvite(found.org, found.invite);
    const u = state.user(m.userId)!;
    return c.json({ userId: m.userId, email: u.email, role: m.role, organizationId: found.org.id }, 201);
  });
  control.patch('/settings', async (c) => {
    const { organizationId, ...patch } = await parse(c, Settings);
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<OrgSettings>;
    const result = state.updateSettings(organizationId, clean);
    return c.json(organizationId !== undefined ? { organizationId, settings: result } : { settings: result });
  });
  control.route('/', faults.controlRoutes());
  return control;
}

/** What GET /_fake answers and main.ts prints. */
export const CONTROL_API_USAGE = [
  'GET    /_fake/state[?organizationId=]      full JSON dump: organizations (members, invites, groups, scimTokens, keys), users, now',
  'POST   /_fake/reset  [{"empty":true}]       back to the start state (same org id and keys, clock at zero); clears faults and counters',
  'GET    /_fake/clock                         the fake clock; POST /_fake/clock {"advanceMs":n} moves it forward (invites expire after 48 h)',
  'POST   /_fake/organizations  {name?, admin?, teams?, customRoles?, members?, seatLimit?, plan?, autoAcceptInvites?}',
  'POST   /_fake/organizations/:orgId/keys          {scopes?, userId?, token?}  another API key (userId: a personal key)',
  'POST   /_fake/organizations/:orgId/scim-tokens   {description?}  a SCIM token, as Settings > SCIM mints one',
  'POST   /_fake/organizations/:orgId/teams         {name, projects?}',
  'POST   /_fake/organizations/:orgId/custom-roles  {name}',
  'POST   /_fake/organizations/:orgId/members       {email|null, name?, role?, disabled?, deactivated?, keepEmailCase?, bindings?}  no invite, no seat check; an existing address joins as the same account',
  'POST   /_fake/organizations/:orgId/groups        {name, scimSource?, memberIds?, bindings?}  e.g. a SCIM-managed group',
  'DELETE /_fake/organizations/:orgId/groups/:id    a group deleted in the settings UI (bypasses the SCIM lock)',
  "POST   /_fake/invites/:id/accept            the invitee accepts in a browser: a member with the invite's teams",
  'PATCH  /_fake/settings  {organizationId?, seatLimit?: n|null, plan?: bool, autoAcceptInvites?: bool (default false)}',
  'PUT    /_fake/faults  {latency?, errors?, rateLimit?, resets?, timeouts?, planRequired?, match?}  (GET shows, DELETE clears)',
  'GET    /_fake/requests[?log=false]          request counters by route and status, and the recent log (DELETE clears)',
];
