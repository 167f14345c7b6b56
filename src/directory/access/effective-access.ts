/**
 * Why a member has the access they have, as a pure function of their organization role, the
 * bindings of their groups and their direct grants.
 *
 * - On each scope the highest built-in role wins: ADMIN > MEMBER > VIEWER.
 * - CUSTOM roles are sets of permissions the bridge cannot rank against the built-in roles, so
 *   they do not compete: every custom role that applies is listed beside the winning built-in
 *   role (the application grants their union).
 * - The organization role ADMIN makes the member ADMIN on the organization scope (and so on
 *   every team and project); it is listed as a source of its own.
 * - An ORGANIZATION-scoped binding covers every team and project, a TEAM-scoped one the team's
 *   projects. The bridge does not know which projects belong to which team, so each scope is
 *   reported as bound, and the application applies that inheritance.
 */
import type { AccessSource, Binding, EffectiveAccess, OrgRole, ScopeType } from './types.js';

const RANK = { ADMIN: 3, MEMBER: 2, VIEWER: 1 } as const;
const SCOPE_ORDER: Record<ScopeType, number> = { ORGANIZATION: 0, TEAM: 1, PROJECT: 2 };

export interface GroupBindings {
  id: string;
  name: string;
  scimSource: string | null;
  bindings: Binding[];
}

export function effectiveAccess(
  organizationId: string,
  organizationRole: OrgRole,
  groups: GroupBindings[],
  directGrants: Binding[],
): EffectiveAccess[] {
  const scopes = new Map<string, { scopeType: ScopeType; scopeId: string; sources: AccessSource[] }>();
  const add = (scopeType: ScopeType, scopeId: string, source: AccessSource) => {
    const key = `${scopeType}\u0000${scopeId}`;
    const entry = scopes.get(key) ?? { scopeType, scopeId, sources: [] };
    entry.sources.push(source);
    scopes.set(key, entry);
  };
  if (organizationRole === 'ADMIN') {
    add('ORGANIZATION', organizationId, { role: 'ADMIN', customRoleId: null, via: 'organizationRole' });
  }
  for (const g of groups) {
    for (const b of g.bindings) {
      add(b.scopeType, b.scopeId, {
        role: b.role,
        customRoleId: b.customRoleId,
        via: 'group',
        bindingId: b.id,
        groupId: g.id,
        groupName: g.name,
        scimSource: g.scimSource,
      });
    }
  }
  for (const b of directGrants) {
    add(b.scopeType, b.scopeId, { role: b.role, customRoleId: b.customRoleId, via: 'direct', bindingId: b.id });
  }

  const rank = (s: AccessSource) => (s.role === 'CUSTOM' ? 0 : RANK[s.role]);
  return [...scopes.values()]
    .map(({ scopeType, scopeId, sources }) => {
      const sorted = [...sources].sort((a, b) => rank(b) - rank(a));
      const best = sorted[0]!;
      return {
        scopeType,
        scopeId,
        role: best.role === 'CUSTOM' ? null : best.role,
        customRoleIds: [...new Set(sources.filter((s) => s.role === 'CUSTOM').map((s) => s.customRoleId!))],
        sources: sorted,
      };
    })
    .sort((a, b) => SCOPE_ORDER[a.scopeType] - SCOPE_ORDER[b.scopeType] || a.scopeId.localeCompare(b.scopeId));
}
