/**
 * Groups → grants → the LangSmith access a member should have (the two mappings are described
 * in index.ts). Pure reading: roles and workspaces come from the Session; the only write is
 * creating a workspace a group names, when the settings allow it.
 */
import { TargetError } from '../errors.js';
import type { DesiredBinding, DesiredGroupRef, DesiredMember } from '../types.js';
import type { Role, Workspace } from './schemas.js';
import { looksLikeId, sameId, type Session } from './session.js';

export interface AccessSettings {
  mapping: 'convention' | 'bindings';
  createWorkspaces: boolean;
  groupPrefix: string;
}

/** Every workspace, for ORGANIZATION-scoped bindings. */
const EVERY = Symbol('every workspace');

export interface Grant {
  /** A workspace display name or id as the group names it, or every workspace. */
  ref: string | typeof EVERY;
  roleId: string;
  rank: number;
  /** The group's creation time (ms), for the convention's precedence. */
  createdAt: number;
  /** The group that gives it, for messages. */
  via: string;
}

export interface GroupGrants {
  /** The group that makes the member an Organization Admin, if any. */
  orgAdminVia: string | null;
  grants: Grant[];
}

export interface Access {
  orgAdmin: boolean;
  /** Workspace id → the workspace role the member should have there. */
  workspaces: Map<string, { roleId: string; via: string }>;
}

const ORG_ADMIN_RE = /^organization admins?$/i;
const ORG_USER_RE = /^organization users?$/i;
/** Binding roles and the LangSmith workspace roles they become. */
const BINDING_ROLE_NAMES = { ADMIN: 'Admin', MEMBER: 'Editor', VIEWER: 'Viewer' } as const;

function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** The grants a set of groups gives, with their roles resolved (an unknown role is a TargetError). */
export async function grantsOf(settings: AccessSettings, groups: DesiredGroupRef[], s: Session): Promise<GroupGrants> {
  const out: GroupGrants = { orgAdminVia: null, grants: [] };
  for (const g of groups) {
    if (settings.mapping === 'convention') await conventionGrants(settings.groupPrefix, g, s, out);
    else await bindingGrants(g, s, out);
  }
  return out;
}

/** `<prefix>Organization Admin(s)` or `<prefix><org role>:<workspace name>:<workspace role>`. */
async function conventionGrants(prefix: string, g: DesiredGroupRef, s: Session, out: GroupGrants): Promise<void> {
  const name = g.name.trim();
  if (!name.startsWith(prefix)) return;
  const rest = name.slice(prefix.length).trim();
  if (ORG_ADMIN_RE.test(rest)) {
    out.orgAdminVia ??= g.name;
    return;
  }
  const parts = rest.split(':');
  if (parts.length < 3) return;
  const orgPart = parts[0]!.trim();
  const isAdmin = ORG_ADMIN_RE.test(orgPart);
  if (!isAdmin && !ORG_USER_RE.test(orgPart)) return;
  const workspace = parts.slice(1, -1).join(':').trim();
  const roleName = parts[parts.length - 1]!.trim();
  if (!workspace || !roleName) {
    throw new TargetError(
      `The group "${g.name}" does not follow LangSmith's naming "${prefix}<org role>:<workspace name>:<workspace role>": the workspace or its role is empty.`,
      false,
      null,
      null,
      'invalid_group_name',
    );
  }
  if (isAdmin) out.orgAdminVia ??= g.name;
  const role = await s.requireRole('workspace', roleName, `, named by the group "${g.name}"`);
  out.grants.push({ ref: workspace, roleId: role.id, rank: await s.rank(role.id), createdAt: timeOf(g.createdAt), via: g.name });
}

async function bindingGrants(g: DesiredGroupRef, s: Session, out: GroupGrants): Promise<void> {
  for (const b of g.bindings) {
    if (b.scopeType === 'ORGANIZATION' && b.role === 'ADMIN') {
      out.orgAdminVia ??= g.name;
      continue;
    }
    const role = await bindingRole(b, g.name, s);
    out.grants.push({
      ref: b.scopeType === 'ORGANIZATION' ? EVERY : b.scopeId,
      roleId: role.id,
      rank: await s.rank(role.id),
      createdAt: timeOf(g.createdAt),
      via: g.name,
    });
  }
}

