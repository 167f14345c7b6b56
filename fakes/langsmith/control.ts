/**
 * The LangSmith stand-in's own control API under /_fake (no auth, never faulted, never counted):
 * seed organizations, keys, members and custom roles, accept invites (LangSmith invites stay
 * pending until the invitee follows the link, §B S5), make changes "in the UI" behind a
 * client's back, and read the whole state. camelCase like the LangWatch stand-in's; errors are
 * `{"error":{"code","message"}}` like fakes/faults.ts. Other suites depend on it: add, do not
 * rename.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { readJson, type Faults } from '../faults.js';
import type { FakeEnv } from './auth.js';
import { LangSmithError } from './errors.js';
import { normId, type OrgSettings } from './model.js';
import { renderOrgMember, renderRole, snapshot } from './render.js';
import type { LangSmithState, SeededOrganization } from './state.js';
import { parseUuid } from './validation.js';

/** What GET /_fake answers and main.ts prints. */
export const CONTROL_API_USAGE = [
  'GET    /_fake/state[?organizationId=]      JSON dump: organizations, keys, roles, members (+ workspaces), pending invites, workspaces (+ members, pending)',
  'POST   /_fake/reset                         back to the start state (same org id, key and role ids); clears faults and counters',
  'POST   /_fake/organizations  {displayName?, admin?:{email?,fullName?}, apiKey?, workspaces?, members?, seatLimit?, autoAcceptInvites?, defaultWorkspaceRole?}',
  'POST   /_fake/organizations/:orgId/keys     {kind?: "personal"|"service", identityId?, role?, organizationScoped?, workspaceId?, apiKey?}  another key (default: the first admin\'s personal token, not org-scoped)',
  'POST   /_fake/organizations/:orgId/members  {email, fullName?, role?, workspaces?:[{workspace, role?}]}  a member, no invite, no seat check',
  'PATCH  /_fake/organizations/:orgId/members/:identityId  {disabled?: bool, role?}  a change made in the UI',
  'DELETE /_fake/organizations/:orgId/workspaces/:workspaceId  the workspace is deleted in the UI (is_deleted, unreachable)',
  'POST   /_fake/roles  {displayName, accessScope?: "workspace"|"organization", organizationId?, description?, permissions?}  a custom role',
  "POST   /_fake/invites/:id/accept            the invitee accepts: an organization member (new identity id) with the invite's workspaces",
  'PATCH  /_fake/settings  {organizationId?, seatLimit?: n|null, autoAcceptInvites?: bool, defaultWorkspaceRole?: "Viewer"|...}',
  'PUT    /_fake/faults  {latency?, errors?, rateLimit?, resets?, timeouts?, planRequired?, match?}  (GET shows, DELETE clears)',
  'GET    /_fake/requests[?log=false]          request counters by route and status, and the recent log (DELETE clears)',
];

// ---- schemas ---------------------------------------------------------------------------------

