/**
 * The LangWatch stand-in as a Hono app (TARGETS.md §A): the Groups, Members and Invites APIs
 * with the application's paths, bodies, statuses and guard rails, plus a control API under
 * /_fake that tests use to seed, inspect and break it. Routes parse, call one state operation,
 * and render; the rules live in state.ts.
 *
 * Errors are always `{"error":{"code","message"}}` (plus `meta` for the seat limit).
 *
 * Where TARGETS.md is silent, the stand-in follows what the LangWatch application does (its
 * public source and tests), except where the brief fixed the error shape and 400 for bad input:
 * - DELETEs answer 200 `{"success":true}`; POST members answers 201 `{"success":true}`; POST
 *   bindings 201 with the binding; PATCH group 200 `{id,name,slug}`. Group lists are sorted by
 *   name; a slug is unique per organization (`team`, `team-2`) and follows renames.
 * - The last-admin rails and the self guards (`cannot_disable_self`, `cannot_remove_self`, for
 *   a key made with a userId) answer 400; `member_seat_limit_reached` answers 403 with
 *   `meta:{limitType,current,max}`. Seats are active members plus pending invites.
 * - A second pending invite for one address is 409 `duplicate_invite`; an unknown group, member,
 *   binding or invite is 404 `group_not_found`, `member_not_found`, ...; a userId already in the
 *   group is 400 `already_group_member`; removing one who is not is 404 `group_member_not_found`.
 * - Binding scopes must exist in the organization (ORGANIZATION: its own id; TEAM/PROJECT: its
 *   teams and projects, seeded or added through the control API), else 400
 *   `scope_not_in_organization`; CUSTOM needs a customRoleId of the organization (400
 *   `custom_role_not_found`); a customRoleId on a built-in role is dropped, as the app does.
 *   Duplicate bindings are allowed, so a test can catch a client that makes them.
 * - The members list is `{members:[{userId,email,name,role,status,disabled,user:{...}}]}`.
 * - Plan off (control settings): 402 after authentication; the `planRequired` fault: 402 before.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { describeIssues, Faults, readJson } from '../faults.js';
import {
  BINDING_ROLES,
  KEY_SCOPES,
  LangWatchError,
  LangWatchState,
  ORG_ROLES,
  SCOPE_TYPES,
  highest,
  type ApiKey,
  type Binding,
  type Group,
  type Invite,
  type KeyScope,
  type Member,
  type Organization,
  type OrganizationInput,
  type OrgSettings,
  type SeededOrganization,
} from './state.js';

export interface LangWatchFakeOptions {
  /** Share one Faults between stand-ins, or let the fake make its own. */
  faults?: Faults;
  /** The organization the fake starts with (and returns to on reset); false for none. */
  organization?: OrganizationInput | false;
  /** Settings every organization starts with. */
  settings?: Partial<OrgSettings>;
  /** Base of invite links; defaults to the origin each request came in on. */
  publicUrl?: string;
}

interface FakeEnv {
  Bindings: HttpBindings;
  Variables: { org: Organization; key: ApiKey };
}

export interface LangWatchFake {
  app: Hono<FakeEnv>;
  state: LangWatchState;
  faults: Faults;
  /** The organization the fake was started with (null when `organization: false`). */
  organization: () => SeededOrganization | null;
}

// ---- request schemas (TARGETS.md §A) -------------------------------------------------------

