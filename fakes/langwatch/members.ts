/**
 * `/api/organization/members…` (TARGETS.md §A3, members table), after the organization family's
 * handlers and `OrganizationService` / `PrismaOrganizationRepository` in langwatch/langwatch.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { LwError } from './errors.js';
import { ORG_ROLES, textOrder, type Binding, type Member, type Organization } from './model.js';
import { body, query, type Guard, type RestEnv } from './rest.js';
import type { LangWatchState } from './state.js';

/** TARGETS §A3: includeDisabled "true"/"false"; offset ≥ 0 (default 0); limit 1..200 (default 50). */
const ListQuery = z.object({
  includeDisabled: z.enum(['true', 'false']).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
/** TARGETS §A3 "PATCH": exactly one of role or disabled, else 422. */
const UpdateMember = z.object({ role: z.enum(ORG_ROLES).optional(), disabled: z.boolean().optional() }).superRefine((v, ctx) => {
  if ([v.role, v.disabled].filter((f) => f !== undefined).length !== 1)
    ctx.addIssue({ code: 'custom', message: 'Send exactly one of role or disabled' });
});

const ORG_ROLE_PERMISSIONS: Record<Member['role'], string[]> = {
  ADMIN: ['organization:view', 'organization:manage', 'team:view', 'team:manage', 'project:view', 'project:manage'],
  MEMBER: ['organization:view', 'team:view', 'project:view'],
  EXTERNAL: [],
};
const BINDING_PERMISSIONS: Record<string, string[]> = {
  ADMIN: ['project:view', 'project:manage', 'traces:view', 'traces:share', 'team:manage'],
  MEMBER: ['project:view', 'traces:view', 'traces:share'],
  VIEWER: ['project:view', 'traces:view'],
  CUSTOM: [],
};

export function registerMembers(app: Hono<RestEnv>, state: LangWatchState, guard: Guard): void {
  const memberNotFound = (userId: string) =>
    new LwError(404, 'member_not_found', `Organization member not found: ${userId}`, { id: userId, userId });
  const find = (org: Organization, userId: string) => {
    const m = org.members.get(userId);
    if (!m) throw memberNotFound(userId);
    return m;
  };
  /** TARGETS §A3 "Member row": the email is only in `user`, and it can be null. */
  const row = (m: Member) => {
    const u = state.user(m.userId);
    return {
      userId: m.userId,
      role: m.role,
      disabled: m.disabledAt !== null,
      disabledAt: m.disabledAt,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      user: { id: m.userId, name: u?.name ?? null, email: u?.email ?? null },
    };
  };
  /** The teams a member reaches through their own TEAM-scoped bindings, oldest grant first. */
  const teams = (org: Organization, userId: string) =>
    org.userBindings
      .filter((b) => b.userId === userId && b.scopeType === 'TEAM')
      .flatMap((b) => {
        const team = org.teams.find((t) => t.id === b.scopeId);
        return team
          ? [
              {
                teamId: team.id,
                teamName: team.name,
                role: b.role,
                customRoleId: b.customRoleId,
                customRoleName: state.customRoleName(org, b.customRoleId),
              },
            ]
          : [];
      });
  const accessBinding = (org: Organization, b: Binding) => ({
    id: b.id,
    role: b.role,
    customRoleName: state.customRoleName(org, b.customRoleId),
    scopeType: b.scopeType,
    scopeId: b.scopeId,
    scopeName: state.scopeName(org, b.scopeType, b.scopeId),
    permissions: BINDING_PERMISSIONS[b.role] ?? [],
  });

  // TARGETS §A3 "GET /members": `{members, totalCount}`, ordered by name, email, userId; page until offset ≥ totalCount.
  app.get('/members', ...guard('organization:view'), (c) => {
    const org = c.get('org');
    const q = query(c, 'organization', ListQuery);
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 50;
    const all = [...org.members.values()]
      .filter((m) => q.includeDisabled === 'true' || m.disabledAt === null)
      .map(row)
      .sort(
        (a, b) =>
          textOrder(a.user.name, b.user.name) ||
          textOrder(a.user.email, b.user.email) ||
          (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
      );
    return c.json({ members: all.slice(offset, offset + limit), totalCount: all.length });
  });

  app.get('/members/:userId', ...guard('organization:view'), (c) => {
    const org = c.get('org');
    const m = find(org, c.req.param('userId'));
    return c.json({ ...row(m), teams: teams(org, m.userId) });
  });

  app.get('/members/:userId/access', ...guard('organization:manage'), (c) => {
    const org = c.get('org');
    const m = find(org, c.req.param('userId'));
    const u = state.user(m.userId);
    return c.json({
      user: {
        id: m.userId,
        name: u?.name ?? null,
        email: u?.email ?? null,
        orgRole: m.role,
        orgRolePermissions: m.disabledAt === null ? ORG_ROLE_PERMISSIONS[m.role] : [],
      },
      groups: [...org.groups.values()]
        .filter((g) => g.members.has(m.userId))
        .map((g) => ({
          id: g.id,
          name: g.name,
          slug: g.slug,
          scimSource: g.scimSource,
          bindings: g.bindings.map((b) => accessBinding(org, b)),
        })),
      directBindings: org.userBindings.filter((b) => b.userId === m.userId).map((b) => accessBinding(org, b)),
    });
  });

  // TARGETS §A3 "PATCH": 400 last admin / self, 403 seat limit on re-enable; this organization only.
  app.patch('/members/:userId', ...guard('organization:manage'), async (c) => {
    const org = c.get('org');
    const actor = c.get('key').userId;
    const userId = c.req.param('userId');
    const input = await body(c, 'organization', UpdateMember);
    const activeAdmin = (m: Member) => m.role === 'ADMIN' && m.disabledAt === null;
    if (input.role !== undefined) {
      const m = find(org, userId);
      if (activeAdmin(m) && input.role !== 'ADMIN' && state.activeAdmins(org) <= 1) {
        throw new LwError(400, 'cannot_demote_last_admin', 'Cannot demote the last administrator of an organization');
      }
      m.role = input.role;
      m.updatedAt = state.now();
      return c.json(row(m));
    }
    // The self guard comes before the lookup, as in `setMemberDisabled`.
    if (input.disabled && actor !== null && actor === userId)
      throw new LwError(400, 'cannot_disable_self', 'You cannot disable your own membership');
    const m = find(org, userId);
    if (input.disabled) {
      if (activeAdmin(m) && state.activeAdmins(org) <= 1) {
        throw new LwError(400, 'cannot_disable_last_admin', 'Cannot disable the last active administrator of an organization');
      }
      m.disabledAt ??= state.now();
    } else {
      // Re-enabling takes a seat: the check asks for room for one more, whatever the member's state.
      const limit = org.settings.seatLimit;
      const used = state.seatsUsed(org);
      if (limit !== null && used >= limit) {
        throw new LwError(403, 'member_seat_limit_reached', "The plan's member seats are all in use", {
          limitType: 'members',
          current: used,
          max: limit,
        });
      }
      m.disabledAt = null;
    }
    m.updatedAt = state.now();
    return c.json(row(m));
  });

  // TARGETS §A3 "DELETE": out of the organization and every team; 400 self / last admin.
  app.delete('/members/:userId', ...guard('organization:manage'), (c) => {
    const org = c.get('org');
    const userId = c.req.param('userId');
    const actor = c.get('key').userId;
    if (actor !== null && actor === userId)
      throw new LwError(400, 'cannot_remove_self', 'You cannot remove yourself from the organization');
    const m = find(org, userId);
    if (m.role === 'ADMIN' && m.disabledAt === null && state.activeAdmins(org) <= 1) {
      throw new LwError(400, 'cannot_remove_last_admin', 'Cannot remove the last active administrator of an organization');
    }
    org.members.delete(userId);
    // Its grants go; the group membership rows stay, hidden by the REST reads (inferred from code).
    org.userBindings = org.userBindings.filter((b) => b.userId !== userId);
    return c.json({ success: true });
  });
}
