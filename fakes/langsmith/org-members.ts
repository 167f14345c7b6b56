/**
 * Organization members and invites (TARGETS.md §B S4, S4b, S5, S6, S7, S8), organization-scoped.
 *
 * Answers whose body ls-spec leaves undeclared (S6, S7, S8: response schema `{}`) are `null`,
 * as a FastAPI handler that returns nothing answers: a client must not read anything from them
 * and should re-read the lists instead.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { orgAdmin, type Route } from './auth.js';
import { badReference, conflict, LangSmithError, notFound } from './errors.js';
import { normEmail, normId, stamp, type Organization, type OrgIdentity, type PendingIdentity } from './model.js';
import { ActiveListQuery, ARRAY_PARAMS, page, PendingListQuery } from './paging.js';
import { renderOrgMember, renderPending } from './render.js';
import type { LangSmithState } from './state.js';
import { optional, parseBody, parseQuery, pathUuid, Uuid } from './validation.js';

// ---- request schemas (ls-spec) ---------------------------------------------------------------

/**
 * ls-spec `PendingIdentityCreate` (§B S5): `email` required, the rest optional. `read_only`,
 * `password` and `full_name` are accepted by the schema and should be omitted (ls-doc Note);
 * the stand-in accepts and ignores them, as it ignores any unknown field (§B Conventions).
 */
const InviteBody = z.object({
  email: z.string(),
  role_id: optional(Uuid),
  workspace_ids: optional(z.array(Uuid)),
  workspace_role_id: optional(Uuid),
  read_only: z.boolean().optional(),
  password: optional(z.string()),
  full_name: optional(z.string()),
});
export type InviteInput = z.output<typeof InviteBody>;
/** §B S5 batch form: an array of the same (ls-spec `Payloads`). */
const InviteBatchBody = z.array(InviteBody);
/** ls-spec "Batch invite up to 500 users"; what a larger batch gets is not documented. */
const MAX_BATCH = 500;
/** ls-spec `OrgIdentityPatch` (§B S6): `{role_id}`, every field optional. */
const OrgIdentityPatchBody = z.object({ role_id: optional(Uuid), password: optional(z.string()), full_name: optional(z.string()) });

// ---- rules -----------------------------------------------------------------------------------

interface PreparedInvite {
  email: string;
  roleId: string;
  workspaceIds: string[];
  workspaceRoleId: string | null;
}

/** Checks one invite against the organization (and the invites before it in the same batch). */
function prepareInvite(s: LangSmithState, org: Organization, input: InviteInput, earlier: PreparedInvite[]): PreparedInvite {
  const email = normEmail(input.email);
  // Not documented: the schema only says "string". The stand-in stores addresses lower-cased.
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw badReference(`${input.email} is not a valid email address`);
  // §B Unknown: re-inviting a member or an invited person is not documented; 409 `{detail}` here.
  if (s.memberByEmail(org, email)) throw conflict(`${email} is already a member of this organization`);
  if (s.pendingByEmail(org, email) || earlier.some((p) => p.email === email))
    throw conflict(`${email} already has a pending invite to this organization`);
  // No `role_id`: the organization role LangSmith gives is not documented; "Organization User" here.
  const role =
    input.role_id === undefined ? s.systemRole('ORGANIZATION_USER') : s.requireRole(org, input.role_id, 'organization', 'role_id');
  // `workspace_role_id` carries the pending person's workspace access (§B S5, ls-tf bullet).
  const wsRole =
    input.workspace_role_id === undefined ? null : s.requireRole(org, input.workspace_role_id, 'workspace', 'workspace_role_id');
  const workspaceIds: string[] = [];
  for (const id of input.workspace_ids ?? []) {
    const ws = org.workspaces.get(id);
    if (!ws || ws.deleted) throw badReference(`workspace_ids: workspace ${id} not found in this organization`);
    if (!workspaceIds.includes(id)) workspaceIds.push(id);
  }
  return { email, roleId: role.id, workspaceIds, workspaceRoleId: wsRole?.id ?? null };
}

function commitInvite(s: LangSmithState, org: Organization, p: PreparedInvite): PendingIdentity {
  const pending: PendingIdentity = {
    id: randomUUID(),
    email: p.email,
    userId: s.userIdByEmail(p.email),
    roleId: p.roleId,
    workspaceRoleId: p.workspaceRoleId,
    // Each workspace lists the invite under an id of its own (§B "Identity ids": do not assume ids match).
    workspaces: new Map(p.workspaceIds.map((wid) => [wid, randomUUID()])),
    createdAt: stamp(),
  };
  org.pending.set(pending.id, pending);
  return pending;
}

/**
 * §B S5 (and its batch form): invite people not yet in the organization. Each becomes a
 * **pending** identity that stays pending until accepted through the control API (unless the
 * `autoAcceptInvites` setting is on). A batch is all or nothing (not documented).
 */
