/**
 * The LangSmith-style target (../shared/TARGETS.md §B). People become organization members
 * (invited by email with an organization role); groups become workspace memberships and
 * workspace roles. LangSmith has no group object of its own, so the unit of sync is the
 * MEMBER: `syncMember` computes a person's whole LangSmith access from the groups they are in
 * (and their organization role) and makes the organization role and every workspace membership
 * match, reading the actual state back each time, so that a change made in LangSmith behind
 * the bridge's back is repaired and logged as drift. Membership, rename, binding and deletion
 * changes of a group reach LangSmith through the member marks the directory sets for every
 * member the change touches (src/directory/access/marks.ts); `syncGroup` only makes sure the
 * workspaces a group names exist (or says clearly that one does not).
 *
 * Groups map to access in one of two ways (setting `mapping`):
 * - 'convention', LangSmith's own SCIM naming: `<prefix>Organization Admin` or
 *   `<prefix>Organization Admins` makes its members Organization Admins, with Admin in every
 *   workspace; `<prefix><org role>:<workspace name>:<workspace role>` (e.g.
 *   `LS:Organization User:Production:Annotators`) grants that workspace role (a system role or
 *   a custom one, by display name) in that workspace, and the org-role part makes them an
 *   Organization Admin when it says so. A group that does not start with the prefix, or whose
 *   first part is not "Organization User"/"Organization Admin", is not a LangSmith group and is
 *   ignored. Precedence in one workspace: Organization Admin first, then the most recently
 *   created workspace group (as LangSmith does), regardless of which role is higher.
 * - 'bindings', the role bindings set on the group in the admin API: a TEAM or PROJECT binding
 *   whose scopeId is the LangSmith workspace, named by its id OR its display name (the id is
 *   tried first, so a workspace renamed in LangSmith keeps its bindings; the display name lets
 *   an admin write a readable binding and lets the bridge create the workspace); ADMIN →
 *   "Admin", MEMBER → "Editor", VIEWER → "Viewer", CUSTOM → the workspace role whose id (or,
 *   failing that, display name) is customRoleId. The highest role wins per workspace
 *   (Admin > Editor > custom > Viewer; between two custom roles, the most recently created
 *   group). An ORGANIZATION-scoped ADMIN binding makes an Organization Admin; an
 *   ORGANIZATION-scoped MEMBER/VIEWER/CUSTOM binding grants that role in every workspace
 *   (ORGANIZATION means "all teams and projects", TARGETS.md §A).
 * In both modes an org role of ADMIN on the member makes an Organization Admin; an
 * Organization Admin is Admin in every workspace (explicit memberships, so their access is
 * deterministic); everyone else is an Organization User.
 *
 * Workspaces are found by display name (or id, for bindings) in `GET /workspaces`; a missing
 * one is created when `createWorkspaces` is set, else the sync parks with a non-retryable
 * TargetError naming it. The bridge never deletes or renames a workspace: a workspace holds
 * data, and a deleted group only takes away the access it gave.
 *
 * Removal: LangSmith has no disabled state, so a disabled member is removed from the
 * organization (and a pending invite revoked); re-enabled, they are invited again with the
 * access their groups give. A member gone from the directory is removed too. A protected
 * (break-glass) member is never removed, and sync never lowers their access either (it only
 * adds). The bridge only removes people it manages: those it holds a LangSmith id for, invited,
 * or confirmed before; never a LangSmith user it has never touched.
 *
 * Ids: a person has three. The organization identity id (`id` in `/orgs/current/members`) is
 * what the bridge saves as the member's remote id (`/orgs/current/members/{identity_id}`); the
 * `user_id` is what adds them to a workspace; each workspace membership has its own `id`, the
 * only one `/workspaces/current/members/{identity_id}` accepts, read from that workspace's
 * member list every time. An invite's (pending identity's) id is not the member's id: accepting
 * makes a new organization identity, so a pending invite is found again by email, which makes
 * the invite safe against a crash between sending it and saving anything.
 *
 * What the target last applied to a member (organization role, workspace roles) is kept under
 * its own entity type in the target id store (`langsmith-access`): the worker's confirmed state
 * for a member holds only email, role and disabled, and a drift note needs to tell "changed in
 * LangSmith" (differs from what was applied) from "a group changed" (the desired state moved).
 *
 * Every request carries X-API-Key and X-Organization-Id (the TargetHttp's own headers);
 * workspace-scoped ones add X-Tenant-Id. `read_only`, `password` and `full_name` are never sent,
 * and `workspace_role_id` always is (leaving it out grants Admin).
 */
