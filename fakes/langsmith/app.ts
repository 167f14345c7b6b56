/**
 * The LangSmith stand-in as a Hono app (TARGETS.md §B): workspaces, roles, organization members,
 * invites and workspace members with the application's paths, headers, bodies, statuses and
 * guard rails, plus a control API under /_fake that tests use to seed, inspect and break it.
 * Routes parse, call one state operation and render; the rules live in state.ts.
 *
 * LangSmith is a FastAPI application, and the stand-in answers like one:
 * - every refusal is `{"detail": "<message>"}`;
 * - an invalid body, path or query is a 422 whose `detail` is a list of pydantic errors
 *   (`{"type","loc","msg","input"}`), e.g. `json_invalid`, `missing`, `uuid_parsing`,
 *   `extra_forbidden` (for `read_only`, `password` and `full_name`, which the documentation says
 *   to omit);
 * - an unknown path is `404 {"detail":"Not Found"}`, a known path with another method
 *   `405 {"detail":"Method Not Allowed"}`, and a trailing slash a 307 to the path without it.
 *
 * The control API is the stand-in's own: camelCase like the LangWatch stand-in's, with errors
 * `{"error":{"code","message"}}` like fakes/faults.ts.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { H } from 'hono/types';
import { z } from 'zod';
import { describeIssues, Faults, readJson } from '../faults.js';
import {
  LangSmithError,
  LangSmithState,
  normEmail,
  type ApiKey,
  type Organization,
  type OrganizationInput,
  type OrgIdentity,
  type OrgSettings,
  type SeededOrganization,
  type Workspace,
} from './state.js';

export interface LangSmithFakeOptions {
  /** Share one Faults between stand-ins, or let the fake make its own. */
  faults?: Faults;
  /** The organization the fake starts with (and returns to on reset); false for none. */
  organization?: OrganizationInput | false;
  /** Settings every organization starts with (seat limit, auto-accepted invites). */
  settings?: Partial<OrgSettings>;
}

interface FakeEnv {
  Bindings: HttpBindings;
  Variables: { org: Organization; key: ApiKey; caller: OrgIdentity; workspace: Workspace };
}

export interface LangSmithFake {
  app: Hono<FakeEnv>;
  state: LangSmithState;
  faults: Faults;
  /** The organization the fake was started with (null when `organization: false`). */
  organization: () => SeededOrganization | null;
}

// ---- FastAPI-style validation errors -------------------------------------------------------

type Loc = (string | number)[];