const required = (what: string) => ({
  error: (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`),
});
const Str = z.string(required('a string'));
const IdStr = Str.trim().min(1, 'must not be empty');
const Email = Str.trim().pipe(z.email('must be a valid email address'));
const UuidStr = Str.refine((v) => parseUuid(v) !== null, 'must be a UUID');
const Bool = z.boolean(required('a boolean'));

const SettingsFields = {
  seatLimit: z.number(required('a number or null')).int('must be an integer').min(0, 'must be at least 0').nullable().optional(),
  autoAcceptInvites: Bool.optional(),
  defaultWorkspaceRole: IdStr.optional(),
};
const SettingsBody = z.object({ organizationId: IdStr.optional(), ...SettingsFields }).strict();

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
    id: UuidStr.optional(),
    displayName: IdStr.optional(),
    admin: z.object({ email: Email.optional(), fullName: Str.optional() }).strict().optional(),
    apiKey: IdStr.optional(),
    workspaces: z.array(z.union([IdStr, z.object({ id: UuidStr.optional(), displayName: IdStr }).strict()])).optional(),
    members: z.array(SeedMemberBody).optional(),
    ...SettingsFields,
  })
  .strict();

const CustomRoleBody = z
  .object({
    organizationId: IdStr.optional(),
    id: UuidStr.optional(),
    displayName: IdStr,
    description: Str.optional(),
    accessScope: z.enum(['organization', 'workspace'], { error: 'must be "organization" or "workspace"' }).optional(),
    permissions: z.array(Str, required('an array')).optional(),
  })
  .strict();

const KeyBody = z
  .object({
    kind: z.enum(['personal', 'service'], { error: 'must be "personal" or "service"' }).optional(),
    identityId: IdStr.optional(),
    role: IdStr.optional(),
    organizationScoped: Bool.optional(),
    workspaceId: IdStr.optional(),
    apiKey: IdStr.optional(),
  })
  .strict();

const MemberPatchBody = z.object({ disabled: Bool.optional(), role: IdStr.optional() }).strict();

function settingsOf(b: {
  seatLimit?: number | null | undefined;
  autoAcceptInvites?: boolean | undefined;
  defaultWorkspaceRole?: string | undefined;
}) {
  const settings: Partial<OrgSettings> = {};
  if (b.seatLimit !== undefined) settings.seatLimit = b.seatLimit;
  if (b.autoAcceptInvites !== undefined) settings.autoAcceptInvites = b.autoAcceptInvites;
  if (b.defaultWorkspaceRole !== undefined) settings.defaultWorkspaceRole = b.defaultWorkspaceRole;
  return settings;
}

async function controlBody<T extends z.ZodType>(c: Context, schema: T, opts: { optional?: boolean } = {}): Promise<z.output<T>> {
  const raw = await readJson(c);
  if (!raw.ok && !(opts.optional && raw.empty)) throw new LangSmithError(400, raw.message);
  const parsed = schema.safeParse(raw.ok ? raw.value : {});
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}

// ---- routes ----------------------------------------------------------------------------------

export function controlRoutes(state: LangSmithState, faults: Faults, onReset: (orgs: SeededOrganization[]) => void): Hono<FakeEnv> {
  const control = new Hono<FakeEnv>();
  control.get('/', (c) => c.json({ controlApi: CONTROL_API_USAGE }));
  control.get('/state', (c) => {
    const only = c.req.query('organizationId');
    const orgs = only ? [state.requireOrg(only)] : [...state.organizations.values()];
    return c.json({ organizations: orgs.map((o) => snapshot(state, o)) });
  });
  control.post('/reset', (c) => {
    const orgs = state.reset();
    onReset(orgs);
    faults.clear();
    faults.resetRequests();
    return c.json({ organizations: orgs });
  });
  control.post('/organizations', async (c) => {
    const { seatLimit, autoAcceptInvites, defaultWorkspaceRole, ...rest } = await controlBody(c, OrganizationBody, { optional: true });
    return c.json(state.createOrganization({ ...rest, settings: settingsOf({ seatLimit, autoAcceptInvites, defaultWorkspaceRole }) }), 201);
  });
  control.post('/organizations/:orgId/keys', async (c) => {
    const org = state.requireOrg(c.req.param('orgId'));
    const key = state.createApiKey(org.id, await controlBody(c, KeyBody, { optional: true }));
    return c.json(
      {
        apiKey: key.key,
        kind: key.kind,
        organizationScoped: key.organizationScoped,
        workspaceId: key.homeWorkspaceId,
        identityId: key.identityId,
        organizationId: org.id,
      },
      201,
    );
  });
  control.post('/organizations/:orgId/members', async (c) => {
    const org = state.requireOrg(c.req.param('orgId'));
    const b = await controlBody(c, SeedMemberBody);
    return c.json(renderOrgMember(state, org, state.seedMember(org, b)), 201);
  });
  control.patch('/organizations/:orgId/members/:identityId', async (c) => {
    const org = state.requireOrg(c.req.param('orgId'));
    const identity = org.members.get(normId(c.req.param('identityId')));
    if (!identity) throw new LangSmithError(404, `Organization member ${c.req.param('identityId')} not found`);
    const b = await controlBody(c, MemberPatchBody);
    if (b.disabled !== undefined) identity.disabled = b.disabled;
    if (b.role !== undefined) identity.roleId = state.resolveRoleRef(org, b.role, 'organization').id;
    return c.json(renderOrgMember(state, org, identity));
  });
  control.delete('/organizations/:orgId/workspaces/:workspaceId', (c) => {
    const org = state.requireOrg(c.req.param('orgId'));
    const ws = org.workspaces.get(normId(c.req.param('workspaceId')));
    if (!ws) throw new LangSmithError(404, `Workspace ${c.req.param('workspaceId')} not found`);
    ws.deleted = true;
    return c.json({ id: ws.id, displayName: ws.displayName, deleted: true });
  });
  control.post('/roles', async (c) => {
    const b = await controlBody(c, CustomRoleBody);
    return c.json(renderRole(state.addCustomRole(b)), 201);
  });
  control.post('/invites/:id/accept', (c) => {
    const { organization, identity } = state.acceptAnywhere(c.req.param('id'));
    return c.json(renderOrgMember(state, organization, identity), 201);
  });
  control.patch('/settings', async (c) => {
    const { organizationId, ...patch } = await controlBody(c, SettingsBody);
    const result = state.updateSettings(organizationId, settingsOf(patch));
    return c.json(organizationId !== undefined ? { organizationId, settings: result } : { settings: result });
  });
  control.route('/', faults.controlRoutes());
  return control;
}

export function controlCode(status: number): string {
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