async function bindingRole(b: DesiredBinding, group: string, s: Session): Promise<Role> {
  if (b.role !== 'CUSTOM')
    return s.requireRole('workspace', BINDING_ROLE_NAMES[b.role], `, for the ${b.role} binding of the group "${group}"`);
  const ref = b.customRoleId ?? '';
  const role = (await s.roles()).find((r) => r.access_scope === 'workspace' && sameId(r.id, ref)) ?? (await s.role('workspace', ref));
  if (role) return role;
  throw new TargetError(
    `The group "${group}" binds the custom role "${ref}", which is not a LangSmith workspace role (by id or display name).`,
    false,
    null,
    null,
    'role_not_found',
  );
}

/**
 * The workspaces the grants name, by ref: found, or created when allowed; every missing one
 * is named in one non-retryable error otherwise.
 */
export async function resolveWorkspaces(settings: AccessSettings, grants: Grant[], s: Session): Promise<Map<string, Workspace>> {
  const byRef = new Map<string, Workspace>();
  const missing: { ref: string; via: string }[] = [];
  const byId = settings.mapping === 'bindings';
  for (const g of grants) {
    if (g.ref === EVERY || byRef.has(g.ref) || missing.some((m) => m.ref === g.ref)) continue;
    const found = await s.findWorkspace(g.ref, byId);
    if (found) byRef.set(g.ref, found);
    else missing.push({ ref: g.ref, via: g.via });
  }
  const refused = missing.filter((m) => !settings.createWorkspaces || looksLikeId(m.ref));
  if (refused.length > 0) {
    const names = refused.map((m) => `"${m.ref}" (named by the group "${m.via}")`).join(', ');
    const why = settings.createWorkspaces
      ? 'an id cannot name a workspace to create'
      : 'the bridge does not create workspaces (TARGET_CREATE_WORKSPACES is off)';
    throw new TargetError(
      `LangSmith has no workspace ${names}, and ${why}. Create the workspace in LangSmith (then retry), fix the group, or let the bridge create workspaces.`,
      false,
      null,
      null,
      'workspace_not_found',
    );
  }
  for (const m of missing) byRef.set(m.ref, await s.createWorkspace(m.ref.trim()));
  return byRef;
}

/** The member's whole LangSmith access, from their org role and their groups. */
export async function desiredAccess(settings: AccessSettings, d: DesiredMember, s: Session): Promise<Access> {
  const { orgAdminVia, grants } = await grantsOf(settings, d.groups, s);
  const resolved = await resolveWorkspaces(settings, grants, s);
  const orgAdmin = d.role === 'ADMIN' || orgAdminVia !== null;
  const workspaces = new Map<string, { roleId: string; via: string }>();
  if (orgAdmin) {
    // Organization Admin first: Admin in every workspace.
    const admin = await s.requireRole('workspace', 'Admin');
    for (const ws of await s.workspaces()) workspaces.set(ws.id, { roleId: admin.id, via: orgAdminVia ?? 'organization role ADMIN' });
    return { orgAdmin, workspaces };
  }
  const byName = (a: Grant, b: Grant) => (a.via < b.via ? 1 : a.via > b.via ? -1 : 0);
  const better =
    settings.mapping === 'convention'
      ? // LangSmith's rule: the most recently created workspace group wins.
        (a: Grant, b: Grant) => a.createdAt - b.createdAt || a.rank - b.rank || byName(a, b)
      : // Bindings: the highest role wins.
        (a: Grant, b: Grant) => a.rank - b.rank || a.createdAt - b.createdAt || byName(a, b);
  const winners = new Map<string, Grant>();
  const all = await s.workspaces();
  for (const g of grants) {
    const targets = g.ref === EVERY ? all : [resolved.get(g.ref)!];
    for (const ws of targets) {
      const cur = winners.get(ws.id);
      if (!cur || better(g, cur) > 0) winners.set(ws.id, g);
    }
  }
  for (const [wsId, g] of winners) workspaces.set(wsId, { roleId: g.roleId, via: g.via });
  return { orgAdmin, workspaces };
}
