/**
 * The state the application should be in, read from the access model: for one member, or one
 * group. A member or group that is gone is desired absent (exists: false).
 */
import { fold } from '../scim/fold.js';
import type { Db } from '../store/db.js';
import * as groups from '../store/org-groups.repo.js';
import * as members from '../store/org-members.repo.js';
import type { DesiredBinding, DesiredGroup, DesiredMember } from './port.js';

const toDesiredBinding = (b: groups.BindingRow): DesiredBinding => ({
  role: b.role,
  customRoleId: b.customRoleId,
  scopeType: b.scopeType,
  scopeId: b.scopeId,
});

export function desiredMember(
  db: Db,
  organizationId: string,
  memberId: string,
  protectedEmails: ReadonlySet<string>,
  lastKnownEmail: string | null,
): DesiredMember {
  const m = members.getMember(db, organizationId, memberId);
  if (!m) {
    const email = lastKnownEmail ?? '';
    return {
      memberId,
      exists: false,
      email,
      name: null,
      role: 'MEMBER',
      disabled: true,
      protected: protectedEmails.has(fold(email)),
      groups: [],
    };
  }
  const memberGroups = groups.groupsOfMember(db, memberId);
  const bindings = groups.bindingsOfGroups(
    db,
    memberGroups.map((g) => g.id),
  );
  return {
    memberId,
    exists: true,
    email: m.email,
    name: m.name,
    role: m.role,
    disabled: m.adminDisabled || m.idpDisabled,
    protected: protectedEmails.has(m.emailKey),
    groups: memberGroups.map((g) => ({
      groupId: g.id,
      name: g.name,
      createdAt: g.createdAt,
      bindings: (bindings.get(g.id) ?? []).map(toDesiredBinding),
    })),
  };
}

export function desiredGroup(db: Db, organizationId: string, groupId: string): DesiredGroup {
  const g = groups.getOrgGroup(db, organizationId, groupId);
  if (!g) return { groupId, exists: false, name: '', scimSource: null, memberIds: [], members: [], bindings: [] };
  const memberRows = groups.listGroupMembers(db, groupId);
  return {
    groupId,
    exists: true,
    name: g.name,
    scimSource: g.scimSource,
    memberIds: memberRows.map((m) => m.userId),
    members: memberRows.map((m) => ({ memberId: m.userId, email: m.email })),
    bindings: (groups.bindingsOfGroups(db, [groupId]).get(groupId) ?? []).map(toDesiredBinding),
  };
}
