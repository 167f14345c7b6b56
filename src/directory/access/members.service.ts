/**
 * The Members API of the embedded application, with its guard rails: the last active admin
 * cannot be disabled, demoted or removed; a person an IdP pushes is removed only by that IdP,
 * though an admin may change their role and lock them out in an emergency.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fold } from '../../scim/fold.js';
import * as groups from '../../store/org-groups.repo.js';
import * as members from '../../store/org-members.repo.js';
import type { MemberRow } from '../../store/org-members.repo.js';
import { markForSync } from '../../store/sync.repo.js';
import { now } from '../context.js';
import { effectiveAccess } from './effective-access.js';
import { AccessError, idpName } from './errors.js';
import { toBinding } from './groups.service.js';
import type { AccessReport, AdminContext, Invite, InviteInput, MemberDetail, MemberSummary, OrgRole } from './types.js';

const isDisabled = (m: MemberRow) => m.adminDisabled || m.idpDisabled;
const idps = (m: MemberRow) => m.scimSources.map(idpName).join(' and ');

function load(ctx: AdminContext, userId: string): MemberRow {
  const m = members.getMember(ctx.db, ctx.organizationId, userId);
  if (!m) throw new AccessError('not_found', `Member ${userId} not found.`);
  return m;
}

function toSummary(m: MemberRow): MemberSummary {
  const disabledBy: MemberSummary['disabledBy'] = [];
  if (m.adminDisabled) disabledBy.push('admin');
  if (m.idpDisabled) disabledBy.push('idp');
  return {
    userId: m.id,
    name: m.name,
    email: m.email,
    role: m.role,
    status: isDisabled(m) ? 'disabled' : 'active',
    disabledBy,
    scimSources: m.scimSources,
    createdAt: m.createdAt,
  };
}

/** True when `m` is the only ADMIN left who can act. */
function isLastActiveAdmin(ctx: AdminContext, m: MemberRow): boolean {
  return m.role === 'ADMIN' && !isDisabled(m) && members.countActiveAdmins(ctx.db, ctx.organizationId) <= 1;
}

function report(ctx: AdminContext, m: MemberRow): AccessReport {
  const memberGroups = groups.groupsOfMember(ctx.db, m.id);
  const bindings = groups.bindingsOfGroups(
    ctx.db,
    memberGroups.map((g) => g.id),
  );
  const groupViews = memberGroups.map((g) => ({
    id: g.id,
    name: g.name,
    scimSource: g.scimSource,
    bindings: (bindings.get(g.id) ?? []).map(toBinding),
  }));
  const direct = groups.directGrants(ctx.db, m.id).map(toBinding);
  return {
    userId: m.id,
    email: m.email,
    organizationRole: m.role,
    status: isDisabled(m) ? 'disabled' : 'active',
    groups: groupViews,
    directGrants: direct,
    effective: effectiveAccess(ctx.organizationId, m.role, groupViews, direct),
  };
}

export function listMembers(ctx: AdminContext, q: { includeDisabled: boolean }): MemberSummary[] {
  return members.listMembers(ctx.db, ctx.organizationId, q.includeDisabled).map(toSummary);
}

export function getMember(ctx: AdminContext, userId: string): MemberDetail {
  const m = load(ctx, userId);
  const teams = report(ctx, m)
    .effective.filter((e) => e.scopeType === 'TEAM')
    .flatMap((e) => [
      ...(e.role ? [{ teamId: e.scopeId, role: e.role, customRoleId: null }] : []),
      ...e.customRoleIds.map((customRoleId) => ({ teamId: e.scopeId, role: 'CUSTOM' as const, customRoleId })),
    ]);
  return { ...toSummary(m), teams };
}

