/**
 * One zod schema per LangWatch answer the target reads, written from ../shared/TARGETS.md §A
 * (the tables of §A1 SCIM, §A2 Groups, §A3 organization members and invites). A schema holds
 * the fields the target reads, typed as TARGETS.md gives them (nullable where it says so, as
 * `user.email`); other fields are let through untouched. TargetHttp parses every 2xx body with
 * these, so a changed answer parks the delivery with the call and the field named
 * (`LangWatch GET /api/organization/members: members[3].user.email: expected string, received
 * number`) instead of becoming a TypeError or a silent "nobody is there".
 *
 * Answers whose body is never read (`{success:true}` of DELETEs, SCIM's 204) are not parsed.
 */
import { z } from 'zod';
import { BINDING_ROLES, ORG_ROLES, SCOPE_TYPES } from '../../directory/access/types.js';

const Id = z.string().min(1);
const Count = z.number().int().min(0);

// ---- §A1 SCIM server (/api/scim/v2) ---------------------------------------------------------

/** §A1 "Tokens", POST /api/scim-tokens → 201 `{id, token, description}` (the token shown once). */
export const ScimTokenCreated = z.object({ id: Id, token: z.string().min(1) });

/**
 * §A1 "Shapes", User. `userName` is the email (`user.email ?? ""` in the source, so a string);
 * `active` is the account-wide flag only (trap 13), read in TARGET_SUSPEND=account.
 */
export const ScimUser = z.object({ id: Id, userName: z.string(), active: z.boolean() });
export type ScimUser = z.output<typeof ScimUser>;

/**
 * §A1 ListResponse. `Resources` is always sent by LangWatch; `itemsPerPage` echoes the request
 * (not the rows returned), so only `totalResults` and the rows are read.
 */
export const ScimUserList = z.object({ totalResults: Count, Resources: z.array(ScimUser) });

/** §A1 Group with its members (POST, PATCH "200 Group, with all its members", GET without excludedAttributes). */
export const ScimGroup = z.object({
  id: Id,
  displayName: z.string(),
  members: z.array(z.object({ value: Id })),
});
export type ScimGroup = z.output<typeof ScimGroup>;

/** §A1 GET /Groups?excludedAttributes=members: groups without their members. */
export const ScimGroupList = z.object({
  totalResults: Count,
  Resources: z.array(z.object({ id: Id, displayName: z.string() })),
});

// ---- §A3 organization family (/api/organization) -------------------------------------------

/**
 * §A3 "Member row": `{userId, role, disabled, disabledAt, createdAt, updatedAt, user:{id, name|null,
 * email|null}}`. The email is only inside `user`, and it can be null.
 */
export const MemberRow = z.object({
  userId: Id,
  role: z.enum(ORG_ROLES),
  disabled: z.boolean(),
  user: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
});
export type MemberRow = z.output<typeof MemberRow>;

/** §A3 GET /members → `{members:[row], totalCount}`, paged by offset/limit. */
export const MemberPage = z.object({ members: z.array(MemberRow), totalCount: Count });

/** §A3 PATCH /members/{userId} → row + `teamsLeftWithoutAdmin?` (not read). */
export const MemberUpdated = MemberRow;

/** §A3 GET /members/{userId}/access → `{user, groups:[{id,name,slug,scimSource,bindings}], directBindings}`. */
export const MemberAccess = z.object({
  groups: z.array(z.object({ id: Id, scimSource: z.string().nullable() })),
});

/**
 * GET /api/organization (the organization profile, `organization:view`): `{id, name, slug, …}`.
 * Not in TARGETS.md; from `platform/app/src/app/api/organization/[[...route]]/wire.ts`
 * (`organizationSettingsSchema`) and `docs/api-reference/openapiLangWatch.json`. Read only to
 * learn the organization id that ORGANIZATION-scoped bindings take as their scopeId.
 */
export const OrganizationProfile = z.object({ id: Id });

/** §A3 "Invite": `{id, email, role, status, expiration, inviteCode, inviteUrl, teams, createdAt}`. */
export const Invite = z.object({ id: Id, email: z.string(), expiration: z.string().nullable() });
export type Invite = z.output<typeof Invite>;

/** §A3 GET /invites → `{invites:[invite]}` (only pending, unexpired ones); POST → 201 `{invites:[invite + emailNotSent]}`. */
export const InviteList = z.object({ invites: z.array(Invite) });

// ---- §A2 Groups (/api/groups) ---------------------------------------------------------------

/** §A2 binding: `{id, role, customRoleId, customRoleName, scopeType, scopeId}`. */
export const RemoteBinding = z.object({
  id: Id,
  role: z.enum(BINDING_ROLES),
  customRoleId: z.string().nullable(),
  scopeType: z.enum(SCOPE_TYPES),
  scopeId: z.string(),
});
export type RemoteBinding = z.output<typeof RemoteBinding>;

/**
 * §A2 GET /api/groups → `{data:[…], pagination:{page, limit, total}}`. There is NO
 * `totalPages`: the reader stops when page*limit ≥ total or on an empty page.
 */
export const GroupPage = z.object({
  data: z.array(z.object({ id: Id, name: z.string(), scimSource: z.string().nullable() })),
  pagination: z.object({ page: Count, limit: Count, total: Count }),
});

/** §A2 GET /api/groups/{id} → `{id,name,slug,externalId,scimSource,members:[{userId,name,email}],bindings}`. */
export const GroupDetail = z.object({
  id: Id,
  name: z.string(),
  scimSource: z.string().nullable(),
  members: z.array(z.object({ userId: Id })),
  bindings: z.array(RemoteBinding),
});
export type GroupDetail = z.output<typeof GroupDetail>;

/** §A2 POST /api/groups → 201 `{id,name,slug,organizationId,createdAt}`. */
export const GroupCreated = z.object({ id: Id, organizationId: Id });

/** §A2 POST /api/groups/{id}/bindings → 201 `{id,role,scopeType,scopeId}`. */
export const BindingCreated = z.object({ id: Id });

// ---- the bridge's own record of what it last confirmed (worker.ts), read back as unknown ----

export const ConfirmedGroup = z.object({
  name: z.string(),
  memberIds: z.array(z.string()),
  bindings: z.array(
    z.object({ role: z.enum(BINDING_ROLES), customRoleId: z.string().nullable(), scopeType: z.enum(SCOPE_TYPES), scopeId: z.string() }),
  ),
});
export type ConfirmedGroup = z.output<typeof ConfirmedGroup>;
