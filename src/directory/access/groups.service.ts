/**
 * The Groups API of the embedded application, and the lock on IdP-owned groups: a group with
 * a scimSource is renamed, re-membered and deleted only by its IdP; its role bindings are the
 * application's to edit.
 */
import { randomUUID } from 'node:crypto';
import * as groups from '../../store/org-groups.repo.js';
import type { BindingRow, OrgGroupRow } from '../../store/org-groups.repo.js';
import * as members from '../../store/org-members.repo.js';
import { markGroup } from './marks.js';
import { now } from '../context.js';
import { AccessError, idpName } from './errors.js';
import type { AdminContext, Binding, BindingInput, GroupCreated, GroupDetail, GroupMember, GroupSummary, Page } from './types.js';

export function toBinding(b: BindingRow): Binding {
  return { id: b.id, role: b.role, customRoleId: b.customRoleId, customRoleName: null, scopeType: b.scopeType, scopeId: b.scopeId };
}

function load(ctx: AdminContext, id: string): OrgGroupRow {
  const g = groups.getOrgGroup(ctx.db, ctx.organizationId, id);
  if (!g) throw new AccessError('not_found', `Group ${id} not found.`);
  return g;
}

/** The 409 that tells the admin where the change belongs. */
function assertNotScimManaged(g: OrgGroupRow, change: string): void {
  if (!g.scimSource) return;
  const idp = idpName(g.scimSource);
  throw new AccessError(
    'scim_managed_group',
    `The group "${g.name}" is managed by ${idp} through SCIM, so ${change} must be made in ${idp}; ` +
      `the change reaches this group at the next push. Its role bindings can still be edited here.`,
  );
}

/** Every change of a group is marked for sync in the same transaction (see marks.ts). */
const mark = (ctx: AdminContext, id: string, affected?: string[]) => markGroup(ctx.db, ctx.organizationId, id, now(), affected);

function summary(g: OrgGroupRow, bindings: BindingRow[]): GroupSummary {
  return {
    id: g.id,
    name: g.name,
    slug: g.slug,
    externalId: g.externalId,
    scimSource: g.scimSource,
    memberCount: g.memberCount,
    bindings: bindings.map(toBinding),
    createdAt: g.createdAt,
  };
}

function detail(ctx: AdminContext, g: OrgGroupRow): GroupDetail {
  return {
    ...summary(g, groups.bindingsOfGroups(ctx.db, [g.id]).get(g.id) ?? []),
    organizationId: g.organizationId,
    members: groups.listGroupMembers(ctx.db, g.id),
  };
}

/** A userId must name a member of this organization; never silently dropped. */
function assertMembers(ctx: AdminContext, userIds: string[]): void {
  const unknown = userIds.filter((id) => !members.getMember(ctx.db, ctx.organizationId, id));
  if (unknown.length > 0) {
    throw new AccessError(
      'invalid_request',
      `${unknown.length === 1 ? 'userId' : 'userIds'} ${unknown.map((id) => `"${id}"`).join(', ')} ` +
        `${unknown.length === 1 ? 'is not a member' : 'are not members'} of this organization.`,
    );
  }
}

function checkedBinding(ctx: AdminContext, input: BindingInput): Omit<BindingRow, 'id' | 'groupId' | 'memberId' | 'createdAt'> {
  const customRoleId = input.customRoleId ?? null;
  if (input.role === 'CUSTOM' && !customRoleId) throw new AccessError('invalid_request', 'customRoleId: required when role is CUSTOM.');
  if (input.role !== 'CUSTOM' && customRoleId) throw new AccessError('invalid_request', 'customRoleId: only allowed when role is CUSTOM.');
  let scopeId = input.scopeId;
  if (input.scopeType === 'ORGANIZATION') {
    if (scopeId !== undefined && scopeId !== ctx.organizationId) {
      throw new AccessError('invalid_request', `scopeId: an ORGANIZATION binding is on this organization (${ctx.organizationId}).`);
    }
    scopeId = ctx.organizationId;
  } else if (!scopeId) {
    throw new AccessError('invalid_request', `scopeId: required for a ${input.scopeType} binding.`);
  }
  return { role: input.role, customRoleId, scopeType: input.scopeType, scopeId };
}

function insertBinding(ctx: AdminContext, groupId: string, input: BindingInput, at: string): BindingRow {
  const b = checkedBinding(ctx, input);
  const existing = groups.bindingsOfGroups(ctx.db, [groupId]).get(groupId) ?? [];
  if (
    existing.some((e) => e.role === b.role && e.customRoleId === b.customRoleId && e.scopeType === b.scopeType && e.scopeId === b.scopeId)
  ) {
    throw new AccessError('duplicate_binding', `The group already has ${b.role} on ${b.scopeType} ${b.scopeId}.`);
  }
  return groups.insertBinding(ctx.db, { organizationId: ctx.organizationId, groupId, memberId: null, ...b }, at);
}