/** One pydantic v2 error, as FastAPI lists them in a 422. */
export interface FastApiError {
  type: string;
  loc: Loc;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** Thrown by the parsers below; rendered as `422 {"detail": errors}`. */
export class ValidationFailure extends Error {
  constructor(readonly errors: FastApiError[]) {
    super('validation failed');
    this.name = 'ValidationFailure';
  }
}

/** The documentation says to omit these; the stand-in refuses them so a client cannot rely on them. */
export const FORBIDDEN_FIELDS = ['read_only', 'password', 'full_name'] as const;

const UUID_MSG = 'Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]';
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A UUID as pydantic reads one (hyphens optional), rendered in the canonical form. */
export function parseUuid(value: string): string | null {
  const v = value.trim();
  if (!UUID_RE.test(v)) return null;
  const hex = v.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const Uuid = z.string().refine((v) => parseUuid(v) !== null, { params: { uuid: true } }).transform((v) => parseUuid(v)!);
const NonBlank = z.string().refine((v) => v.trim().length > 0, { params: { blank: true } });

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** A zod issue in pydantic's words (type, msg), located under `where` ("body", "query", ...). */
function toFastApi(issue: z.core.$ZodIssue, where: string, root: unknown): FastApiError {
  const loc: Loc = [where, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  const input = valueAt(root, issue.path);
  if (issue.code === 'invalid_type') {
    if (input === undefined) return { type: 'missing', loc, msg: 'Field required', input: valueAt(root, issue.path.slice(0, -1)) ?? null };
    switch (issue.expected) {
      case 'string':
        return { type: 'string_type', loc, msg: 'Input should be a valid string', input };
      case 'array':
        return { type: 'list_type', loc, msg: 'Input should be a valid list', input };
      case 'object':
        return { type: 'model_attributes_type', loc, msg: 'Input should be a valid dictionary or object to extract fields from', input };
      case 'boolean':
        return { type: 'bool_type', loc, msg: 'Input should be a valid boolean', input };
      case 'number':
      case 'int':
        return { type: 'int_type', loc, msg: 'Input should be a valid integer', input };
      default:
        return { type: 'value_error', loc, msg: issue.message, input };
    }
  }
  if (issue.code === 'invalid_format' && issue.format === 'email') {
    return { type: 'value_error', loc, msg: 'value is not a valid email address: The email address is not valid.', input, ctx: { reason: 'The email address is not valid.' } };
  }
  if (issue.code === 'custom' && issue.params?.['uuid']) {
    return { type: 'uuid_parsing', loc, msg: UUID_MSG, input, ctx: { error: 'invalid character' } };
  }
  if (issue.code === 'custom' && issue.params?.['blank']) {
    return { type: 'string_too_short', loc, msg: 'String should have at least 1 character', input, ctx: { min_length: 1 } };
  }
  if (issue.code === 'too_small' && issue.origin === 'number') {
    return { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${String(issue.minimum)}`, input, ctx: { ge: issue.minimum } };
  }
  if (issue.code === 'too_big' && issue.origin === 'number') {
    return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${String(issue.maximum)}`, input, ctx: { le: issue.maximum } };
  }
  return { type: 'value_error', loc, msg: `Value error, ${issue.message}`, input };
}

/**
 * The JSON body checked against `schema`, or a ValidationFailure listing every problem at once
 * (as FastAPI does): unreadable JSON, a body that is not an object, forbidden fields, bad fields.
 */
async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const raw = await readJson(c);
  if (!raw.ok) {
    throw new ValidationFailure([
      raw.empty
        ? { type: 'missing', loc: ['body'], msg: 'Field required', input: null }
        : { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } },
    ]);
  }
  const body = raw.value;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailure([
      { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body },
    ]);
  }
  const errors: FastApiError[] = [];
  for (const field of FORBIDDEN_FIELDS) {
    if (Object.hasOwn(body, field)) {
      errors.push({ type: 'extra_forbidden', loc: ['body', field], msg: 'Extra inputs are not permitted', input: (body as Record<string, unknown>)[field] });
    }
  }
  const parsed = schema.safeParse(body, { reportInput: true });
  if (!parsed.success) errors.push(...parsed.error.issues.map((i) => toFastApi(i, 'body', body)));
  if (errors.length > 0 || !parsed.success) throw new ValidationFailure(errors);
  return parsed.data;
}

/** A path parameter that must be a UUID (FastAPI answers 422 `uuid_parsing` otherwise). */
function pathUuid(c: Context, name: string): string {
  const value = c.req.param(name) ?? '';
  const id = parseUuid(value);
  if (id === null) throw new ValidationFailure([{ type: 'uuid_parsing', loc: ['path', name], msg: UUID_MSG, input: value, ctx: { error: 'invalid character' } }]);
  return id;
}

// ---- request schemas (TARGETS.md §B) -------------------------------------------------------

/** `role_id: UUID | None = None` and friends: null is the same as absent. */
const optional = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

const WorkspaceBody = z.object({ display_name: NonBlank });
const RoleBody = z.object({ role_id: Uuid });
const InviteBody = z.object({
  email: z.email(),
  role_id: optional(Uuid),
  workspace_ids: optional(z.array(Uuid)),
  workspace_role_id: optional(Uuid),
});
const WorkspaceMemberBody = z.object({
  user_id: Uuid,
  workspace_ids: optional(z.array(Uuid)),
  workspace_role_id: optional(Uuid),
});
const MemberQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