const required = (what: string) => ({
  error: (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`),
});
const oneOf = (values: readonly string[]) => ({
  error: (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : `must be one of ${values.join(', ')}`),
});
const Str = z.string(required('a string'));
const IdStr = Str.trim().min(1, 'must not be empty');
const GroupName = Str.trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const BindingRoleS = z.enum(BINDING_ROLES, oneOf(BINDING_ROLES));
const OrgRoleS = z.enum(ORG_ROLES, oneOf(ORG_ROLES));

const BindingBody = z.object({
  role: BindingRoleS,
  customRoleId: Str.nullable().optional(),
  scopeType: z.enum(SCOPE_TYPES, oneOf(SCOPE_TYPES)),
  scopeId: IdStr,
});

const CreateGroupBody = z.object({
  name: GroupName,
  bindings: z.array(BindingBody, required('an array')).max(1000, 'must hold at most 1000 bindings').optional(),
  memberIds: z.array(IdStr, required('an array')).max(10_000, 'must hold at most 10000 user ids').optional(),
});

const PageQuery = z.object({
  page: z.coerce.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer').default(1),
  limit: z.coerce
    .number({ error: 'must be an integer between 1 and 1000' })
    .int('must be an integer between 1 and 1000')
    .positive('must be an integer between 1 and 1000')
    .max(1000, 'must be at most 1000')
    .default(50),
});

const UpdateMemberBody = z
  .object({ role: OrgRoleS.optional(), disabled: z.boolean(required('a boolean')).optional() })
  .refine((v) => (v.role === undefined) !== (v.disabled === undefined), {
    message: 'give exactly one of role or disabled',
  });

export const MAX_INVITES = 50;
const InvitesBody = z.object({
  invites: z
    .array(
      z.object({
        email: Str.trim().pipe(z.email('must be a valid email address').max(254, 'must be at most 254 characters')),
        role: OrgRoleS,
        teams: z
          .array(z.object({ teamId: IdStr, role: BindingRoleS, customRoleId: Str.nullable().optional() }), required('an array'))
          .max(100, 'must hold at most 100 teams')
          .optional(),
      }),
      required('an array'),
    )
    .min(1, 'must hold at least one invite')
    .max(MAX_INVITES, `must hold at most ${MAX_INVITES} invites`),
});

// ---- control API schemas -------------------------------------------------------------------

const SettingsBody = z
  .object({
    organizationId: IdStr.optional(),
    seatLimit: z.number(required('a number or null')).int('must be an integer').min(0, 'must be at least 0').nullable().optional(),
    plan: z.boolean(required('a boolean')).optional(),
    autoAcceptInvites: z.boolean(required('a boolean')).optional(),
  })
  .strict();

const TeamBody = z.object({
  id: IdStr.optional(),
  name: IdStr,
  projects: z.array(z.union([IdStr, z.object({ id: IdStr.optional(), name: IdStr })])).optional(),
});

const SeedMemberBody = z.object({
  userId: IdStr.optional(),
  email: Str.trim().pipe(z.email('must be a valid email address')),
  name: Str.nullable().optional(),
  role: OrgRoleS.optional(),
  disabled: z.boolean(required('a boolean')).optional(),
});

const OrganizationBody = z
  .object({
    id: IdStr.optional(),
    name: IdStr.optional(),
    admin: z.object({ userId: IdStr.optional(), email: Str.trim().pipe(z.email('must be a valid email address')).optional(), name: Str.optional() }).optional(),
    apiKey: IdStr.optional(),
    viewApiKey: IdStr.optional(),
    teams: z.array(TeamBody).optional(),
    customRoles: z.array(z.object({ id: IdStr.optional(), name: IdStr })).optional(),
    members: z.array(SeedMemberBody).optional(),
    seatLimit: SettingsBody.shape.seatLimit,
    plan: SettingsBody.shape.plan,
    autoAcceptInvites: SettingsBody.shape.autoAcceptInvites,
  })
  .strict();

const KeyBody = z.object({
  token: IdStr.optional(),
  name: Str.optional(),
  scopes: z.array(z.enum(KEY_SCOPES, oneOf(KEY_SCOPES))).min(1, 'must hold at least one scope').default(['organization:manage', 'organization:view']),
  userId: IdStr.nullable().optional(),
});

const SeedGroupBody = z.object({
  id: IdStr.optional(),
  name: GroupName,
  scimSource: Str.nullable().optional(),
  externalId: Str.nullable().optional(),
  memberIds: z.array(IdStr).optional(),
  bindings: z.array(BindingBody).optional(),
});

// ---- rendering -----------------------------------------------------------------------------

const bindingView = (org: Organization, b: Binding) => ({
  id: b.id,
  role: b.role,
  customRoleId: b.customRoleId,
  customRoleName: b.customRoleId ? (org.customRoles.find((r) => r.id === b.customRoleId)?.name ?? null) : null,
  scopeType: b.scopeType,
  scopeId: b.scopeId,
});

export function createLangWatchFake(opts: LangWatchFakeOptions = {}): LangWatchFake {
  const faults = opts.faults ?? new Faults();
  const state = new LangWatchState({ settings: opts.settings });
  let seeded: SeededOrganization | null = opts.organization === false ? null : state.createOrganization(opts.organization ?? {}, { initial: true });

  const groupMemberView = (userId: string) => {
    const u = state.user(userId);
    return { userId, name: u.name, email: u.email };
  };
  const groupSummary = (org: Organization, g: Group) => ({
    id: g.id,
    name: g.name,
    slug: g.slug,
    externalId: g.externalId,
    scimSource: g.scimSource,
    memberCount: g.members.size,
    bindings: g.bindings.map((b) => bindingView(org, b)),
    createdAt: g.createdAt,
  });
  const memberView = (m: Member) => {
    const u = state.user(m.userId);
    return {
      userId: m.userId,
      email: u.email,
      name: u.name,
      role: m.role,
      status: m.disabledAt === null ? ('active' as const) : ('disabled' as const),
      disabled: m.disabledAt !== null,
      disabledAt: m.disabledAt,
      createdAt: m.createdAt,
      user: { id: u.id, name: u.name, email: u.email },
    };
  };
  const memberDetail = (org: Organization, m: Member) => ({ ...memberView(m), teams: state.teamsOf(org, m) });
  const inviteView = (c: Context, inv: Invite) => {
    const base = (opts.publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
    return {
      id: inv.id,
      email: inv.email,
      role: inv.role,
      inviteCode: inv.inviteCode,
      inviteUrl: `${base}/invite/accept?inviteCode=${inv.inviteCode}`,
      status: 'PENDING' as const,
      teams: inv.teams.map((t) => ({ ...t })),
      createdAt: inv.createdAt,
      expiration: inv.expiration,
    };
  };

  // ---- the application API ------------------------------------------------------------------

  const app = new Hono<FakeEnv>({ strict: false });
  app.use('*', faults.middleware);

  app.onError((err, c) => {
    if (err instanceof LangWatchError) {
      return c.json({ error: { code: err.code, message: err.message, ...(err.meta ? { meta: err.meta } : {}) } }, err.status);
    }
    if (err instanceof z.ZodError) return c.json({ error: { code: 'invalid_request', message: describeIssues(err) } }, 400);
    console.error('[langwatch fake] unhandled error', err);
    return c.json({ error: { code: 'internal_server_error', message: 'Internal error in the LangWatch stand-in.' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}.` } }, 404));

  const auth: MiddlewareHandler<FakeEnv> = async (c, next) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!m) throw new LangWatchError(401, 'unauthorized', 'An organization API key is required: Authorization: Bearer sk-lw-<id>_<secret>.');
    const found = state.authenticate(m[1]!);
    if (!found) throw new LangWatchError(401, 'unauthorized', 'The API key is not valid.');
    c.set('org', found.org);
    c.set('key', found.key);
    // Groups are an Enterprise feature; an organization without the plan is refused everywhere.
    if (!found.org.settings.plan) {
      throw new LangWatchError(402, 'enterprise_plan_required', 'This feature requires an Enterprise plan. Contact your account team to enable it.');
    }
    await next();
  };
  const need = (scope: KeyScope): MiddlewareHandler<FakeEnv> => async (c, next) => {
    const scopes = c.get('key').scopes;
    // organization:manage implies organization:view.
    if (!scopes.includes(scope) && !(scope === 'organization:view' && scopes.includes('organization:manage'))) {
      throw new LangWatchError(403, 'forbidden', `This API key lacks the ${scope} permission.`);
    }
    await next();
  };
  const view = need('organization:view');
  const manage = need('organization:manage');

  async function body<T extends z.ZodType>(c: Context, schema: T, opts: { optional?: boolean } = {}): Promise<z.output<T>> {
    const raw = await readJson(c);
    if (!raw.ok && !(opts.optional && raw.empty)) throw new LangWatchError(400, 'invalid_request', raw.message);
    const parsed = schema.safeParse(raw.ok ? raw.value : {});
    if (!parsed.success) throw new LangWatchError(400, 'invalid_request', describeIssues(parsed.error));
    return parsed.data;
  }
  function query<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
    const parsed = schema.safeParse(c.req.query());
    if (!parsed.success) throw new LangWatchError(400, 'invalid_request', describeIssues(parsed.error));
    return parsed.data;
  }

  const api = new Hono<FakeEnv>({ strict: false });
  api.use('*', auth);

  // Groups
  api.get('/groups', view, (c) => {
    const org = c.get('org');
    const { page, limit } = query(c, PageQuery);
    const { data, total } = state.listGroups(org, page, limit);
    return c.json({ data: data.map((g) => groupSummary(org, g)), pagination: { page, limit, total, totalPages: Math.ceil(total / limit) } });
  });
  api.post('/groups', manage, async (c) => {
    const org = c.get('org');
    const b = await body(c, CreateGroupBody);
    const g = state.createGroup(org, { name: b.name, memberIds: b.memberIds, bindings: b.bindings });
    return c.json({ id: g.id, name: g.name, slug: g.slug, organizationId: org.id, createdAt: g.createdAt }, 201);
  });
  api.get('/groups/:id', view, (c) => {
    const org = c.get('org');
    const g = state.group(org, c.req.param('id'));
    return c.json({ ...groupSummary(org, g), organizationId: org.id, members: [...g.members.keys()].map(groupMemberView) });
  });
  api.patch('/groups/:id', manage, async (c) => {
    const org = c.get('org');
    const { name } = await body(c, z.object({ name: GroupName }));
    const g = state.renameGroup(org, c.req.param('id'), name);
    return c.json({ id: g.id, name: g.name, slug: g.slug });
  });
  api.delete('/groups/:id', manage, (c) => {
    state.deleteGroup(c.get('org'), c.req.param('id'));
    return c.json({ success: true });
  });
  api.get('/groups/:id/members', view, (c) => {
    const g = state.group(c.get('org'), c.req.param('id'));
    return c.json({ data: [...g.members.keys()].map(groupMemberView) });
  });
  api.post('/groups/:id/members', manage, async (c) => {
    const { userId } = await body(c, z.object({ userId: IdStr }));
    state.addGroupMember(c.get('org'), c.req.param('id'), userId);
    return c.json({ success: true }, 201);
  });
  api.delete('/groups/:id/members/:userId', manage, (c) => {
    state.removeGroupMember(c.get('org'), c.req.param('id'), c.req.param('userId'));
    return c.json({ success: true });
  });
  api.get('/groups/:id/bindings', view, (c) => {
    const org = c.get('org');
    const g = state.group(org, c.req.param('id'));
    return c.json({ data: g.bindings.map((b) => bindingView(org, b)) });
  });
  api.post('/groups/:id/bindings', manage, async (c) => {
    const org = c.get('org');
    const b = await body(c, BindingBody);
    return c.json(bindingView(org, state.addGroupBinding(org, c.req.param('id'), b)), 201);
  });
  api.delete('/groups/:id/bindings/:bindingId', manage, (c) => {
    state.removeGroupBinding(c.get('org'), c.req.param('id'), c.req.param('bindingId'));
    return c.json({ success: true });
  });

  // Members
  api.get('/organization/members', view, (c) => {
    const { includeDisabled } = query(c, z.object({ includeDisabled: z.enum(['true', 'false'], oneOf(['true', 'false'])).optional() }));
    return c.json({ members: state.listMembers(c.get('org'), includeDisabled === 'true').map(memberView) });
  });
  api.get('/organization/members/:userId', view, (c) => {
    const org = c.get('org');
    return c.json(memberDetail(org, state.member(org, c.req.param('userId'))));
  });
  api.patch('/organization/members/:userId', manage, async (c) => {
    const org = c.get('org');
    const b = await body(c, UpdateMemberBody);
    const change = b.role !== undefined ? { role: b.role } : { disabled: b.disabled! };
    return c.json(memberDetail(org, state.updateMember(org, c.get('key'), c.req.param('userId'), change)));
  });
  api.delete('/organization/members/:userId', manage, (c) => {
    state.removeMember(c.get('org'), c.get('key'), c.req.param('userId'));
    return c.json({ success: true });
  });
  api.get('/organization/members/:userId/access', view, (c) => {
    const org = c.get('org');
    const m = state.member(org, c.req.param('userId'));
    const u = state.user(m.userId);
    const groups = state.groupsOf(org, m.userId);
    const sources = [
      ...m.directBindings.map((b) => ({ b, via: 'direct' as const, group: null as Group | null })),
      ...groups.flatMap((g) => g.bindings.map((b) => ({ b, via: 'group' as const, group: g as Group | null }))),
    ];
    const scopes = new Map<string, typeof sources>();
    for (const s of sources) {
      const k = `${s.b.scopeType}\u0000${s.b.scopeId}`;
      scopes.set(k, [...(scopes.get(k) ?? []), s]);
    }
    return c.json({
      user: {
        id: m.userId,
        email: u.email,
        name: u.name,
        orgRole: m.role,
        disabled: m.disabledAt !== null,
        orgRolePermissions: m.disabledAt !== null ? [] : ORG_ROLE_PERMISSIONS[m.role],
      },
      groups: groups.map((g) => ({ id: g.id, name: g.name, scimSource: g.scimSource, bindings: g.bindings.map((b) => bindingView(org, b)) })),
      directBindings: m.directBindings.map((b) => ({ ...bindingView(org, b), scopeName: state.scopeName(org, b.scopeType, b.scopeId) })),
      effective: [...scopes.values()].map((list) => {
        const first = list[0]!.b;
        const best = highest(list.map((s) => s.b));
        return {
          scopeType: first.scopeType,
          scopeId: first.scopeId,
          scopeName: state.scopeName(org, first.scopeType, first.scopeId),
          role: best.role === 'CUSTOM' ? null : best.role,
          customRoleIds: [...new Set(list.flatMap((s) => (s.b.customRoleId ? [s.b.customRoleId] : [])))],
          sources: list.map((s) => ({
            via: s.via,
            bindingId: s.b.id,
            role: s.b.role,
            customRoleId: s.b.customRoleId,
            ...(s.group ? { groupId: s.group.id, groupName: s.group.name, scimSource: s.group.scimSource } : {}),
          })),
        };
      }),
    });
  });

  // Invites
  api.get('/organization/invites', view, (c) => c.json({ invites: state.listInvites(c.get('org')).map((i) => inviteView(c, i)) }));
  api.post('/organization/invites', manage, async (c) => {
    const { invites } = await body(c, InvitesBody);
    const created = state.createInvites(c.get('org'), invites);
    return c.json(
      {
        invites: created.invites.map((inv) => {
          const v = inviteView(c, inv);
          return {
            id: v.id,
            email: v.email,
            role: v.role,
            inviteCode: v.inviteCode,
            inviteUrl: v.inviteUrl,
            // The stand-in sends no email, as LangWatch without an email provider.
            emailNotSent: true,
            teams: v.teams,
          };
        }),
      },
      201,
    );
  });
  api.delete('/organization/invites/:id', manage, (c) => {
    state.revokeInvite(c.get('org'), c.req.param('id'));
    return c.json({ success: true });
  });

  app.route('/api', api);

  // ---- control API (no auth, never faulted, never counted) ------------------------------------

  const control = new Hono<FakeEnv>({ strict: false });
  control.get('/', (c) => c.json({ controlApi: CONTROL_API_USAGE }));
  control.get('/state', (c) => {
    const only = c.req.query('organizationId');
    const orgs = [...state.organizations.values()].filter((o) => !only || o.id === only);
    if (only && orgs.length === 0) throw new LangWatchError(404, 'organization_not_found', `No organization ${only}.`);
    return c.json({ organizations: orgs.map((o) => dumpOrganization(state, o)) });
  });
  control.post('/reset', async (c) => {
    const { empty } = await body(c, z.object({ empty: z.boolean(required('a boolean')).optional() }).strict(), { optional: true });
    const orgs = state.reset({ empty: empty === true });
    seeded = orgs[0] ?? null;
    faults.clear();
    faults.resetRequests();
    return c.json({ organizations: orgs });
  });
  control.post('/organizations', async (c) => {
    const b = await body(c, OrganizationBody, { optional: true });
    const { seatLimit, plan, autoAcceptInvites, ...rest } = b;
    const settings: Partial<OrgSettings> = {};
    if (seatLimit !== undefined) settings.seatLimit = seatLimit;
    if (plan !== undefined) settings.plan = plan;
    if (autoAcceptInvites !== undefined) settings.autoAcceptInvites = autoAcceptInvites;
    return c.json(state.createOrganization({ ...rest, settings }), 201);
  });
  control.post('/organizations/:orgId/keys', async (c) => {
    const b = await body(c, KeyBody);
    const key = state.createApiKey(c.req.param('orgId'), { token: b.token, name: b.name, scopes: b.scopes, userId: b.userId });
    return c.json({ id: key.id, token: key.token, scopes: key.scopes, userId: key.userId }, 201);
  });
  control.post('/organizations/:orgId/teams', async (c) => {
    const b = await body(c, TeamBody);
    return c.json(state.createTeam(c.req.param('orgId'), b), 201);
  });
  control.post('/organizations/:orgId/custom-roles', async (c) => {
    const b = await body(c, z.object({ id: IdStr.optional(), name: IdStr }));
    return c.json(state.createCustomRole(c.req.param('orgId'), b), 201);
  });
  control.post('/organizations/:orgId/members', async (c) => {
    const org = state.org(c.req.param('orgId'));
    const b = await body(c, SeedMemberBody);
    return c.json(memberDetail(org, state.seedMember(org.id, b)), 201);
  });
  control.post('/organizations/:orgId/groups', async (c) => {
    const org = state.org(c.req.param('orgId'));
    const b = await body(c, SeedGroupBody);
    const g = state.seedGroup(org.id, b);
    return c.json({ ...groupSummary(org, g), members: [...g.members.keys()].map(groupMemberView) }, 201);
  });
  control.post('/invites/:id/accept', (c) => {
    const found = state.findInvite(c.req.param('id'));
    if (!found) throw new LangWatchError(404, 'invite_not_found', `Invite ${c.req.param('id')} not found.`);
    return c.json(memberDetail(found.org, state.acceptInvite(found.org, found.invite.id)), 201);
  });
  control.patch('/settings', async (c) => {
    const { organizationId, ...patch } = await body(c, SettingsBody);
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<OrgSettings>;
    const result = state.updateSettings(organizationId, clean);
    return c.json(organizationId !== undefined ? { organizationId, settings: result } : { settings: result });
  });
  control.route('/', faults.controlRoutes());

  app.route(faults.controlPrefix, control);

  return { app, state, faults, organization: () => seeded };
}

