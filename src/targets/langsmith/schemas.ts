/**
 * One zod schema per LangSmith answer the target reads, written from ../shared/TARGETS.md §B
 * (rows S1–S12) and the published OpenAPI it cites (`TenantForUser`, `Role`,
 * `OrganizationMembers`, `OrgMemberIdentity`, `PendingIdentity`, `TenantMembers`,
 * `MemberIdentity`, `Identity`). A schema holds the fields the target reads, typed as the spec
 * types them (nullable where the spec says `anyOf [..., null]`); other fields are let through
 * untouched, since the spec never forbids additional ones. TargetHttp parses every 2xx body
 * with these, so a changed envelope parks the delivery with the call and the field named
 * (`LangSmith GET /api/v1/orgs/current/members: members: expected array, received undefined`)
 * instead of being read as "nobody is there".
 *
 * Bodies the spec does not declare (S6, S7, S8, S11, S12 answer `{}`) are not parsed: nothing
 * in them is read.
 */
import { z } from 'zod';

const Id = z.string().min(1);
/** `anyOf [{type: string}, {type: null}]`, and absent when the server leaves it out. */
const maybe = <T extends z.ZodType>(t: T) => t.nullish();

// ---- S3 GET /api/v1/orgs/current/roles: a bare array of Role --------------------------------

export const Role = z.object({
  id: Id,
  name: maybe(z.string()),
  display_name: z.string(),
  /** `AccessScope | null`: "organization" or "workspace"; a null-scoped role is never picked. */
  access_scope: maybe(z.enum(['organization', 'workspace'])),
});
export type Role = z.output<typeof Role>;
export const RoleList = z.array(Role);

// ---- S1 GET /api/v1/workspaces: a bare array of TenantForUser; S2 POST answers a Tenant -----

export const Workspace = z.object({
  id: Id,
  display_name: z.string(),
  // Required by the spec: a list without them cannot be told apart from a personal workspace.
  is_personal: z.boolean(),
  is_deleted: z.boolean(),
});
export type Workspace = z.output<typeof Workspace>;
export const WorkspaceList = z.array(Workspace);
/** S2: `app__schemas__Tenant`, the same fields. */
export const WorkspaceCreated = Workspace;

// ---- S4 GET /api/v1/orgs/current/members: {organization_id, members, pending} ---------------

export const OrgMember = z.object({
  /** The organization identity id: what every `/orgs/current/members/{identity_id}` and S10's `org_identity_id` take. */
  id: Id,
  user_id: Id,
  ls_user_id: Id,
  /** Nullable in the spec (`OrgMemberIdentity.email`): such a row never matches anyone by email. */
  email: maybe(z.string()),
  /** The organization role ([ls-tf] compares it with the org role it set). */
  role_id: maybe(Id),
  role_name: maybe(z.string()),
  org_role_id: maybe(Id),
  /** Defaults to [] in the spec; absent means "not said", and every workspace is looked at. */
  tenant_ids: maybe(z.array(Id)),
  is_disabled: maybe(z.boolean()),
});
export type OrgMember = z.output<typeof OrgMember>;

export const Pending = z.object({
  /** The pending identity id, which S8 takes; not the id the person gets on accepting. */
  id: Id,
  email: z.string(),
  role_id: maybe(Id),
  org_role_id: maybe(Id),
  workspace_ids: maybe(z.array(Id)),
  workspace_role_id: maybe(Id),
});
export type Pending = z.output<typeof Pending>;

export const OrgMembers = z.object({
  members: z.array(OrgMember),
  pending: z.array(Pending),
});
export type OrgMembers = z.output<typeof OrgMembers>;

// ---- S5 POST /api/v1/orgs/current/members: a PendingIdentity -------------------------------

export const Invited = z.object({ id: Id, email: z.string() });

// ---- S9 GET /api/v1/workspaces/current/members (X-Tenant-Id): {tenant_id, members, pending} --

export const WorkspaceMember = z.object({
  /** The workspace identity id: the only id `/workspaces/current/members/{identity_id}` takes. */
  id: Id,
  user_id: Id,
  ls_user_id: Id,
  email: maybe(z.string()),
  /** The workspace role. */
  role_id: maybe(Id),
});
export type WorkspaceMember = z.output<typeof WorkspaceMember>;

export const WorkspaceMembers = z.object({
  members: z.array(WorkspaceMember),
  // Checked only as the envelope's: a workspace's pending invites are carried by the organization's (S5).
  pending: z.array(z.unknown()),
});

// ---- S10 POST /api/v1/workspaces/current/members (X-Tenant-Id): an Identity ------------------

export const WorkspaceMemberAdded = z.object({ id: Id, role_id: maybe(Id) });
