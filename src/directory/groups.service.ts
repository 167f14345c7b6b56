import { ScimError } from '../scim/errors.js';
import { normalizeGroup, type MemberInput } from '../scim/normalize.js';
import { applyPatch, type MemberOp } from '../scim/patch.js';
import { checkIfMatch } from '../scim/preconditions.js';
import { groupCommit } from '../store/group-commit.js';
import { totalOf } from '../store/scim-rows.js';
import * as groups from '../store/groups.repo.js';
import type { GroupRecord, MemberRecord } from '../store/groups.repo.js';
import { existingUserIds } from '../store/users.repo.js';
import { projectGroupCreated, projectGroupDeleted, projectGroupUpdated, projectMembership } from './access/projector.js';
import { now, type ScimContext } from './context.js';
import { changedAttributes, groupKey, loggedWrite, membersSummary } from './sync-log.js';
import { buildListQuery, type ListParams } from './query.js';

export interface GroupView {
  group: GroupRecord;
  members?: MemberRecord[];
}

/** What a write did to the membership, in ids: the input of the sync log and the worker. */
export interface MembershipChange {
  added: string[];
  removed: string[];
}

function notFound(id: string): ScimError {
  return ScimError.notFound(`Group ${id} not found.`);
}

function load(ctx: ScimContext, id: string): GroupRecord {
  const group = groups.getGroup(ctx.db, ctx.connection.id, id);
  if (!group) throw notFound(id);
  return group;
}

/**
 * Members must be users or groups of the same connection: a reference to anything else would
 * be stored as garbage and could never be provisioned. Costs one indexed lookup per named
 * member, never a read of the whole group.
 */
function resolveMembers(ctx: ScimContext, groupId: string, inputs: MemberInput[]): MemberRecord[] {
  const unique = new Map<string, MemberInput>();
  for (const m of inputs) unique.set(m.value, m);
  const ids = [...unique.keys()];
  const userIds = existingUserIds(ctx.db, ctx.connection.id, ids);
  const missing = ids.filter((id) => !userIds.has(id));
  const groupIds = missing.length ? groups.existingGroupIds(ctx.db, ctx.connection.id, missing) : new Set<string>();
  const unknown = missing.filter((id) => !groupIds.has(id));
  if (unknown.length > 0) {
    const shown = unknown
      .slice(0, 5)
      .map((id) => `"${id}"`)
      .join(', ');
    throw ScimError.invalidValue(
      `members: ${shown}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} ` +
        `${unknown.length === 1 ? 'is not a User or Group' : 'are not Users or Groups'} of this connection.`,
    );
  }
  if (groupIds.has(groupId)) throw ScimError.invalidValue('members: a group cannot be a member of itself.');
  return ids.map((id) => ({
    value: id,
    type: userIds.has(id) ? 'User' : 'Group',
    display: unique.get(id)!.display ?? null,
  }));
}

function applyMemberOps(ctx: ScimContext, group: GroupRecord, ops: MemberOp[]): MembershipChange {
  const added = new Set<string>();
  const removed = new Set<string>();
  const noteAdded = (ids: string[]) => ids.forEach((id) => (removed.delete(id) ? undefined : added.add(id)));
  const noteRemoved = (ids: string[]) => ids.forEach((id) => (added.delete(id) ? undefined : removed.add(id)));
  for (const op of ops) {
    switch (op.kind) {
      case 'add':
        noteAdded(groups.addMembers(ctx.db, group.seq, resolveMembers(ctx, group.id, op.members)));
        break;
      case 'remove':
        noteRemoved(groups.removeMembers(ctx.db, group.seq, op.ids));
        break;
      case 'removeAll':
        noteRemoved(groups.removeMembersMatching(ctx.db, group.seq));
        break;
      case 'removeWhere':
        noteRemoved(groups.removeMembersMatching(ctx.db, group.seq, op.filter));
        break;
    }
  }
  return { added: [...added], removed: [...removed] };
}

export function getGroup(ctx: ScimContext, id: string, withMembers: boolean): GroupView {
  const group = load(ctx, id);
  return withMembers ? { group, members: groups.listMembers(ctx.db, group.seq) } : { group };
}

export function listGroups(ctx: ScimContext, params: ListParams, withMembers: boolean) {
  const { query, startIndex } = buildListQuery('Group', params);
  return groupCommit(ctx.db).read(() => {
    const page = groups.listGroups(ctx.db, ctx.connection.id, query);
    const total = totalOf(query, page.length, () => groups.countGroups(ctx.db, ctx.connection.id, query.filter));
    const views: GroupView[] = page.map((group) => (withMembers ? { group, members: groups.listMembers(ctx.db, group.seq) } : { group }));
    return { views, total, startIndex };
  });
}