const ORG_ROLE_PERMISSIONS: Record<Member['role'], string[]> = {
  ADMIN: ['organization:view', 'organization:manage'],
  MEMBER: ['organization:view'],
  EXTERNAL: [],
};

/** GET /_fake/state: everything a test may assert, by email and name as well as by id. */
export function dumpOrganization(state: LangWatchState, o: Organization) {
  const email = (userId: string) => state.user(userId).email;
  return {
    id: o.id,
    name: o.name,
    settings: { ...o.settings },
    seatsUsed: state.seatsUsed(o),
    apiKeys: [...o.keys.values()].map((k) => ({ id: k.id, token: k.token, name: k.name, scopes: k.scopes, userId: k.userId })),
    teams: o.teams.map((t) => ({ id: t.id, name: t.name, projects: t.projects.map((p) => ({ ...p })) })),
    customRoles: o.customRoles.map((r) => ({ ...r })),
    members: [...o.members.values()].map((m) => ({
      userId: m.userId,
      email: email(m.userId),
      name: state.user(m.userId).name,
      role: m.role,
      disabled: m.disabledAt !== null,
      createdAt: m.createdAt,
      directBindings: m.directBindings.map((b) => ({ id: b.id, role: b.role, customRoleId: b.customRoleId, scopeType: b.scopeType, scopeId: b.scopeId })),
    })),
    invites: [...o.invites.values()].map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      inviteCode: i.inviteCode,
      teams: i.teams.map((t) => ({ ...t })),
      createdAt: i.createdAt,
    })),
    groups: [...o.groups.values()].map((g) => ({
      id: g.id,
      name: g.name,
      slug: g.slug,
      scimSource: g.scimSource,
      externalId: g.externalId,
      createdAt: g.createdAt,
      members: [...g.members.keys()].map((userId) => ({ userId, email: email(userId) })),
      bindings: g.bindings.map((b) => ({ id: b.id, role: b.role, customRoleId: b.customRoleId, scopeType: b.scopeType, scopeId: b.scopeId })),
    })),
  };
}

