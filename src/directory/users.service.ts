import { ScimError } from '../scim/errors.js';
import { normalizeUser, type StoredResource } from '../scim/normalize.js';
import { applyPatch } from '../scim/patch.js';
import { checkIfMatch } from '../scim/preconditions.js';
import { groupCommit } from '../store/group-commit.js';
import { totalOf } from '../store/scim-rows.js';
import { groupsOfMembers, removeFromAllGroups } from '../store/groups.repo.js';
import * as users from '../store/users.repo.js';
import type { UserRecord } from '../store/users.repo.js';
import { forgetUser, projectUser } from './access/projector.js';
import { now, type ScimContext } from './context.js';
import { activation, changedAttributes, loggedWrite, userKeys } from './sync-log.js';
import { buildListQuery, type ListParams } from './query.js';

export interface UserView {
  user: UserRecord;
  groups?: { value: string; display: string }[];
}

function notFound(id: string): ScimError {
  return ScimError.notFound(`User ${id} not found.`);
}

function load(ctx: ScimContext, id: string): UserRecord {
  const user = users.getUser(ctx.db, ctx.connection.id, id);
  if (!user) throw notFound(id);
  return user;
}

/**
 * A user the IdP did not say is inactive is active: `active` is always stored, so that the
 * filter `active eq true` and the representation agree.
 */
function withDefaults(resource: StoredResource): StoredResource {
  return resource.active === undefined ? { ...resource, active: true } : resource;
}

export function getUser(ctx: ScimContext, id: string, withGroups: boolean): UserView {
  const user = load(ctx, id);
  return withGroups ? { user, groups: groupsOfMembers(ctx.db, [id]).get(id) ?? [] } : { user };
}

export function listUsers(ctx: ScimContext, params: ListParams, withGroups: boolean) {
  const { query, startIndex } = buildListQuery('User', params);
  // One snapshot (a read transaction, or the open write batch) for the page and its totalResults.
  return groupCommit(ctx.db).read(() => {
    const page = users.listUsers(ctx.db, ctx.connection.id, query);
    const total = totalOf(query, page.length, () => users.countUsers(ctx.db, ctx.connection.id, query.filter));
    const groups = withGroups
      ? groupsOfMembers(
          ctx.db,
          page.map((u) => u.id),
        )
      : undefined;
    const views: UserView[] = page.map((user) => (groups ? { user, groups: groups.get(user.id) ?? [] } : { user }));
    return { views, total, startIndex };
  });
}

export function createUser(ctx: ScimContext, body: unknown): UserView {
  // Okta sends a random password with every create. The bridge authenticates nobody, so it
  // keeps no password at all: the safest secret is the one never stored.
  const { resource } = normalizeUser(body);
  const stored = withDefaults(resource);
  return loggedWrite(ctx, 'create', 'User', () => {
    const at = now();
    const user = users.insertUser(ctx.db, ctx.connection.id, stored, at);
    projectUser(ctx.db, ctx.connection, user.id, stored, at);
    return {
      result: { user, groups: [] },
      outcome: {
        resourceId: user.id,
        status: 201,
        summary: { changed: Object.keys(stored).sort(), activation: activation(null, stored) },
        ...userKeys(stored),
      },
    };
  });
}

export function replaceUser(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): UserView {
  const { resource } = normalizeUser(body);
  const stored = withDefaults(resource);
  return loggedWrite(ctx, 'replace', 'User', () => {
    const current = load(ctx, id);
    checkIfMatch(ifMatch, current.version);
    const at = now();
    const user = users.updateUser(ctx.db, current, stored, at);
    projectUser(ctx.db, ctx.connection, id, stored, at);
    const summary = { changed: changedAttributes(current.resource, stored), activation: activation(current.resource, stored) };
    return {
      result: { user, groups: groupsOfMembers(ctx.db, [id]).get(id) ?? [] },
      outcome: { resourceId: id, status: 200, summary, ...userKeys(stored) },
    };
  });
}

export function patchUser(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): UserView & { changed: string[] } {
  return loggedWrite(ctx, 'patch', 'User', () => {
    const current = load(ctx, id);
    checkIfMatch(ifMatch, current.version);
    const { resource, changed } = applyPatch('User', current.resource, body, { id });
    const groups = groupsOfMembers(ctx.db, [id]).get(id) ?? [];
    // Entra re-sends unchanged values every cycle; a PATCH that changes nothing writes nothing.
    if (changed.length === 0) {
      return {
        result: { user: current, groups, changed },
        outcome: { resourceId: id, status: 200, summary: { changed }, ...userKeys(current.resource) },
      };
    }
    const stored = withDefaults(resource);
    const at = now();
    const user = users.updateUser(ctx.db, current, stored, at);
    projectUser(ctx.db, ctx.connection, id, stored, at);
    const summary = { changed: changed.filter((c) => c !== 'password'), activation: activation(current.resource, stored) };
    return { result: { user, groups, changed }, outcome: { resourceId: id, status: 200, summary, ...userKeys(stored) } };
  });
}

export function deleteUser(ctx: ScimContext, id: string, ifMatch?: string): void {
  loggedWrite(ctx, 'delete', 'User', () => {
    const current = load(ctx, id);
    checkIfMatch(ifMatch, current.version);
    const at = now();
    users.deleteUser(ctx.db, current);
    removeFromAllGroups(ctx.db, id, at);
    forgetUser(ctx.db, ctx.connection, id, at);
    return { result: undefined, outcome: { resourceId: id, status: 204, summary: {}, ...userKeys(current.resource) } };
  });
}