export function createGroup(ctx: ScimContext, body: unknown): GroupView & MembershipChange {
  const { resource, members } = normalizeGroup(body);
  return loggedWrite(ctx, 'create', 'Group', () => {
    const at = now();
    const group = groups.insertGroup(ctx.db, ctx.connection.id, resource, at);
    projectGroupCreated(ctx.db, ctx.connection, group.id, resource, at);
    const change = members?.length ? applyMemberOps(ctx, group, [{ kind: 'add', members }]) : { added: [], removed: [] };
    projectMembership(ctx.db, ctx.connection, group.id, change.added, change.removed, at);
    return {
      result: { group, members: groups.listMembers(ctx.db, group.seq), ...change },
      outcome: {
        resourceId: group.id,
        status: 201,
        summary: { changed: Object.keys(resource).sort(), ...membersSummary(change.added, change.removed) },
        groupKey: groupKey(resource),
      },
    };
  });
}

/**
 * PUT replaces the group's attributes. RFC 7644 §3.5.1 lets a server treat an omitted
 * readWrite attribute as "not asserted": a PUT without `members` leaves the membership as it
 * is (clearing thousands of memberships because a client left the list out would be the
 * worst possible reading), while `members: []` empties the group.
 */
export function replaceGroup(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): GroupView & MembershipChange {
  const { resource, members } = normalizeGroup(body);
  return loggedWrite(ctx, 'replace', 'Group', () => {
    const current = load(ctx, id);
    checkIfMatch(ifMatch, current.version);
    const at = now();
    const group = groups.updateGroup(ctx.db, current, resource, at);
    projectGroupUpdated(ctx.db, ctx.connection, id, resource, at);
    let change: MembershipChange = { added: [], removed: [] };
    if (members !== undefined) {
      const wanted = new Set(members.map((m) => m.value));
      const present = groups.listMembers(ctx.db, group.seq).map((m) => m.value);
      const presentSet = new Set(present);
      const ops: MemberOp[] = [
        { kind: 'remove', ids: present.filter((m) => !wanted.has(m)) },
        { kind: 'add', members: members.filter((m) => !presentSet.has(m.value)) },
      ];
      change = applyMemberOps(ctx, group, ops);
      projectMembership(ctx.db, ctx.connection, id, change.added, change.removed, at);
    }
    return {
      result: { group, members: groups.listMembers(ctx.db, group.seq), ...change },
      outcome: {
        resourceId: id,
        status: 200,
        summary: { changed: changedAttributes(current.resource, resource), ...membersSummary(change.added, change.removed) },
        groupKey: groupKey(resource),
      },
    };
  });
}

export function patchGroup(
  ctx: ScimContext,
  id: string,
  body: unknown,
  ifMatch?: string,
): { group: GroupRecord; changed: string[] } & MembershipChange {
  return loggedWrite(ctx, 'patch', 'Group', () => {
    const current = load(ctx, id);
    checkIfMatch(ifMatch, current.version);
    const { resource, memberOps, changed } = applyPatch('Group', current.resource, body, { id });
    const change = applyMemberOps(ctx, current, memberOps);
    const attributesChanged = changed.some((c) => c !== 'members');
    const at = now();
    if (attributesChanged) projectGroupUpdated(ctx.db, ctx.connection, id, resource, at);
    projectMembership(ctx.db, ctx.connection, id, change.added, change.removed, at);
    // A membership change is a change of the group: its version (ETag) moves too.
    const group =
      attributesChanged || change.added.length || change.removed.length ? groups.updateGroup(ctx.db, current, resource, at) : current;
    const summary = { changed: changed.filter((c) => c !== 'members'), ...membersSummary(change.added, change.removed) };
    return { result: { group, changed, ...change }, outcome: { resourceId: id, status: 204, summary, groupKey: groupKey(resource) } };
  });
}

export function deleteGroup(ctx: ScimContext, id: string, ifMatch?: string): void {
  loggedWrite(ctx, 'delete', 'Group', () => {
    const current = load(ctx, id);
    checkIfMatch(ifMatch, current.version);
    const at = now();
    groups.deleteGroup(ctx.db, current, at);
    projectGroupDeleted(ctx.db, ctx.connection, id, at);
    return { result: undefined, outcome: { resourceId: id, status: 204, summary: {}, groupKey: groupKey(current.resource) } };
  });
}