/** What GET /_fake answers and main.ts prints. */
export const CONTROL_API_USAGE = [
  'GET    /_fake/state[?organizationId=]      full JSON dump: organizations, keys, teams, members, invites, groups',
  'POST   /_fake/reset  [{"empty":true}]       back to the start state (same org id and keys); clears faults and counters',
  'POST   /_fake/organizations  {name?, admin?, teams?, customRoles?, members?, seatLimit?, plan?, autoAcceptInvites?}',
  'POST   /_fake/organizations/:orgId/keys          {scopes?, userId?, token?}  another API key',
  'POST   /_fake/organizations/:orgId/teams         {name, projects?}',
  'POST   /_fake/organizations/:orgId/custom-roles  {name}',
  'POST   /_fake/organizations/:orgId/members       {email, name?, role?, disabled?}  a member, no invite, no seat check',
  'POST   /_fake/organizations/:orgId/groups        {name, scimSource?, memberIds?, bindings?}  e.g. a SCIM-managed group',
  'POST   /_fake/invites/:id/accept            the invitee accepts: a member with the invite\'s teams',
  'PATCH  /_fake/settings  {organizationId?, seatLimit?: n|null, plan?: bool, autoAcceptInvites?: bool}',
  'PUT    /_fake/faults  {latency?, errors?, rateLimit?, resets?, timeouts?, planRequired?, match?}  (GET shows, DELETE clears)',
  'GET    /_fake/requests[?log=false]          request counters by route and status, and the recent log (DELETE clears)',
];