export function listGroups(ctx: AdminContext, q: { page: number; limit: number }): Page<GroupSummary> {
  return ctx.db.transaction(() => {
    const rows = groups.listOrgGroups(ctx.db, ctx.organizationId, (q.page - 1) * q.limit, q.limit);
    const bindings = groups.bindingsOfGroups(
      ctx.db,
      rows.map((g) => g.id),
    );
    const total = groups.countOrgGroups(ctx.db, ctx.organizationId);
    return {
      data: rows.map((g) => summary(g, bindings.get(g.id) ?? [])),
      pagination: { page: q.page, limit: q.limit, total, totalPages: Math.ceil(total / q.limit) },
    };
  })();
}

export function createGroup(ctx: AdminContext, input: { name: string; bindings?: BindingInput[]; memberIds?: string[] }): GroupCreated {
  return ctx.db.transaction(() => {
    const memberIds = [...new Set(input.memberIds ?? [])];
    assertMembers(ctx, memberIds);
    const id = randomUUID();
    const at = now();
    groups.insertOrgGroup(
      ctx.db,
      { id, organizationId: ctx.organizationId, name: input.name, externalId: null, scimSource: null, connectionId: null },
      at,
    );
    for (const b of input.bindings ?? []) insertBinding(ctx, id, b, at);
    for (const userId of memberIds) groups.addGroupMember(ctx.db, id, userId, null, at);
    mark(ctx, id, memberIds);
    const g = load(ctx, id);
    return { id, name: g.name, slug: g.slug, organizationId: ctx.organizationId, createdAt: g.createdAt };
  })();
}

export function getGroup(ctx: AdminContext, id: string): GroupDetail {
  return detail(ctx, load(ctx, id));
}

export function renameGroup(ctx: AdminContext, id: string, name: string): GroupDetail {
  return ctx.db.transaction(() => {
    const g = load(ctx, id);
    assertNotScimManaged(g, 'renaming it');
    groups.updateOrgGroup(ctx.db, id, { name }, now());
    mark(ctx, id);
    return detail(ctx, load(ctx, id));
  })();
}

export function deleteGroup(ctx: AdminContext, id: string): void {
  ctx.db.transaction(() => {
    assertNotScimManaged(load(ctx, id), 'deleting it');
    const members = groups.listGroupMembers(ctx.db, id).map((m) => m.userId);
    groups.deleteOrgGroup(ctx.db, id);
    mark(ctx, id, members);
  })();
}

export function listGroupMembers(ctx: AdminContext, id: string): GroupMember[] {
  load(ctx, id);
  return groups.listGroupMembers(ctx.db, id);
}

export function addGroupMember(ctx: AdminContext, id: string, userId: string): GroupMember {
  return ctx.db.transaction(() => {
    assertNotScimManaged(load(ctx, id), 'adding members to it');
    assertMembers(ctx, [userId]);
    groups.addGroupMember(ctx.db, id, userId, null, now());
    mark(ctx, id, [userId]);
    return groups.listGroupMembers(ctx.db, id).find((m) => m.userId === userId)!;
  })();
}

export function removeGroupMember(ctx: AdminContext, id: string, userId: string): void {
  ctx.db.transaction(() => {
    assertNotScimManaged(load(ctx, id), 'removing members from it');
    if (!groups.removeGroupMember(ctx.db, id, userId)) {
      throw new AccessError('not_found', `userId "${userId}" is not a member of this group.`);
    }
    mark(ctx, id, [userId]);
  })();
}

export function listBindings(ctx: AdminContext, id: string): Binding[] {
  load(ctx, id);
  return (groups.bindingsOfGroups(ctx.db, [id]).get(id) ?? []).map(toBinding);
}

/** Bindings stay editable on IdP-owned groups: what a group may do is the application's call. */
export function addBinding(ctx: AdminContext, id: string, input: BindingInput): Binding {
  return ctx.db.transaction(() => {
    load(ctx, id);
    const binding = toBinding(insertBinding(ctx, id, input, now()));
    mark(ctx, id);
    return binding;
  })();
}

export function removeBinding(ctx: AdminContext, id: string, bindingId: string): void {
  ctx.db.transaction(() => {
    load(ctx, id);
    if (!groups.deleteBinding(ctx.db, id, bindingId)) throw new AccessError('not_found', `Binding ${bindingId} not found on this group.`);
    mark(ctx, id);
  })();
}