import { fold } from '../scim/fold.js';
import { NotYet, TargetError } from './errors.js';
import type { TargetHttp } from './http.js';
import type { DesiredBinding, DesiredGroup, DesiredGroupRef, DesiredMember, SyncIo, Target } from './types.js';

export interface LangSmithSettings {
  /** How groups become workspace access: LangSmith's naming convention, or the groups' role bindings. */
  mapping: 'convention' | 'bindings';
  /** Create a workspace a group names when LangSmith has none of that name; else park with an error. */
  createWorkspaces: boolean;
  /** The convention's optional prefix (e.g. "LS:"); empty for none. */
  groupPrefix: string;
  /** How long to wait before looking at a pending invite again (default 30 s). */
  inviteWaitMs?: number;
}

const API = '/api/v1';
/** Target-private memory: what this target last applied to a member (see the header). */
const ACCESS = 'langsmith-access';
const INVITE_WAIT_MS = 30_000;

// ---- LangSmith's shapes (only the fields the bridge reads) ---------------------------------

interface LsRole {
  id: string;
  name?: string;
  display_name: string;
  access_scope: 'organization' | 'workspace';
}

interface LsWorkspace {
  id: string;
  display_name: string;
  is_personal?: boolean;
  is_deleted?: boolean;
}

interface LsOrgMember {
  id: string;
  user_id: string;
  email: string;
  role_id?: string | null;
  role_name?: string | null;
  /** The workspaces the member is in, when LangSmith says (used only to skip the others). */
  tenant_ids?: string[];
}

interface LsPending {
  id: string;
  email: string;
}

interface LsWorkspaceMember {
  id: string;
  user_id: string;
  email: string;
  role_id: string;
}

// ---- the access a member should have -------------------------------------------------------

/** Every workspace, for ORGANIZATION-scoped bindings. */
const EVERY = Symbol('every workspace');

interface Grant {
  /** A workspace display name or id as the group names it, or every workspace. */
  ref: string | typeof EVERY;
  roleId: string;
  rank: number;
  /** The group's creation time (ms), for the convention's precedence. */
  createdAt: number;
  /** The group that gives it, for messages. */
  via: string;
}

interface GroupGrants {
  /** The group that makes the member an Organization Admin, if any. */
  orgAdminVia: string | null;
  grants: Grant[];
}

interface Access {
  orgAdmin: boolean;
  /** Workspace id → the workspace role the member should have there. */
  workspaces: Map<string, { roleId: string; via: string }>;
}

interface AccessRecord {
  v: 1;
  /** null while an invite is out and nothing was applied yet. */
  applied: { org: string; ws: Record<string, string> } | null;
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const looksLikeId = (s: string) => UUID_RE.test(s.trim());
/** LangSmith ids are UUIDs: compared without case and hyphens. */
const idKey = (id: string) => id.trim().toLowerCase().replace(/-/g, '');
const sameId = (a: string | null | undefined, b: string | null | undefined) =>
  a !== null && a !== undefined && b !== null && b !== undefined && idKey(a) === idKey(b);
const enc = encodeURIComponent;
const tenant = (workspaceId: string) => ({ 'X-Tenant-Id': workspaceId });
const ORG_ADMIN_RE = /^organization admins?$/i;
const ORG_USER_RE = /^organization users?$/i;

/** Binding roles and the LangSmith workspace roles they become. */
const BINDING_ROLE_NAMES = { ADMIN: 'Admin', MEMBER: 'Editor', VIEWER: 'Viewer' } as const;

function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * What LangSmith looks like during one sync: roles and workspaces are read once per sync (and
 * the workspace list updated when the bridge creates one).
 */
class Session {
  private rolesP: Promise<LsRole[]> | undefined;
  private workspacesP: Promise<LsWorkspace[]> | undefined;