export function updateMember(ctx: AdminContext, userId: string, change: { role: OrgRole } | { disabled: boolean }): MemberDetail {
  ctx.db.transaction(() => {
    const m = load(ctx, userId);
    markForSync(ctx.db, ctx.organizationId, 'member', m.id, now());
    if ('role' in change) {
      if (change.role !== 'ADMIN' && isLastActiveAdmin(ctx, m)) {
        throw new AccessError(
          'cannot_demote_last_admin',
          `${m.email} is the last active admin of the organization; make someone else an admin first.`,
        );
      }
      members.updateMember(ctx.db, m.id, { role: change.role }, now());
      return;
    }
    if (change.disabled) {
      if (isLastActiveAdmin(ctx, m)) {
        throw new AccessError(
          'cannot_disable_last_admin',
          `${m.email} is the last active admin of the organization; make someone else an admin first.`,
        );
      }
      members.updateMember(ctx.db, m.id, { adminDisabled: true }, now());
      return;
    }
    if (m.idpDisabled) {
      throw new AccessError(
        'scim_managed_member',
        `${m.email} was deactivated by ${idps(m)}; reactivate them there and the change reaches the bridge at the next push.`,
      );
    }
    members.updateMember(ctx.db, m.id, { adminDisabled: false }, now());
  })();
  return getMember(ctx, userId);
}

export function removeMember(ctx: AdminContext, userId: string): void {
  ctx.db.transaction(() => {
    const m = load(ctx, userId);
    if (m.scimSources.length > 0) {
      throw new AccessError(
        'scim_managed_member',
        `${m.email} is provisioned by ${idps(m)}; remove them there (unassign them from the application). ` +
          'To lock them out now, disable them here.',
      );
    }
    if (isLastActiveAdmin(ctx, m)) {
      throw new AccessError(
        'cannot_remove_last_admin',
        `${m.email} is the last active admin of the organization; make someone else an admin first.`,
      );
    }
    const at = now();
    for (const g of groups.groupsOfMember(ctx.db, m.id)) markForSync(ctx.db, ctx.organizationId, 'group', g.id, at);
    members.deleteMember(ctx.db, m.id);
    markForSync(ctx.db, ctx.organizationId, 'member', m.id, at);
  })();
}

export function getAccess(ctx: AdminContext, userId: string): AccessReport {
  return report(ctx, load(ctx, userId));
}

/**
 * In the embedded model there is nobody to accept an invite: inviting someone makes them a
 * member at once (no email is sent), and the invite's teams become direct grants on those
 * teams. All or nothing, as the LangWatch API does it.
 */
export function createInvites(ctx: AdminContext, invites: InviteInput[]): { invites: Invite[] } {
  return ctx.db.transaction(() => {
    const keys = invites.map((i) => fold(i.email));
    const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (repeated.length) throw new AccessError('invalid_request', `invites: ${repeated[0]} is invited twice.`);
    const existing = invites.filter((_, i) => members.findMemberByEmailKey(ctx.db, ctx.organizationId, keys[i]!));
    if (existing.length) {
      throw new AccessError(
        'already_organization_member',
        `${existing.map((i) => i.email).join(', ')} ${existing.length === 1 ? 'is' : 'are'} already a member of the organization.`,
      );
    }
    const at = now();
    return {
      invites: invites.map((input, i) => {
        const id = randomUUID();
        members.insertMember(
          ctx.db,
          { id, organizationId: ctx.organizationId, email: input.email, emailKey: keys[i]!, name: null, role: input.role },
          at,
        );
        markForSync(ctx.db, ctx.organizationId, 'member', id, at);
        // The same team and role twice is one grant, as a group's bindings refuse duplicates.
        const unique = [
          ...new Map((input.teams ?? []).map((t) => [`${t.teamId}\u0000${t.role}\u0000${t.customRoleId ?? ''}`, t])).values(),
        ];
        const teams = unique.map((t) => {
          const customRoleId = t.role === 'CUSTOM' ? (t.customRoleId ?? null) : null;
          if (t.role === 'CUSTOM' && !customRoleId)
            throw new AccessError('invalid_request', `invites[${i}].teams: customRoleId is required when role is CUSTOM.`);
          groups.insertBinding(
            ctx.db,
            {
              organizationId: ctx.organizationId,
              groupId: null,
              memberId: id,
              role: t.role,
              customRoleId,
              scopeType: 'TEAM',
              scopeId: t.teamId,
            },
            at,
          );
          return { teamId: t.teamId, role: t.role, customRoleId };
        });
        return {
          id,
          email: input.email,
          role: input.role,
          inviteCode: randomBytes(16).toString('hex'),
          inviteUrl: null,
          emailNotSent: true,
          teams,
        };
      }),
    };
  })();
}