export function invite(s: LangSmithState, org: Organization, inputs: InviteInput[]): PendingIdentity[] {
  if (inputs.length > MAX_BATCH) throw new LangSmithError(400, `At most ${MAX_BATCH} invites per batch`);
  const prepared: PreparedInvite[] = [];
  for (const input of inputs) prepared.push(prepareInvite(s, org, input, prepared));
  s.requireSeats(org, prepared.length);
  const created = prepared.map((p) => commitInvite(s, org, p));
  if (org.settings.autoAcceptInvites) for (const p of created) s.accept(org, p.id);
  return created;
}

/** §B S8: revoke a pending invite by the `id` from the `pending` list. Unknown: 404, not documented. */
export function revokeInvite(org: Organization, pendingId: string): PendingIdentity {
  const pending = org.pending.get(normId(pendingId));
  if (!pending) throw notFound('Pending identity not found');
  org.pending.delete(pending.id);
  return pending;
}

function requireOrgIdentity(org: Organization, identityId: string): OrgIdentity {
  const identity = org.members.get(normId(identityId));
  if (!identity) throw notFound('Organization member not found');
  return identity;
}

/** The last Organization Admin cannot be demoted or removed: not documented (§B Unknown), 400 here. */
function guardLastAdmin(s: LangSmithState, org: Organization, identity: OrgIdentity, action: string): void {
  if (identity.roleId === s.systemRole('ORGANIZATION_ADMIN').id && s.orgAdmins(org) === 1) {
    throw new LangSmithError(400, `Cannot ${action} the last Organization Admin; make another member an Organization Admin first`);
  }
}

/** §B S6: change the organization role (the `id` from the organization list, §B "Identity ids"). */
export function setOrgRole(s: LangSmithState, org: Organization, identityId: string, roleId: string | undefined): OrgIdentity {
  const identity = requireOrgIdentity(org, identityId);
  if (roleId === undefined) return identity;
  const role = s.requireRole(org, roleId, 'organization', 'role_id');
  if (role.id !== identity.roleId) guardLastAdmin(s, org, identity, 'change the role of');
  identity.roleId = role.id;
  return identity;
}

/** §B S7: leave the organization, and with it every workspace. */
export function removeOrgMember(s: LangSmithState, org: Organization, identityId: string): OrgIdentity {
  const identity = requireOrgIdentity(org, identityId);
  guardLastAdmin(s, org, identity, 'remove');
  for (const ws of org.workspaces.values()) {
    for (const [wid, w] of ws.members) if (w.parentId === identity.id) ws.members.delete(wid);
  }
  org.members.delete(identity.id);
  return identity;
}

// ---- routes ----------------------------------------------------------------------------------

export function registerOrgMemberRoutes(route: Route, s: LangSmithState): void {
  // §B S4: unpaged, `{organization_id, members, pending}` (ls-spec `OrganizationMembers`).
  route('get', '/orgs/current/members', (c) => {
    const org = c.get('org');
    return c.json({
      organization_id: org.id,
      members: [...org.members.values()].map((m) => renderOrgMember(s, org, m)),
      pending: [...org.pending.values()].map((p) => renderPending(s, org, p)),
    });
  });

  // §B S4b: paged bare arrays (paging.ts).
  route('get', '/orgs/current/members/active', (c) => {
    const org = c.get('org');
    const q = parseQuery(c, ActiveListQuery, ARRAY_PARAMS);
    return c.json(
      page(
        [...org.members.values()].map((m) => renderOrgMember(s, org, m)),
        q,
      ),
    );
  });
  route('get', '/orgs/current/members/pending', (c) => {
    const org = c.get('org');
    const q = parseQuery(c, PendingListQuery, ARRAY_PARAMS);
    return c.json(
      page(
        [...org.pending.values()].map((p) => renderPending(s, org, p)),
        q,
      ),
    );
  });

  // §B S5: 200 (not 201) with the pending identity.
  route('post', '/orgs/current/members', orgAdmin(s), async (c) => {
    const org = c.get('org');
    const [created] = invite(s, org, [await parseBody(c, InviteBody)]);
    return c.json(renderPending(s, org, created!), 200);
  });
  route('post', '/orgs/current/members/batch', orgAdmin(s), async (c) => {
    const org = c.get('org');
    const created = invite(s, org, await parseBody(c, InviteBatchBody));
    return c.json(
      created.map((p) => renderPending(s, org, p)),
      200,
    );
  });

  // §B S6, S7, S8: 200, body not declared (null).
  route('patch', '/orgs/current/members/:identity_id', orgAdmin(s), async (c) => {
    const identityId = pathUuid(c, 'identity_id');
    const { role_id } = await parseBody(c, OrgIdentityPatchBody);
    setOrgRole(s, c.get('org'), identityId, role_id);
    return c.json(null);
  });
  route('delete', '/orgs/current/members/:identity_id', orgAdmin(s), (c) => {
    removeOrgMember(s, c.get('org'), pathUuid(c, 'identity_id'));
    return c.json(null);
  });
  route('delete', '/orgs/current/members/:identity_id/pending', orgAdmin(s), (c) => {
    revokeInvite(c.get('org'), pathUuid(c, 'identity_id'));
    return c.json(null);
  });
}