// ---- control API schemas (camelCase, like the LangWatch stand-in's) ------------------------

const required = (what: string) => ({
  error: (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`),
});
const Str = z.string(required('a string'));
const IdStr = Str.trim().min(1, 'must not be empty');
const Email = Str.trim().pipe(z.email('must be a valid email address'));
const Scope = z.enum(['organization', 'workspace'], { error: 'must be "organization" or "workspace"' });

const SettingsBody = z
  .object({
    organizationId: IdStr.optional(),
    seatLimit: z.number(required('a number or null')).int('must be an integer').min(0, 'must be at least 0').nullable().optional(),
    autoAcceptInvites: z.boolean(required('a boolean')).optional(),
  })
  .strict();

const SeedMemberBody = z
  .object({
    email: Email,
    fullName: Str.nullable().optional(),
    role: IdStr.optional(),
    workspaces: z.array(z.object({ workspace: IdStr, role: IdStr.optional() }).strict(), required('an array')).optional(),
  })
  .strict();

const OrganizationBody = z
  .object({
    id: Str.refine((v) => parseUuid(v) !== null, 'must be a UUID').optional(),
    displayName: IdStr.optional(),
    admin: z.object({ email: Email.optional(), fullName: Str.optional() }).strict().optional(),
    apiKey: IdStr.optional(),
    workspaces: z
      .array(z.union([IdStr, z.object({ id: Str.refine((v) => parseUuid(v) !== null, 'must be a UUID').optional(), displayName: IdStr }).strict()]))
      .optional(),
    members: z.array(SeedMemberBody).optional(),
    seatLimit: SettingsBody.shape.seatLimit,
    autoAcceptInvites: SettingsBody.shape.autoAcceptInvites,
  })
  .strict();

const CustomRoleBody = z
  .object({
    organizationId: IdStr.optional(),
    id: Str.refine((v) => parseUuid(v) !== null, 'must be a UUID').optional(),
    displayName: IdStr,
    description: Str.optional(),
    accessScope: Scope.optional(),
    permissions: z.array(Str, required('an array')).optional(),
  })
  .strict();

const KeyBody = z.object({ identityId: IdStr.optional(), apiKey: IdStr.optional() }).strict();

/** What GET /_fake answers and main.ts prints. */
export const CONTROL_API_USAGE = [
  'GET    /_fake/state[?organizationId=]      JSON dump: organizations, keys, roles, members (+ workspaces), pending invites, workspaces (+ members)',
  'POST   /_fake/reset                         back to the start state (same org id, key and role ids); clears faults and counters',
  'POST   /_fake/organizations  {displayName?, admin?:{email?,fullName?}, apiKey?, workspaces?, members?, seatLimit?, autoAcceptInvites?}',
  'POST   /_fake/organizations/:orgId/keys     {identityId?, apiKey?}  another personal access token (default: the first admin\'s)',
  'POST   /_fake/organizations/:orgId/members  {email, fullName?, role?, workspaces?:[{workspace, role?}]}  a member, no invite, no seat check',
  'POST   /_fake/roles  {displayName, accessScope?: "workspace"|"organization", organizationId?, description?, permissions?}  a custom role',
  'POST   /_fake/invites/:id/accept            the invitee accepts: an organization member (new identity id) with the invite\'s workspaces',
  'PATCH  /_fake/settings  {organizationId?, seatLimit?: n|null, autoAcceptInvites?: bool}',
  'PUT    /_fake/faults  {latency?, errors?, rateLimit?, resets?, timeouts?, planRequired?, match?}  (GET shows, DELETE clears)',
  'GET    /_fake/requests[?log=false]          request counters by route and status, and the recent log (DELETE clears)',
];

// ---- the app -------------------------------------------------------------------------------

export function createLangSmithFake(opts: LangSmithFakeOptions = {}): LangSmithFake {
  const faults = opts.faults ?? new Faults();
  const state = new LangSmithState({ settings: opts.settings });
  let seeded: SeededOrganization | null =
    opts.organization === false ? null : state.createOrganization(opts.organization ?? {}, { initial: true });

  const app = new Hono<FakeEnv>();
  const isControl = (c: Context) => {
    const path = new URL(c.req.url).pathname;
    return path === faults.controlPrefix || path.startsWith(`${faults.controlPrefix}/`);
  };

  // Faults first. Their JSON bodies (`{"error":{...}}`) are rewritten in LangSmith's words
  // (`{"detail": ...}`); status, headers (Retry-After) and the HTML of a 502/503 stay as they are.
  app.use('*', async (c, next) => {
    const res = await faults.middleware(c, next);
    if (!(res instanceof Response) || !(res.headers.get('content-type') ?? '').includes('application/json')) return res;
    const body = (await res.clone().json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message !== 'string') return res;
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return new Response(JSON.stringify({ detail: body.error.message }), { status: res.status, headers });
  });

  // FastAPI (redirect_slashes): `/api/v1/workspaces/` answers 307 to `/api/v1/workspaces`.
  app.use('/api/*', async (c, next) => {
    const url = new URL(c.req.url);
    if (url.pathname.length > 1 && url.pathname.endsWith('/')) {
      url.pathname = url.pathname.replace(/\/+$/, '');
      return c.redirect(url.toString(), 307);
    }
    await next();
  });

  app.onError((err, c) => {
    if (isControl(c)) {
      if (err instanceof LangSmithError) return c.json({ error: { code: controlCode(err.status), message: err.detail } }, err.status);
      if (err instanceof ValidationFailure) {
        const message = err.errors.map((e) => `${e.loc.join('.')}: ${e.msg}`).join('; ');
        return c.json({ error: { code: 'invalid_request', message } }, 400);
      }
      if (err instanceof z.ZodError) return c.json({ error: { code: 'invalid_request', message: describeIssues(err) } }, 400);
    } else {
      if (err instanceof LangSmithError) return c.json({ detail: err.detail }, err.status);
      if (err instanceof ValidationFailure) return c.json({ detail: err.errors }, 422);
    }
    console.error('[langsmith fake] unhandled error', err);
    return c.json({ detail: 'Internal Server Error' }, 500);
  });
  app.notFound((c) =>
    isControl(c)
      ? c.json({ error: { code: 'not_found', message: `No such control endpoint: ${c.req.method} ${new URL(c.req.url).pathname}.` } }, 404)
      : c.json({ detail: 'Not Found' }, 404),
  );

  // ---- auth: X-API-Key, X-Organization-Id, X-Tenant-Id ---------------------------------------

  const auth: MiddlewareHandler<FakeEnv> = async (c, next) => {
    const key = c.req.header('x-api-key')?.trim();
    if (!key) throw new LangSmithError(401, 'Missing API key: send it in the X-API-Key header');
    const found = state.authenticate(key);
    if (!found) throw new LangSmithError(401, 'Invalid API key');
    const orgHeader = c.req.header('x-organization-id')?.trim();
    if (!orgHeader) throw new LangSmithError(403, 'Missing X-Organization-Id header: it must name the organization of the API key');
    if (parseUuid(orgHeader) !== found.organization.id) {
      throw new LangSmithError(403, `The API key does not belong to organization ${orgHeader}`);
    }
    const caller = state.keyOwner(found.organization, found.apiKey);
    if (!caller) throw new LangSmithError(403, 'The owner of this API key is no longer a member of the organization');
    c.set('org', found.organization);
    c.set('key', found.apiKey);
    c.set('caller', caller);
    await next();
  };

  /** Workspace-scoped requests name their workspace in X-Tenant-Id. */
  const tenant: MiddlewareHandler<FakeEnv> = async (c, next) => {
    const raw = c.req.header('x-tenant-id')?.trim();
    if (!raw) throw new LangSmithError(400, 'Missing X-Tenant-Id header: workspace-scoped requests must name their workspace');
    const org = c.get('org');
    const id = parseUuid(raw);
    const ws = id === null ? undefined : org.workspaces.get(id);
    if (!ws) throw new LangSmithError(403, `Workspace ${raw} is not a workspace of this organization, or you have no access to it`);
    const caller = c.get('caller');
    // Organization Admins reach every workspace; anyone else only the workspaces they are in.
    if (!state.isOrgAdmin(org, caller) && ![...ws.members.values()].some((m) => m.parentId === caller.id)) {
      throw new LangSmithError(403, `Workspace ${raw} is not a workspace of this organization, or you have no access to it`);
    }
    c.set('workspace', ws);
    await next();
  };

  const orgAdmin: MiddlewareHandler<FakeEnv> = async (c, next) => {
    if (!state.isOrgAdmin(c.get('org'), c.get('caller'))) {
      throw new LangSmithError(403, 'Forbidden: this action needs the Organization Admin role');
    }
    await next();
  };

  const workspaceAdmin: MiddlewareHandler<FakeEnv> = async (c, next) => {
    const org = c.get('org');
    const caller = c.get('caller');
    if (!state.isOrgAdmin(org, caller) && !state.isWorkspaceAdmin(c.get('workspace'), caller)) {
      throw new LangSmithError(403, 'Forbidden: this action needs the Admin role in this workspace');
    }
    await next();
  };

  function query<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
    const raw = c.req.query();
    const parsed = schema.safeParse(raw, { reportInput: true });
    if (!parsed.success) throw new ValidationFailure(parsed.error.issues.map((i) => toFastApi(i, 'query', raw)));
    return parsed.data;
  }

  // ---- the application API (TARGETS.md §B) --------------------------------------------------

  // Routing comes before authentication, as in FastAPI: an unknown path is a 404 and a known
  // path with another method a 405 whatever the headers; only a routed request meets `auth`.
  const api = new Hono<FakeEnv>();
  const paths = new Map<string, Set<string>>();
  type Method = 'get' | 'post' | 'patch' | 'delete';
  const route = (method: Method, path: string, ...handlers: H<FakeEnv>[]) => {
    const set = paths.get(path) ?? new Set<string>();
    set.add(method.toUpperCase());
    paths.set(path, set);
    api.on(method.toUpperCase(), path, auth, ...handlers);
  };

  // Workspaces
  route('get', '/workspaces', (c) => {
    const org = c.get('org');
    const caller = c.get('caller');
    const visible = state
      .listWorkspaces(org)
      .filter((ws) => state.isOrgAdmin(org, caller) || [...ws.members.values()].some((m) => m.parentId === caller.id));
    return c.json(visible.map((ws) => state.renderWorkspace(org, ws)));
  });
  route('post', '/workspaces', orgAdmin, async (c) => {
    const org = c.get('org');
    const { display_name } = await parseBody(c, WorkspaceBody);
    return c.json(state.renderWorkspace(org, state.createWorkspace(org, c.get('caller').id, display_name)));
  });

  // Workspace members (X-Tenant-Id). Registered before /workspaces/:workspace_id.
  route('get', '/workspaces/current/members', tenant, (c) => {
    const org = c.get('org');
    const ws = c.get('workspace');
    return c.json({
      tenant_id: ws.id,
      members: state.listWorkspaceMembers(ws).map((m) => state.renderWorkspaceMember(org, ws, m)),
      pending: state.listWorkspacePending(org, ws).map((p) => state.renderWorkspacePending(org, ws, p)),
    });
  });
  route('post', '/workspaces/current/members', tenant, workspaceAdmin, async (c) => {
    const org = c.get('org');
    const ws = c.get('workspace');
    const b = await parseBody(c, WorkspaceMemberBody);
    return c.json(state.renderWorkspaceMember(org, ws, state.addWorkspaceMember(org, ws, b)));
  });
  route('patch', '/workspaces/current/members/:identity_id', tenant, workspaceAdmin, async (c) => {
    const org = c.get('org');
    const ws = c.get('workspace');
    const identityId = pathUuid(c, 'identity_id');
    const { role_id } = await parseBody(c, RoleBody);
    return c.json(state.renderWorkspaceMember(org, ws, state.setWorkspaceRole(org, ws, identityId, role_id)));
  });
  route('delete', '/workspaces/current/members/:identity_id', tenant, workspaceAdmin, (c) => {
    const org = c.get('org');
    const ws = c.get('workspace');
    const identityId = pathUuid(c, 'identity_id');
    return c.json(state.renderWorkspaceMember(org, ws, state.removeWorkspaceMember(ws, identityId)));
  });

  route('patch', '/workspaces/:workspace_id', async (c) => {
    const org = c.get('org');
    const wsId = pathUuid(c, 'workspace_id');
    const { display_name } = await parseBody(c, WorkspaceBody);
    const ws = state.requireWorkspace(org, wsId, 404);
    if (!state.isOrgAdmin(org, c.get('caller')) && !state.isWorkspaceAdmin(ws, c.get('caller'))) {
      throw new LangSmithError(403, 'Forbidden: this action needs the Admin role in this workspace');
    }
    return c.json(state.renderWorkspace(org, state.renameWorkspace(org, ws.id, display_name)));
  });

  // Roles
  route('get', '/orgs/current/roles', (c) => {
    const org = c.get('org');
    return c.json(state.rolesOf(org).map((r) => state.renderRole(r)));
  });

  // Organization members
  route('get', '/orgs/current/members', (c) => {
    const org = c.get('org');
    return c.json({
      members: state.listOrgMembers(org).map((m) => state.renderOrgMember(org, m)),
      pending: state.listPending(org).map((p) => state.renderPending(org, p)),
    });
  });
  const emailsFilter = (c: Context) => {
    const emails = (c.req.queries('emails') ?? []).map(normEmail).filter(Boolean);
    return (email: string) => emails.length === 0 || emails.includes(email);
  };
  route('get', '/orgs/current/members/active', (c) => {
    const org = c.get('org');
    const { limit, offset } = query(c, MemberQuery);
    const wanted = emailsFilter(c);
    const rows = state
      .listOrgMembers(org)
      .map((m) => state.renderOrgMember(org, m))
      .filter((m) => wanted(m['email'] as string));
    return c.json(rows.slice(offset, offset + limit));
  });
  route('get', '/orgs/current/members/pending', (c) => {
    const org = c.get('org');
    const { limit, offset } = query(c, MemberQuery);
    const wanted = emailsFilter(c);
    const rows = state.listPending(org).filter((p) => wanted(p.email));
    return c.json(rows.slice(offset, offset + limit).map((p) => state.renderPending(org, p)));
  });
  route('post', '/orgs/current/members', orgAdmin, async (c) => {
    const org = c.get('org');
    const b = await parseBody(c, InviteBody);
    return c.json(state.renderPending(org, state.invite(org, b)));
  });
  route('patch', '/orgs/current/members/:identity_id', orgAdmin, async (c) => {
    const org = c.get('org');
    const identityId = pathUuid(c, 'identity_id');
    const { role_id } = await parseBody(c, RoleBody);
    return c.json(state.renderOrgMember(org, state.setOrgRole(org, identityId, role_id)));
  });
  route('delete', '/orgs/current/members/:identity_id', orgAdmin, (c) => {
    const org = c.get('org');
    const identityId = pathUuid(c, 'identity_id');
    const identity = state.requireOrgIdentity(org, identityId);
    const view = state.renderOrgMember(org, identity);
    state.removeOrgMember(org, identity.id);
    return c.json(view);
  });
  route('delete', '/orgs/current/members/:identity_id/pending', orgAdmin, (c) => {
    const org = c.get('org');
    return c.json(state.renderPending(org, state.revokeInvite(org, pathUuid(c, 'identity_id'))));
  });

  // A known path with another method: 405, as Starlette answers.
  for (const [path, methods] of paths) {
    const allow = [...methods].join(', ');
    api.all(path, (c) => c.json({ detail: 'Method Not Allowed' }, 405, { Allow: allow }));
  }

  app.route('/api/v1', api);

  // ---- control API (no auth, never faulted, never counted) ------------------------------------

  async function controlBody<T extends z.ZodType>(c: Context, schema: T, opts: { optional?: boolean } = {}): Promise<z.output<T>> {
    const raw = await readJson(c);
    if (!raw.ok && !(opts.optional && raw.empty)) throw new LangSmithError(400, raw.message);
    const parsed = schema.safeParse(raw.ok ? raw.value : {});
    if (!parsed.success) throw parsed.error;
    return parsed.data;
  }
  const settingsOf = (b: { seatLimit?: number | null | undefined; autoAcceptInvites?: boolean | undefined }) => {
    const settings: Partial<OrgSettings> = {};
    if (b.seatLimit !== undefined) settings.seatLimit = b.seatLimit;
    if (b.autoAcceptInvites !== undefined) settings.autoAcceptInvites = b.autoAcceptInvites;
    return settings;
  };

  const control = new Hono<FakeEnv>();
  control.get('/', (c) => c.json({ controlApi: CONTROL_API_USAGE }));
  control.get('/state', (c) => {
    const only = c.req.query('organizationId');
    const orgs = only ? [state.requireOrg(only)] : [...state.organizations.values()];
    return c.json({ organizations: orgs.map((o) => state.snapshot(o)) });
  });
  control.post('/reset', (c) => {
    const orgs = state.reset();
    seeded = orgs[0] ?? null;
    faults.clear();
    faults.resetRequests();
    return c.json({ organizations: orgs });
  });
  control.post('/organizations', async (c) => {
    const { seatLimit, autoAcceptInvites, ...rest } = await controlBody(c, OrganizationBody, { optional: true });
    return c.json(state.createOrganization({ ...rest, settings: settingsOf({ seatLimit, autoAcceptInvites }) }), 201);
  });
  control.post('/organizations/:orgId/keys', async (c) => {
    const org = state.requireOrg(c.req.param('orgId'));
    const b = await controlBody(c, KeyBody, { optional: true });
    const identityId = b.identityId ?? [...org.keys.values()][0]?.identityId ?? [...org.members.keys()][0];
    if (identityId === undefined) throw new LangSmithError(400, 'The organization has no member to own a key');
    const key = state.createApiKey(org.id, identityId, b.apiKey);
    return c.json({ apiKey: key.key, identityId: key.identityId, organizationId: org.id }, 201);
  });
  control.post('/organizations/:orgId/members', async (c) => {
    const org = state.requireOrg(c.req.param('orgId'));
    const b = await controlBody(c, SeedMemberBody);
    return c.json(state.renderOrgMember(org, state.seedMember(org, b)), 201);
  });
  control.post('/roles', async (c) => {
    const b = await controlBody(c, CustomRoleBody);
    return c.json(state.renderRole(state.addCustomRole(b)), 201);
  });
  control.post('/invites/:id/accept', (c) => {
    const { organization, identity } = state.acceptInvite(c.req.param('id'));
    return c.json(state.renderOrgMember(organization, identity), 201);
  });
  control.patch('/settings', async (c) => {
    const { organizationId, ...patch } = await controlBody(c, SettingsBody);
    const result = state.updateSettings(organizationId, settingsOf(patch));
    return c.json(organizationId !== undefined ? { organizationId, settings: result } : { settings: result });
  });
  control.route('/', faults.controlRoutes());

  app.route(faults.controlPrefix, control);

  return { app, state, faults, organization: () => seeded };
}

function controlCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    default:
      return `http_${status}`;
  }
}
