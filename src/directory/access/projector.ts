/**
 * Turns SCIM writes into the access model, inside the SCIM write's own transaction: the IdP's
 * answer follows one commit that holds both.
 *
 * The person rule: within an organization a person is one member, identified by the folded
 * primary email of their SCIM user (the `primary` email, else the first, else the userName).
 * A second connection pushing the same email (a move from Okta to Entra) links a second
 * identity to the same member; an admin-invited member with that email becomes IdP-managed.
 * The member is disabled by the IdPs only when every identity is inactive, and removed when
 * the last identity is deleted.
 */
import type { StoredResource } from '../../scim/normalize.js';
import { fold } from '../../scim/fold.js';
import type { Connection } from '../../store/connections.repo.js';
import type { Db } from '../../store/db.js';
import * as groups from '../../store/org-groups.repo.js';
import * as members from '../../store/org-members.repo.js';
import { markForSync } from '../../store/sync.repo.js';
import { idpName } from './errors.js';
import { markGroup } from './marks.js';

export function primaryEmail(resource: StoredResource): string {
  const emails = Array.isArray(resource.emails) ? (resource.emails as { value?: unknown; primary?: unknown }[]) : [];
  const chosen = emails.find((e) => e.primary === true && typeof e.value === 'string') ?? emails.find((e) => typeof e.value === 'string');
  return typeof chosen?.value === 'string' && chosen.value !== '' ? chosen.value : String(resource.userName);
}

function displayName(resource: StoredResource): string | null {
  if (typeof resource.displayName === 'string') return resource.displayName;
  const name = resource.name as { formatted?: unknown; givenName?: unknown; familyName?: unknown } | undefined;
  if (typeof name?.formatted === 'string') return name.formatted;
  const parts = [name?.givenName, name?.familyName].filter((p): p is string => typeof p === 'string');
  return parts.length ? parts.join(' ') : null;
}

/** After a SCIM user is created or changed. */
export function projectUser(db: Db, connection: Connection, scimUserId: string, resource: StoredResource, now: string): void {
  const orgId = connection.organizationId;
  const email = primaryEmail(resource);
  const emailKey = fold(email);
  const active = resource.active !== false;
  const name = displayName(resource);
  const identity = members.getIdentity(db, scimUserId);

  if (!identity) {
    const existing = members.findMemberByEmailKey(db, orgId, emailKey);
    const memberId = existing?.id ?? scimUserId;
    if (existing) {
      members.updateMember(db, existing.id, { name: name ?? existing.name }, now);
    } else {
      members.insertMember(db, { id: memberId, organizationId: orgId, email, emailKey, name, role: 'MEMBER' }, now);
    }
    members.upsertIdentity(db, { scimUserId, memberId, connectionId: connection.id, active });
    if (existing?.adminDisabled && active) keptLockOut(db, connection, existing.id, now);
    markForSync(db, orgId, 'member', memberId, now);
    return;
  }

  const member = members.getMember(db, orgId, identity.memberId)!;
  const change: Parameters<typeof members.updateMember>[2] = { name };
  if (emailKey !== member.emailKey) {
    const holder = members.findMemberByEmailKey(db, orgId, emailKey);
    if (holder) {
      // Merging two people because an email changed would be a guess; keep both and say so.
      members.recordConflict(
        db,
        {
          organizationId: orgId,
          memberId: member.id,
          connectionId: connection.id,
          kind: 'email_taken',
          detail: `${idpName(connection.source)} changed this person's email to ${email}, which belongs to member ${holder.id}; the email was not changed.`,
        },
        now,
      );
    } else {
      Object.assign(change, { email, emailKey });
    }
  } else if (email !== member.email) {
    change.email = email;
  }
  members.updateMember(db, member.id, change, now);
  members.upsertIdentity(db, { ...identity, active });
  if (!identity.active && active && member.adminDisabled) keptLockOut(db, connection, member.id, now);
  markForSync(db, orgId, 'member', member.id, now);
}

function keptLockOut(db: Db, connection: Connection, memberId: string, now: string): void {
  members.recordConflict(
    db,
    {
      organizationId: connection.organizationId,
      memberId,
      connectionId: connection.id,
      kind: 'admin_disabled_kept',
      detail: `${idpName(connection.source)} activated this person, but an admin disabled them; they stay disabled until an admin re-enables them.`,
    },
    now,
  );
}

/**
 * After a SCIM user is deleted: drop what this identity brought; the last identity takes the
 * member. Every group that loses the member is marked for sync along with the member.
 */
export function forgetUser(db: Db, connection: Connection, scimUserId: string, now: string): void {
  const identity = members.getIdentity(db, scimUserId);
  if (!identity) return;
  const orgId = connection.organizationId;
  const last = members.countIdentities(db, identity.memberId) === 1;
  const affected = last ? groups.groupsOfMember(db, identity.memberId).map((g) => g.id) : groups.groupsVia(db, scimUserId);
  groups.removeMembershipsVia(db, scimUserId);
  members.deleteIdentity(db, scimUserId);
  if (last) members.deleteMember(db, identity.memberId);
  markForSync(db, orgId, 'member', identity.memberId, now);
  for (const groupId of affected) markForSync(db, orgId, 'group', groupId, now);
}

/** A pushed group is a group of the organization with the same id and the pusher's source. */
export function projectGroupCreated(db: Db, connection: Connection, id: string, resource: StoredResource, now: string): void {
  groups.insertOrgGroup(
    db,
    {
      id,
      organizationId: connection.organizationId,
      name: String(resource.displayName),
      externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
      scimSource: connection.source,
      connectionId: connection.id,
    },
    now,
  );
  markGroup(db, connection.organizationId, id, now, []);
}

export function projectGroupUpdated(db: Db, connection: Connection, id: string, resource: StoredResource, now: string): void {
  groups.updateOrgGroup(
    db,
    id,
    { name: String(resource.displayName), externalId: typeof resource.externalId === 'string' ? resource.externalId : null },
    now,
  );
  markGroup(db, connection.organizationId, id, now);
}

export function projectGroupDeleted(db: Db, connection: Connection, id: string, now: string): void {
  const members = groups.listGroupMembers(db, id).map((m) => m.userId);
  groups.deleteOrgGroup(db, id);
  markGroup(db, connection.organizationId, id, now, members);
}

/**
 * Membership changes of a pushed group, in SCIM ids. Members that are groups (nesting) have
 * no counterpart in the access model and are skipped; Entra does not provision nesting either.
 */
export function projectMembership(db: Db, connection: Connection, groupId: string, added: string[], removed: string[], now: string): void {
  if (added.length === 0 && removed.length === 0) return;
  const ids = members.membersOfScimUsers(db, [...added, ...removed]);
  markGroup(db, connection.organizationId, groupId, now, [...new Set(ids.values())]);
  groups.removeGroupMembersVia(db, groupId, removed);
  groups.addGroupMembersVia(db, groupId, added, now);
}