  constructor(readonly http: TargetHttp) {}

  roles(): Promise<LsRole[]> {
    return (this.rolesP ??= this.http.request<LsRole[]>('GET', `${API}/orgs/current/roles`).then((r) => (Array.isArray(r.body) ? r.body : [])));
  }

  async role(scope: LsRole['access_scope'], displayName: string): Promise<LsRole | undefined> {
    const roles = (await this.roles()).filter((r) => r.access_scope === scope);
    const name = displayName.trim();
    return roles.find((r) => r.display_name === name) ?? roles.find((r) => r.display_name.toLowerCase() === name.toLowerCase());
  }

  async requireRole(scope: LsRole['access_scope'], displayName: string, why = ''): Promise<LsRole> {
    const role = await this.role(scope, displayName);
    if (role) return role;
    const known = (await this.roles()).filter((r) => r.access_scope === scope).map((r) => `"${r.display_name}"`);
    throw new TargetError(
      `LangSmith has no ${scope} role "${displayName}"${why} (it has ${known.join(', ') || 'none'}).`,
      false,
      null,
      null,
      'role_not_found',
    );
  }

  async roleById(id: string | null | undefined): Promise<LsRole | undefined> {
    if (!id) return undefined;
    return (await this.roles()).find((r) => sameId(r.id, id));
  }

  /** Admin > Editor > custom roles > Viewer. */
  async rank(roleId: string | null | undefined): Promise<number> {
    if (!roleId) return 0;
    const role = await this.roleById(roleId);
    switch (role?.display_name) {
      case 'Admin':
        return 4;
      case 'Editor':
        return 3;
      case 'Viewer':
        return 1;
      default:
        return 2;
    }
  }

  async roleLabel(roleId: string | null): Promise<string> {
    if (!roleId) return 'none';
    return (await this.roleById(roleId))?.display_name ?? roleId;
  }

  workspaces(): Promise<LsWorkspace[]> {
    return (this.workspacesP ??= this.http.request<LsWorkspace[] | { workspaces?: LsWorkspace[] }>('GET', `${API}/workspaces`).then((r) => {
      const list = Array.isArray(r.body) ? r.body : (r.body?.workspaces ?? []);
      return list.filter((w) => !w.is_deleted && !w.is_personal);
    }));
  }

  /** A workspace by id (when `byId`), else by display name (exact, then without case); the oldest wins. */
  async findWorkspace(ref: string, byId: boolean): Promise<LsWorkspace | undefined> {
    const list = await this.workspaces();
    const r = ref.trim();
    return (
      (byId ? list.find((w) => sameId(w.id, r)) : undefined) ??
      list.find((w) => w.display_name === r) ??
      list.find((w) => w.display_name.toLowerCase() === r.toLowerCase())
    );
  }

  async createWorkspace(displayName: string): Promise<LsWorkspace> {
    const res = await this.http.request<LsWorkspace>('POST', `${API}/workspaces`, { body: { display_name: displayName } });
    const list = await this.workspaces();
    list.push(res.body);
    return res.body;
  }

  async orgMembers(): Promise<{ members: LsOrgMember[]; pending: LsPending[] }> {
    const res = await this.http.request<{ members?: LsOrgMember[]; pending?: LsPending[] }>('GET', `${API}/orgs/current/members`);
    return { members: res.body?.members ?? [], pending: res.body?.pending ?? [] };
  }
}

export class LangSmithTarget implements Target {
  readonly kind = 'langsmith' as const;
  private readonly inviteWaitMs: number;

  constructor(private readonly settings: LangSmithSettings) {
    this.inviteWaitMs = settings.inviteWaitMs ?? INVITE_WAIT_MS;
  }

  async checkCredentials(http: TargetHttp): Promise<void> {
    await http.request('GET', `${API}/orgs/current/roles`);
  }

  // ---- groups → grants ---------------------------------------------------------------------

  /** The grants a set of groups gives, with their roles resolved (an unknown role is a TargetError). */
  private async grantsOf(groups: DesiredGroupRef[], s: Session): Promise<GroupGrants> {
    const out: GroupGrants = { orgAdminVia: null, grants: [] };
    for (const g of groups) {
      if (this.settings.mapping === 'convention') await this.conventionGrants(g, s, out);
      else await this.bindingGrants(g, s, out);
    }
    return out;
  }

  /** `<prefix>Organization Admin(s)` or `<prefix><org role>:<workspace name>:<workspace role>`. */
  private async conventionGrants(g: DesiredGroupRef, s: Session, out: GroupGrants): Promise<void> {
    const name = g.name.trim();
    const prefix = this.settings.groupPrefix;
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

  private async bindingGrants(g: DesiredGroupRef, s: Session, out: GroupGrants): Promise<void> {
    for (const b of g.bindings) {
      if (b.scopeType === 'ORGANIZATION' && b.role === 'ADMIN') {
        out.orgAdminVia ??= g.name;
        continue;
      }
      const role = await this.bindingRole(b, g.name, s);
      out.grants.push({
        ref: b.scopeType === 'ORGANIZATION' ? EVERY : b.scopeId,
        roleId: role.id,
        rank: await s.rank(role.id),
        createdAt: timeOf(g.createdAt),
        via: g.name,
      });
    }
  }

  private async bindingRole(b: DesiredBinding, group: string, s: Session): Promise<LsRole> {
    if (b.role !== 'CUSTOM') return s.requireRole('workspace', BINDING_ROLE_NAMES[b.role], `, for the ${b.role} binding of the group "${group}"`);
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
  private async resolveWorkspaces(grants: Grant[], s: Session): Promise<Map<string, LsWorkspace>> {
    const byRef = new Map<string, LsWorkspace>();
    const missing: { ref: string; via: string }[] = [];
    const byId = this.settings.mapping === 'bindings';
    for (const g of grants) {
      if (g.ref === EVERY || byRef.has(g.ref) || missing.some((m) => m.ref === g.ref)) continue;
      const found = await s.findWorkspace(g.ref, byId);
      if (found) byRef.set(g.ref, found);
      else missing.push({ ref: g.ref, via: g.via });
    }
    const refused = missing.filter((m) => !this.settings.createWorkspaces || looksLikeId(m.ref));
    if (refused.length > 0) {
      const names = refused.map((m) => `"${m.ref}" (named by the group "${m.via}")`).join(', ');
      const why = this.settings.createWorkspaces
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
  private async desiredAccess(d: DesiredMember, s: Session): Promise<Access> {
    const { orgAdminVia, grants } = await this.grantsOf(d.groups, s);
    const resolved = await this.resolveWorkspaces(grants, s);
    const orgAdmin = d.role === 'ADMIN' || orgAdminVia !== null;
    const workspaces = new Map<string, { roleId: string; via: string }>();
    if (orgAdmin) {
      // Organization Admin first: Admin in every workspace.
      const admin = await s.requireRole('workspace', 'Admin');
      for (const ws of await s.workspaces()) workspaces.set(ws.id, { roleId: admin.id, via: orgAdminVia ?? 'organization role ADMIN' });
      return { orgAdmin, workspaces };
    }
    const better =
      this.settings.mapping === 'convention'
        ? // LangSmith's rule: the most recently created workspace group wins.
          (a: Grant, b: Grant) => a.createdAt - b.createdAt || a.rank - b.rank || (a.via < b.via ? 1 : a.via > b.via ? -1 : 0)
        : // Bindings: the highest role wins.
          (a: Grant, b: Grant) => a.rank - b.rank || a.createdAt - b.createdAt || (a.via < b.via ? 1 : a.via > b.via ? -1 : 0);
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

  // ---- members -----------------------------------------------------------------------------

  async syncMember(d: DesiredMember, io: SyncIo): Promise<void> {
    const s = new Session(io.http);
    // A protected (break-glass) account keeps its access whatever the directory says.
    const active = d.exists && (!d.disabled || d.protected);
    if (!active) {
      if (!d.protected) await this.removeMember(d, io, s);
      return;
    }
    // Access first: a missing workspace or an unknown role stops the sync before any invite.
    const access = await this.desiredAccess(d, s);
    const member = await this.ensureMember(d, io, s, access);
    await this.reconcile(d, io, s, member, access);
  }

  private loadRecord(io: SyncIo, memberId: string): AccessRecord | null {
    const raw = io.remoteId(ACCESS, memberId);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as AccessRecord;
      return parsed && parsed.v === 1 ? parsed : null;
    } catch {
      return null;
    }
  }

  private saveRecord(io: SyncIo, memberId: string, applied: AccessRecord['applied']): void {
    io.saveRemoteId(ACCESS, memberId, JSON.stringify({ v: 1, applied } satisfies AccessRecord));
  }

  /** Someone in LangSmith this local member may take: not mapped to another local member. */
  private mine(io: SyncIo, identityId: string, memberId: string): boolean {
    const owner = io.localIdOf('member', identityId);
    return owner === null || owner === memberId;
  }

  /** The member's organization identity, inviting them when they are not in LangSmith yet. */
  private async ensureMember(d: DesiredMember, io: SyncIo, s: Session, access: Access): Promise<LsOrgMember> {
    const known = io.remoteId('member', d.memberId);
    let { members, pending } = await s.orgMembers();
    if (known) {
      const m = members.find((x) => sameId(x.id, known));
      if (m) return m;
      // Removed in LangSmith behind the bridge's back: invite them again (below).
      io.forgetRemoteId('member', d.memberId);
      this.saveRecord(io, d.memberId, null);
      io.drift(`${d.email} was removed from the LangSmith organization behind the bridge's back; inviting them again.`);
    }
    const key = fold(d.email.trim());
    const adopt = (list: LsOrgMember[]) => {
      const m = list.find((x) => fold(x.email) === key);
      if (!m) return null;
      if (!this.mine(io, m.id, d.memberId)) {
        throw new TargetError(
          `${d.email} is in LangSmith as ${m.id}, which the bridge maps to another member (${io.localIdOf('member', m.id)}).`,
          false,
          null,
          null,
          'identity_claimed',
        );
      }
      // Found (a crash after the invite, an invite accepted, or someone added by hand): keep the id now.
      io.saveRemoteId('member', d.memberId, m.id);
      return m;
    };
    const found = adopt(members);
    if (found) return found;

    let invite = pending.find((p) => fold(p.email) === key);
    if (!invite) {
      // Remember that the bridge invited this person before it does, so that a removal can
      // always find the invite again, even after a crash that saved nothing else.
      if (!this.loadRecord(io, d.memberId)) this.saveRecord(io, d.memberId, null);
      const res = await io.http.request<LsPending>('POST', `${API}/orgs/current/members`, {
        body: await this.inviteBody(d, s, access),
        // 409: already a member or already invited (a concurrent add): look again.
        expect: [409],
      });
      ({ members, pending } = await s.orgMembers());
      const joined = adopt(members);
      if (joined) return joined;
      invite = pending.find((p) => fold(p.email) === key) ?? (res.status === 409 ? undefined : res.body);
    }
    throw new NotYet(`${d.email} is invited to LangSmith${invite ? ` (invite ${invite.id})` : ''}; waiting for them to accept.`, this.inviteWaitMs);
  }

  /**
   * The invite: the organization role, and the largest set of workspaces that share one role
   * (an invite carries one workspace role); the other workspaces are added once they accept.
   * `workspace_role_id` is always sent: without it LangSmith grants Admin.
   */
  private async inviteBody(d: DesiredMember, s: Session, access: Access): Promise<Record<string, unknown>> {
    const orgRole = await s.requireRole('organization', access.orgAdmin ? 'Organization Admin' : 'Organization User');
    const byRole = new Map<string, string[]>();
    for (const [wsId, w] of access.workspaces) byRole.set(w.roleId, [...(byRole.get(w.roleId) ?? []), wsId]);
    let roleId: string | null = null;
    let ids: string[] = [];
    for (const [rid, list] of byRole) {
      if (list.length > ids.length || (list.length === ids.length && (await s.rank(rid)) < (await s.rank(roleId)))) {
        roleId = rid;
        ids = list;
      }
    }
    roleId ??= (await s.requireRole('workspace', 'Viewer')).id;
    return { email: d.email.trim(), role_id: orgRole.id, workspace_ids: ids, workspace_role_id: roleId };
  }

  /** Makes the organization role and every workspace membership match; logs what was changed behind the bridge's back. */
  private async reconcile(d: DesiredMember, io: SyncIo, s: Session, member: LsOrgMember, access: Access): Promise<void> {
    const last = this.loadRecord(io, d.memberId)?.applied ?? null;
    const repairs: string[] = [];
    // A difference from what the bridge last applied was made in LangSmith: drift.
    const note = async (what: string, lastRole: string | null | undefined, had: string | null, want: string | null) => {
      const unchanged = (lastRole ?? null) === null ? had === null : sameId(lastRole, had);
      if (last && !unchanged) {
        repairs.push(`${what}: ${await s.roleLabel(had)} → ${await s.roleLabel(want)}`);
      }
    };
    try {
      // Organization role.
      const orgAdmin = await s.requireRole('organization', 'Organization Admin');
      const orgUser = await s.requireRole('organization', 'Organization User');
      const hadOrg = member.role_id ?? (member.role_name ? ((await s.role('organization', member.role_name))?.id ?? null) : null);
      let wantOrg = access.orgAdmin ? orgAdmin.id : orgUser.id;
      if (d.protected && sameId(hadOrg, orgAdmin.id)) wantOrg = orgAdmin.id;
      if (!sameId(hadOrg, wantOrg)) {
        await io.http.request('PATCH', `${API}/orgs/current/members/${enc(member.id)}`, { body: { role_id: wantOrg } });
        await note('organization role', last?.org, hadOrg, wantOrg);
      }

      // Workspaces: those the member should be in, and those they are in (when LangSmith says
      // which; else every workspace is looked at).
      const all = await s.workspaces();
      const inspect = Array.isArray(member.tenant_ids)
        ? all.filter((w) => access.workspaces.has(w.id) || member.tenant_ids!.some((t) => sameId(t, w.id)))
        : all;
      const applied: Record<string, string> = {};
      for (const ws of inspect) {
        const have = await this.membershipIn(io, ws.id, member);
        const had = have?.role_id ?? null;
        let want = access.workspaces.get(ws.id)?.roleId ?? null;
        // Sync never lowers a protected member's access.
        if (d.protected && had !== null && (want === null || (await s.rank(want)) < (await s.rank(had)))) want = had;
        if (!sameId(had, want)) {
          if (want === null) {
            await io.http.request('DELETE', `${API}/workspaces/current/members/${enc(have!.id)}`, { headers: tenant(ws.id), expect: [404] });
          } else if (have) {
            await io.http.request('PATCH', `${API}/workspaces/current/members/${enc(have.id)}`, { headers: tenant(ws.id), body: { role_id: want } });
          } else {
            await this.addToWorkspace(io, ws.id, member, want);
          }
          await note(`workspace "${ws.display_name}"`, last?.ws[ws.id], had, want);
        }
        if (want !== null) applied[ws.id] = want;
      }
      this.saveRecord(io, d.memberId, { org: wantOrg, ws: applied });
    } finally {
      if (repairs.length > 0) io.drift(`LangSmith access of ${d.email} was changed behind the bridge's back; repaired ${repairs.join('; ')}.`);
    }
  }

  /** The member's membership of one workspace (its own id and role), or null. */
  private async membershipIn(io: SyncIo, workspaceId: string, member: LsOrgMember): Promise<LsWorkspaceMember | null> {
    const res = await io.http.request<{ members?: LsWorkspaceMember[] }>('GET', `${API}/workspaces/current/members`, { headers: tenant(workspaceId) });
    const list = res.body?.members ?? [];
    return list.find((m) => sameId(m.user_id, member.user_id)) ?? list.find((m) => fold(m.email) === fold(member.email)) ?? null;
  }

  private async addToWorkspace(io: SyncIo, workspaceId: string, member: LsOrgMember, roleId: string): Promise<void> {
    const res = await io.http.request('POST', `${API}/workspaces/current/members`, {
      headers: tenant(workspaceId),
      body: { user_id: member.user_id, workspace_ids: [workspaceId], workspace_role_id: roleId },
      expect: [409],
    });
    if (res.status !== 409) return;
    // Added meanwhile (a concurrent sync or a person): set the role on the membership that is there.
    const have = await this.membershipIn(io, workspaceId, member);
    if (have && !sameId(have.role_id, roleId)) {
      await io.http.request('PATCH', `${API}/workspaces/current/members/${enc(have.id)}`, { headers: tenant(workspaceId), body: { role_id: roleId } });
    }
  }

  /**
   * Disabled or gone: out of the organization (LangSmith has no disabled state), and any
   * pending invite revoked, for a person the bridge manages (see the header).
   */
  private async removeMember(d: DesiredMember, io: SyncIo, s: Session): Promise<void> {
    const known = io.remoteId('member', d.memberId);
    const managed = known !== null || io.remoteId(ACCESS, d.memberId) !== null || io.confirmed() !== null;
    if (!managed) return;
    const { members, pending } = await s.orgMembers();
    const key = d.email ? fold(d.email.trim()) : null;
    const target =
      (known ? members.find((m) => sameId(m.id, known)) : undefined) ??
      (key ? members.find((m) => fold(m.email) === key && this.mine(io, m.id, d.memberId)) : undefined);
    if (target) await io.http.request('DELETE', `${API}/orgs/current/members/${enc(target.id)}`, { expect: [404] });
    for (const p of key ? pending.filter((x) => fold(x.email) === key) : []) {
      await io.http.request('DELETE', `${API}/orgs/current/members/${enc(p.id)}/pending`, { expect: [404] });
    }
    io.forgetRemoteId('member', d.memberId);
    io.forgetRemoteId(ACCESS, d.memberId);
  }

  // ---- groups ------------------------------------------------------------------------------

  /**
   * LangSmith has no group object: what a group gives reaches LangSmith through its members'
   * syncs (the directory marks every member a group change touches). Here the group's own
   * prerequisites are checked: the roles it names exist, and the workspaces it names exist
   * (created when allowed; else a non-retryable error naming them, on the group as well as on
   * its members). A deleted group needs nothing: its workspaces stay (they hold data).
   */
  async syncGroup(d: DesiredGroup, io: SyncIo): Promise<void> {
    if (!d.exists) return;
    const s = new Session(io.http);
    const { grants } = await this.grantsOf([{ groupId: d.groupId, name: d.name, createdAt: '', bindings: d.bindings }], s);
    await this.resolveWorkspaces(grants, s);
  }
}
