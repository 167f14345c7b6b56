/**
 * The in-memory model behind the LangSmith stand-in (TARGETS.md §B): organizations found by API
 * key, their workspaces, roles, organization identities (members), workspace identities
 * (workspace memberships) and pending identities (invites not yet accepted).
 *
 * How LangSmith keeps people, and so how this model does:
 * - a *user* is global (one per email address): `ls_user_id` (LangSmith's own user id) and
 *   `user_id` (the login provider's user id) are the same in every organization;
 * - an *organization identity* ties a user to an organization with an organization role; its
 *   `id` is the `identity_id` of `/api/v1/orgs/current/members/{identity_id}`;
 * - a *workspace identity* ties a user to a workspace with a workspace role. It has its own id,
 *   different from the organization identity's: `/api/v1/workspaces/current/members/{identity_id}`
 *   takes that one (LangSmith keeps one identity row per organization and per workspace);
 * - a *pending identity* is an invite (`POST /api/v1/orgs/current/members`). It has no user
 *   until it is accepted; accepting creates the organization identity (a new id) and the
 *   workspace identities the invite named.
 *
 * Every operation is synchronous, so two concurrent requests can never both pass a guard rail
 * (the last Organization Admin, the seat limit). Operations refuse with `LangSmithError`
 * (status + FastAPI-style detail); routes only parse, call and render.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export class LangSmithError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'LangSmithError';
  }
}

// ---- the model -----------------------------------------------------------------------------

export type AccessScope = 'organization' | 'workspace';

export interface Role {
  id: string;
  /** ORGANIZATION_ADMIN, ..., WORKSPACE_VIEWER for system roles; CUSTOM for custom ones. */
  name: string;
  display_name: string;
  description: string;
  access_scope: AccessScope;
  /** null for system roles (shared by every organization). */
  organization_id: string | null;
  permissions: string[];
}

export interface OrgSettings {
  /** Active members plus pending invites may not exceed it; null is unlimited. */
  seatLimit: number | null;
  /** true: an invite is accepted the moment it is created (as the LangWatch stand-in). */
  autoAcceptInvites: boolean;
}

export const DEFAULT_SETTINGS: OrgSettings = { seatLimit: null, autoAcceptInvites: true };

export interface User {
  /** LangSmith's user id (`ls_user_id`). */
  id: string;
  /** The login provider's user id (`user_id`): what `POST /workspaces/current/members` takes. */
  authUserId: string;
  email: string;
  fullName: string | null;
  createdAt: string;
}

export interface OrgIdentity {
  id: string;
  userId: string;
  roleId: string;
  createdAt: string;
}

export interface WorkspaceIdentity {
  id: string;
  userId: string;
  workspaceId: string;
  /** The organization identity this one hangs from. */
  parentId: string;
  roleId: string;
  createdAt: string;
}

export interface PendingIdentity {
  id: string;
  email: string;
  roleId: string;
  workspaceIds: string[];
  /** The workspace role the invitee gets in every workspace of `workspaceIds`. */
  workspaceRoleId: string;
  createdAt: string;
}

export interface Workspace {
  id: string;
  displayName: string;
  createdAt: string;
  /** Workspace identity id → identity, in insertion order. */
  members: Map<string, WorkspaceIdentity>;
}

export interface ApiKey {
  key: string;
  /** The organization identity the personal access token belongs to. */
  identityId: string;
  createdAt: string;
}

export interface Organization {
  id: string;
  displayName: string;
  createdAt: string;
  settings: OrgSettings;
  keys: Map<string, ApiKey>;
  customRoles: Role[];
  workspaces: Map<string, Workspace>;
  /** Organization identity id → identity. */
  members: Map<string, OrgIdentity>;
  pending: Map<string, PendingIdentity>;
}

// ---- inputs --------------------------------------------------------------------------------

/** A role named by id, by `display_name` or by `name` (control API and seeding only). */
export type RoleRef = string;

export interface SeedMemberInput {
  email: string;
  fullName?: string | null | undefined;
  /** Organization role; default "Organization User". */
  role?: RoleRef | undefined;
  /** Workspaces by id or display name, each with a workspace role (default "Admin"). */
  workspaces?: { workspace: string; role?: RoleRef | undefined }[] | undefined;
}

/** Control API inputs are camelCase, as the LangWatch stand-in's; the application API is snake_case. */
export interface OrganizationInput {
  id?: string | undefined;
  displayName?: string | undefined;
  admin?:
    | {
        email?: string | undefined;
        fullName?: string | undefined;
        /** Pinned ids (a reset rebuilds the admin with the ids it had). */
        identityId?: string | undefined;
        userId?: string | undefined;
        lsUserId?: string | undefined;
      }
    | undefined;
  /** A personal access token for the admin; made up (`lsv2_pt_...`) when absent. */
  apiKey?: string | undefined;
  /** Workspaces to create; default one, "Default". The admin is Admin in each. */
  workspaces?: ({ id?: string | undefined; displayName: string } | string)[] | undefined;
  members?: SeedMemberInput[] | undefined;
  settings?: Partial<OrgSettings> | undefined;
}

export interface CustomRoleInput {
  organizationId?: string | undefined;
  id?: string | undefined;
  displayName: string;
  description?: string | undefined;
  accessScope?: AccessScope | undefined;
  permissions?: string[] | undefined;
}

export interface InviteInput {
  email: string;
  role_id?: string | undefined;
  workspace_ids?: string[] | undefined;
  workspace_role_id?: string | undefined;
}

export interface WorkspaceMemberInput {
  user_id: string;
  workspace_ids?: string[] | undefined;
  workspace_role_id?: string | undefined;
}

/** What a new organization hands back: everything a client needs to talk to it. */
export interface SeededOrganization {
  organizationId: string;
  displayName: string;
  apiKey: string;
  admin: { identityId: string; userId: string; lsUserId: string; email: string };
  workspaces: { id: string; displayName: string }[];
  settings: OrgSettings;
}

// ---- helpers -------------------------------------------------------------------------------

interface PinnedIds {
  identityId?: string | undefined;
  userId?: string | undefined;
  lsUserId?: string | undefined;
}

const now = () => new Date().toISOString();
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const normEmail = (email: string) => email.trim().toLowerCase();
/** LangSmith ids are UUIDs; they are compared lower-case, as a UUID type would. */
export const normId = (id: string) => id.trim().toLowerCase();

/** The shape of a LangSmith personal access token: `lsv2_pt_<32 hex>_<10 hex>`. */
export function newApiKey(): string {
  return `lsv2_pt_${hex(16)}_${hex(5)}`;
}

const SYSTEM_ROLE_SPECS: Omit<Role, 'id' | 'organization_id'>[] = [
  {
    name: 'ORGANIZATION_ADMIN',
    display_name: 'Organization Admin',
    description: 'Full access to the organization, its members, its settings and every workspace.',
    access_scope: 'organization',
    permissions: ['organization:manage', 'organization:read', 'workspaces:manage', 'workspaces:read'],
  },
  {
    name: 'ORGANIZATION_USER',
    display_name: 'Organization User',
    description: 'Reads the organization; reaches the workspaces they are a member of.',
    access_scope: 'organization',
    permissions: ['organization:read'],
  },
  {
    name: 'WORKSPACE_ADMIN',
    display_name: 'Admin',
    description: 'Full access to the workspace, including its members and settings.',
    access_scope: 'workspace',
    permissions: ['workspaces:manage', 'workspaces:read', 'projects:create', 'projects:read', 'projects:update', 'projects:delete'],
  },
  {
    name: 'WORKSPACE_USER',
    display_name: 'Editor',
    description: 'Creates and edits the resources of the workspace.',
    access_scope: 'workspace',
    permissions: ['workspaces:read', 'projects:create', 'projects:read', 'projects:update'],
  },
  {
    name: 'WORKSPACE_VIEWER',
    display_name: 'Viewer',
    description: 'Reads the resources of the workspace.',
    access_scope: 'workspace',
    permissions: ['workspaces:read', 'projects:read'],
  },
];

// ---- the state -----------------------------------------------------------------------------

export interface LangSmithStateOptions {
  /** Settings every new organization starts with (each field defaults to DEFAULT_SETTINGS). */
  settings?: Partial<OrgSettings> | undefined;
}

export class LangSmithState {
  readonly organizations = new Map<string, Organization>();
  /** People are global: the same address in two organizations is one user. */
  readonly users = new Map<string, User>();
  private readonly usersByEmail = new Map<string, string>();
  /** API key → organization id. */
  private readonly keyIndex = new Map<string, string>();
  /** System roles: made once per stand-in, so their ids survive a reset. */
  readonly systemRoles: Role[] = SYSTEM_ROLE_SPECS.map((spec) => ({ ...spec, id: randomUUID(), organization_id: null }));
  private defaultSettings: OrgSettings;
  private readonly initialDefaults: OrgSettings;
  /** The organizations to rebuild on reset, with every id and key they were given. */
  private initialOrgs: OrganizationInput[] = [];

  constructor(opts: LangSmithStateOptions = {}) {
    this.defaultSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
    this.initialDefaults = { ...this.defaultSettings };
  }

  systemRole(name: 'ORGANIZATION_ADMIN' | 'ORGANIZATION_USER' | 'WORKSPACE_ADMIN' | 'WORKSPACE_USER' | 'WORKSPACE_VIEWER'): Role {
    return this.systemRoles.find((r) => r.name === name)!;
  }

  // ---- organizations, keys, seeding (control API) ---------------------------------------------

  /**
   * Creates an organization with an Organization Admin, a personal access token for them and
   * its workspaces. With `initial: true` it comes back, with the same ids and key, after reset.
   */
  createOrganization(input: OrganizationInput = {}, opts: { initial?: boolean } = {}): SeededOrganization {
    const id = normId(input.id ?? randomUUID());
    if (this.organizations.has(id)) throw new LangSmithError(409, `Organization ${id} already exists`);
    if (input.apiKey !== undefined && this.keyIndex.has(input.apiKey)) {
      throw new LangSmithError(409, 'That API key is already in use');
    }
    const org: Organization = {
      id,
      displayName: input.displayName ?? 'Acme',
      createdAt: now(),
      settings: { ...this.defaultSettings, ...input.settings },
      keys: new Map(),
      customRoles: [],
      workspaces: new Map(),
      members: new Map(),
      pending: new Map(),
    };
    this.organizations.set(id, org);

    const adminEmail = input.admin?.email ?? `admin@${slug(org.displayName)}.test`;
    const admin = this.addOrgIdentity(org, adminEmail, this.systemRole('ORGANIZATION_ADMIN').id, input.admin?.fullName ?? 'Admin', {
      identityId: input.admin?.identityId,
      userId: input.admin?.userId,
      lsUserId: input.admin?.lsUserId,
    });
    const apiKey = this.createApiKey(id, admin.id, input.apiKey);
    const workspaceSpecs = input.workspaces ?? ['Default'];
    for (const spec of workspaceSpecs) {
      const ws = typeof spec === 'string' ? { displayName: spec } : spec;
      this.createWorkspace(org, admin.id, ws.displayName, ws.id);
    }
    for (const m of input.members ?? []) this.seedMember(org, m);

    if (opts.initial) {
      // Pin every generated id so a reset rebuilds the very same organization.
      this.initialOrgs.push({
        ...input,
        id,
        apiKey: apiKey.key,
        admin: {
          email: adminEmail,
          fullName: input.admin?.fullName ?? 'Admin',
          identityId: admin.id,
          userId: this.users.get(admin.userId)!.authUserId,
          lsUserId: admin.userId,
        },
        workspaces: [...org.workspaces.values()].map((w) => ({ id: w.id, displayName: w.displayName })),
      });
    }
    return this.describeSeed(org, admin, apiKey.key);
  }

  /** Back to how the state began: the initial organizations (same ids and key), nothing else. */
  reset(): SeededOrganization[] {
    this.organizations.clear();
    this.users.clear();
    this.usersByEmail.clear();
    this.keyIndex.clear();
    this.defaultSettings = { ...this.initialDefaults };
    const specs = this.initialOrgs;
    this.initialOrgs = [];
    return specs.map((spec) => this.createOrganization(spec, { initial: true }));
  }

  /** A personal access token for an organization identity (an admin's, unless said otherwise). */
  createApiKey(organizationId: string, identityId: string, key?: string): ApiKey {
    const org = this.requireOrg(organizationId);
    const identity = org.members.get(normId(identityId));
    if (!identity) throw new LangSmithError(404, `Organization member ${identityId} not found`);
    const token = key ?? newApiKey();
    if (this.keyIndex.has(token)) throw new LangSmithError(409, 'That API key is already in use');
    const apiKey: ApiKey = { key: token, identityId: identity.id, createdAt: now() };
    org.keys.set(token, apiKey);
    this.keyIndex.set(token, org.id);
    return apiKey;
  }

  addCustomRole(input: CustomRoleInput): Role {
    const org = this.requireOrg(input.organizationId ?? this.defaultOrgId());
    const id = normId(input.id ?? randomUUID());
    if (this.findRole(org, id)) throw new LangSmithError(409, `Role ${id} already exists`);
    const scope = input.accessScope ?? 'workspace';
    if (this.rolesOf(org).some((r) => r.access_scope === scope && r.display_name === input.displayName)) {
      throw new LangSmithError(409, `A ${scope} role named ${input.displayName} already exists`);
    }
    const role: Role = {
      id,
      name: 'CUSTOM',
      display_name: input.displayName,
      description: input.description ?? '',
      access_scope: scope,
      organization_id: org.id,
      permissions: input.permissions ?? (scope === 'workspace' ? ['workspaces:read', 'projects:read'] : ['organization:read']),
    };
    org.customRoles.push(role);
    return role;
  }

  updateSettings(organizationId: string | undefined, patch: Partial<OrgSettings>): OrgSettings | Record<string, OrgSettings> {
    if (organizationId !== undefined) {
      const org = this.requireOrg(organizationId);
      org.settings = { ...org.settings, ...patch };
      return { ...org.settings };
    }
    // No organization named: every organization, and those created later.
    this.defaultSettings = { ...this.defaultSettings, ...patch };
    const all: Record<string, OrgSettings> = {};
    for (const org of this.organizations.values()) {
      org.settings = { ...org.settings, ...patch };
      all[org.id] = { ...org.settings };
    }
    return all;
  }

  /** What the invitee does by following the invite: they become a member with its workspaces. */
  acceptInvite(pendingId: string): { organization: Organization; identity: OrgIdentity } {
    const id = normId(pendingId);
    for (const org of this.organizations.values()) {
      if (org.pending.has(id)) return { organization: org, identity: this.accept(org, id) };
    }
    throw new LangSmithError(404, `Pending identity ${pendingId} not found`);
  }

  defaultOrgId(): string {
    const first = this.organizations.keys().next();
    if (first.done) throw new LangSmithError(404, 'There is no organization; create one with POST /_fake/organizations');
    return first.value;
  }

  requireOrg(organizationId: string): Organization {
    const org = this.organizations.get(normId(organizationId));
    if (!org) throw new LangSmithError(404, `Organization ${organizationId} not found`);
    return org;
  }

  // ---- authentication --------------------------------------------------------------------------

  /** The organization and identity a key acts as, or null for an unknown key. */
  authenticate(key: string): { organization: Organization; apiKey: ApiKey } | null {
    const orgId = this.keyIndex.get(key);
    const org = orgId === undefined ? undefined : this.organizations.get(orgId);
    const apiKey = org?.keys.get(key);
    return org && apiKey ? { organization: org, apiKey } : null;
  }

  /** The key owner's organization identity, or null once they have left the organization. */
  keyOwner(org: Organization, apiKey: ApiKey): OrgIdentity | null {
    return org.members.get(apiKey.identityId) ?? null;
  }

  isOrgAdmin(org: Organization, identity: OrgIdentity): boolean {
    return identity.roleId === this.systemRole('ORGANIZATION_ADMIN').id;
  }

  isWorkspaceAdmin(ws: Workspace, identity: OrgIdentity): boolean {
    const admin = this.systemRole('WORKSPACE_ADMIN').id;
    return [...ws.members.values()].some((m) => m.parentId === identity.id && m.roleId === admin);
  }

  // ---- roles -----------------------------------------------------------------------------------

  rolesOf(org: Organization): Role[] {
    return [...this.systemRoles, ...org.customRoles];
  }

  findRole(org: Organization, roleId: string): Role | undefined {
    const id = normId(roleId);
    return this.rolesOf(org).find((r) => r.id === id);
  }

  /** A role by id, display name or name (control API and seeding). */
  resolveRoleRef(org: Organization, ref: RoleRef, scope: AccessScope): Role {
    const roles = this.rolesOf(org).filter((r) => r.access_scope === scope);
    const role =
      roles.find((r) => r.id === normId(ref)) ??
      roles.find((r) => r.display_name === ref) ??
      roles.find((r) => r.name === ref && r.name !== 'CUSTOM');
    if (!role) throw new LangSmithError(400, `No ${scope} role ${ref}`);
    return role;
  }

  /** A role id from a request body, checked against the scope the field needs. */
  private requireRole(org: Organization, roleId: string, scope: AccessScope, field: string): Role {
    const role = this.findRole(org, roleId);
    if (!role) throw new LangSmithError(400, `Role ${roleId} not found`);
    if (role.access_scope !== scope) {
      throw new LangSmithError(
        400,
        `${field} must be a role with access_scope "${scope}"; ${role.display_name} (${role.id}) has access_scope "${role.access_scope}"`,
      );
    }
    return role;
  }

  // ---- workspaces ----------------------------------------------------------------------------

  listWorkspaces(org: Organization): Workspace[] {
    return [...org.workspaces.values()];
  }

  /** Creates a workspace; its creator becomes its Admin, as in LangSmith. */
  createWorkspace(org: Organization, creatorIdentityId: string, displayName: string, id?: string): Workspace {
    const wsId = normId(id ?? randomUUID());
    if (org.workspaces.has(wsId) || this.findWorkspaceAnywhere(wsId)) throw new LangSmithError(409, `Workspace ${wsId} already exists`);
    const ws: Workspace = { id: wsId, displayName, createdAt: now(), members: new Map() };
    org.workspaces.set(ws.id, ws);
    const creator = org.members.get(creatorIdentityId);
    if (creator) this.addWorkspaceIdentity(ws, creator, this.systemRole('WORKSPACE_ADMIN').id);
    return ws;
  }

  renameWorkspace(org: Organization, workspaceId: string, displayName: string): Workspace {
    const ws = this.requireWorkspace(org, workspaceId, 404);
    ws.displayName = displayName;
    return ws;
  }

  /** The workspace of an `X-Tenant-Id` or a path: 404 (path) or 403 (header) when not here. */
  requireWorkspace(org: Organization, workspaceId: string, status: 403 | 404): Workspace {
    const ws = org.workspaces.get(normId(workspaceId));
    if (!ws) {
      throw new LangSmithError(status, status === 404 ? 'Workspace not found' : `Not a member of workspace ${workspaceId}`);
    }
    return ws;
  }

  private findWorkspaceAnywhere(workspaceId: string): Workspace | undefined {
    for (const org of this.organizations.values()) {
      const ws = org.workspaces.get(workspaceId);
      if (ws) return ws;
    }
    return undefined;
  }

  // ---- organization members --------------------------------------------------------------------

  listOrgMembers(org: Organization): OrgIdentity[] {
    return [...org.members.values()];
  }

  listPending(org: Organization): PendingIdentity[] {
    return [...org.pending.values()];
  }

  /** `POST /api/v1/orgs/current/members`: invite someone not yet in the organization. */
  invite(org: Organization, input: InviteInput): PendingIdentity {
    const email = normEmail(input.email);
    if (this.memberByEmail(org, email)) throw new LangSmithError(409, `${email} is already a member of this organization`);
    if (this.pendingByEmail(org, email)) throw new LangSmithError(409, `${email} already has a pending invite to this organization`);
    const role = input.role_id === undefined ? this.systemRole('ORGANIZATION_USER') : this.requireRole(org, input.role_id, 'organization', 'role_id');
    const workspaceRole =
      input.workspace_role_id === undefined
        ? this.systemRole('WORKSPACE_ADMIN')
        : this.requireRole(org, input.workspace_role_id, 'workspace', 'workspace_role_id');
    const workspaceIds = this.requireWorkspaceIds(org, input.workspace_ids ?? []);
    this.requireSeat(org, email);

    const pending: PendingIdentity = {
      id: randomUUID(),
      email,
      roleId: role.id,
      workspaceIds,
      workspaceRoleId: workspaceRole.id,
      createdAt: now(),
    };
    org.pending.set(pending.id, pending);
    if (org.settings.autoAcceptInvites) this.accept(org, pending.id);
    return pending;
  }

  revokeInvite(org: Organization, pendingId: string): PendingIdentity {
    const pending = org.pending.get(normId(pendingId));
    if (!pending) throw new LangSmithError(404, 'Pending identity not found');
    org.pending.delete(pending.id);
    return pending;
  }

  /** `PATCH /api/v1/orgs/current/members/{identity_id}`: change the organization role. */
  setOrgRole(org: Organization, identityId: string, roleId: string): OrgIdentity {
    const identity = this.requireOrgIdentity(org, identityId);
    const role = this.requireRole(org, roleId, 'organization', 'role_id');
    const adminId = this.systemRole('ORGANIZATION_ADMIN').id;
    if (identity.roleId === adminId && role.id !== adminId && this.orgAdmins(org) === 1) {
      throw new LangSmithError(400, 'Cannot change the role of the last Organization Admin; make another member an Organization Admin first');
    }
    identity.roleId = role.id;
    return identity;
  }

  /** `DELETE /api/v1/orgs/current/members/{identity_id}`: leave the organization and every workspace. */
  removeOrgMember(org: Organization, identityId: string): OrgIdentity {
    const identity = this.requireOrgIdentity(org, identityId);
    if (identity.roleId === this.systemRole('ORGANIZATION_ADMIN').id && this.orgAdmins(org) === 1) {
      throw new LangSmithError(400, 'Cannot remove the last Organization Admin; make another member an Organization Admin first');
    }
    for (const ws of org.workspaces.values()) {
      for (const [wid, w] of ws.members) if (w.parentId === identity.id) ws.members.delete(wid);
    }
    org.members.delete(identity.id);
    return identity;
  }

  requireOrgIdentity(org: Organization, identityId: string): OrgIdentity {
    const identity = org.members.get(normId(identityId));
    if (!identity) throw new LangSmithError(404, 'Organization member not found');
    return identity;
  }

  orgAdmins(org: Organization): number {
    const adminId = this.systemRole('ORGANIZATION_ADMIN').id;
    let n = 0;
    for (const m of org.members.values()) if (m.roleId === adminId) n++;
    return n;
  }

  /** Seats in use: organization members plus pending invites. */
  seatsUsed(org: Organization): number {
    return org.members.size + org.pending.size;
  }

  // ---- workspace members ---------------------------------------------------------------------

  listWorkspaceMembers(ws: Workspace): WorkspaceIdentity[] {
    return [...ws.members.values()];
  }

  /** Invites that will join this workspace once accepted. */
  listWorkspacePending(org: Organization, ws: Workspace): PendingIdentity[] {
    return [...org.pending.values()].filter((p) => p.workspaceIds.includes(ws.id));
  }

  /**
   * `POST /api/v1/workspaces/current/members`: add an existing organization member (found by
   * their `user_id`) to the `X-Tenant-Id` workspace and to any other `workspace_ids` given.
   * Returns the identity in the `X-Tenant-Id` workspace.
   */
  addWorkspaceMember(org: Organization, ws: Workspace, input: WorkspaceMemberInput): WorkspaceIdentity {
    const authUserId = normId(input.user_id);
    const user = [...this.users.values()].find((u) => u.authUserId === authUserId);
    const identity = user ? [...org.members.values()].find((m) => m.userId === user.id) : undefined;
    if (!user || !identity) {
      throw new LangSmithError(400, `User ${input.user_id} is not a member of this organization; invite them with POST /api/v1/orgs/current/members`);
    }
    const role =
      input.workspace_role_id === undefined
        ? this.systemRole('WORKSPACE_ADMIN')
        : this.requireRole(org, input.workspace_role_id, 'workspace', 'workspace_role_id');
    const others = this.requireWorkspaceIds(org, input.workspace_ids ?? []);
    const targets = [ws, ...others.filter((id) => id !== ws.id).map((id) => org.workspaces.get(id)!)];
    for (const target of targets) {
      if ([...target.members.values()].some((m) => m.parentId === identity.id)) {
        throw new LangSmithError(409, `${user.email} is already a member of workspace ${target.displayName} (${target.id})`);
      }
    }
    const created = targets.map((target) => this.addWorkspaceIdentity(target, identity, role.id));
    return created[0]!;
  }

  setWorkspaceRole(org: Organization, ws: Workspace, identityId: string, roleId: string): WorkspaceIdentity {
    const identity = this.requireWorkspaceIdentity(ws, identityId);
    identity.roleId = this.requireRole(org, roleId, 'workspace', 'role_id').id;
    return identity;
  }

  removeWorkspaceMember(ws: Workspace, identityId: string): WorkspaceIdentity {
    const identity = this.requireWorkspaceIdentity(ws, identityId);
    ws.members.delete(identity.id);
    return identity;
  }

  requireWorkspaceIdentity(ws: Workspace, identityId: string): WorkspaceIdentity {
    const identity = ws.members.get(normId(identityId));
    if (!identity) throw new LangSmithError(404, 'Workspace member not found');
    return identity;
  }

  // ---- rendering (the JSON LangSmith answers with) ---------------------------------------------

  renderRole(role: Role): Record<string, unknown> {
    return { ...role, permissions: [...role.permissions] };
  }

  renderWorkspace(org: Organization, ws: Workspace): Record<string, unknown> {
    return {
      id: ws.id,
      organization_id: org.id,
      display_name: ws.displayName,
      tenant_handle: null,
      is_personal: false,
      is_deleted: false,
      created_at: ws.createdAt,
    };
  }

  renderOrgMember(org: Organization, identity: OrgIdentity): Record<string, unknown> {
    const user = this.users.get(identity.userId)!;
    const role = this.findRole(org, identity.roleId);
    return {
      id: identity.id,
      organization_id: org.id,
      tenant_id: null,
      user_id: user.authUserId,
      ls_user_id: user.id,
      email: user.email,
      full_name: user.fullName,
      avatar_url: null,
      is_disabled: false,
      access_scope: 'organization',
      role_id: identity.roleId,
      role_name: role?.display_name ?? null,
      tenant_ids: [...org.workspaces.values()]
        .filter((ws) => [...ws.members.values()].some((m) => m.parentId === identity.id))
        .map((ws) => ws.id),
      created_at: identity.createdAt,
    };
  }

  renderPending(org: Organization, pending: PendingIdentity): Record<string, unknown> {
    return {
      id: pending.id,
      organization_id: org.id,
      tenant_id: null,
      email: pending.email,
      ls_user_id: null,
      access_scope: 'organization',
      role_id: pending.roleId,
      role_name: this.findRole(org, pending.roleId)?.display_name ?? null,
      workspace_ids: [...pending.workspaceIds],
      workspace_role_id: pending.workspaceRoleId,
      workspace_role_name: this.findRole(org, pending.workspaceRoleId)?.display_name ?? null,
      created_at: pending.createdAt,
    };
  }

  renderWorkspaceMember(org: Organization, ws: Workspace, identity: WorkspaceIdentity): Record<string, unknown> {
    const user = this.users.get(identity.userId)!;
    return {
      id: identity.id,
      organization_id: org.id,
      tenant_id: ws.id,
      user_id: user.authUserId,
      ls_user_id: user.id,
      email: user.email,
      full_name: user.fullName,
      avatar_url: null,
      is_disabled: false,
      access_scope: 'workspace',
      role_id: identity.roleId,
      role_name: this.findRole(org, identity.roleId)?.display_name ?? null,
      created_at: identity.createdAt,
    };
  }

  renderWorkspacePending(org: Organization, ws: Workspace, pending: PendingIdentity): Record<string, unknown> {
    return {
      id: pending.id,
      organization_id: org.id,
      tenant_id: ws.id,
      email: pending.email,
      ls_user_id: null,
      access_scope: 'workspace',
      role_id: pending.workspaceRoleId,
      role_name: this.findRole(org, pending.workspaceRoleId)?.display_name ?? null,
      created_at: pending.createdAt,
    };
  }

  /**
   * One organization as `GET /_fake/state` shows it (camelCase, like the rest of the control
   * API): members with their email, organization role name and workspaces (with workspace role
   * names), pending invites, and workspaces with their members. Members and invites are sorted
   * by email; workspaces and roles keep creation order.
   */
  snapshot(org: Organization): Record<string, unknown> {
    const byEmail = (a: { email: string }, b: { email: string }) => a.email.localeCompare(b.email);
    const roleName = (id: string) => this.findRole(org, id)?.display_name ?? null;
    return {
      id: org.id,
      displayName: org.displayName,
      settings: { ...org.settings },
      seatsUsed: this.seatsUsed(org),
      apiKeys: [...org.keys.values()].map((k) => ({ key: k.key, identityId: k.identityId, email: this.emailOfIdentity(org, k.identityId) })),
      roles: this.rolesOf(org).map((r) => ({ id: r.id, name: r.name, displayName: r.display_name, accessScope: r.access_scope })),
      members: [...org.members.values()]
        .map((m) => {
          const user = this.users.get(m.userId)!;
          return {
            identityId: m.id,
            userId: user.authUserId,
            lsUserId: user.id,
            email: user.email,
            fullName: user.fullName,
            roleId: m.roleId,
            roleName: roleName(m.roleId),
            workspaces: [...org.workspaces.values()].flatMap((ws) =>
              [...ws.members.values()]
                .filter((w) => w.parentId === m.id)
                .map((w) => ({ identityId: w.id, workspaceId: ws.id, displayName: ws.displayName, roleName: roleName(w.roleId) })),
            ),
          };
        })
        .sort(byEmail),
      pending: [...org.pending.values()]
        .map((p) => ({
          id: p.id,
          email: p.email,
          roleName: roleName(p.roleId),
          workspaces: p.workspaceIds.map((wid) => ({
            workspaceId: wid,
            displayName: org.workspaces.get(wid)?.displayName ?? null,
            roleName: roleName(p.workspaceRoleId),
          })),
        }))
        .sort(byEmail),
      workspaces: [...org.workspaces.values()].map((ws) => ({
        id: ws.id,
        displayName: ws.displayName,
        members: [...ws.members.values()]
          .map((w) => ({
            identityId: w.id,
            orgIdentityId: w.parentId,
            email: this.users.get(w.userId)!.email,
            roleId: w.roleId,
            roleName: roleName(w.roleId),
          }))
          .sort(byEmail),
        pending: this.listWorkspacePending(org, ws)
          .map((p) => ({ id: p.id, email: p.email, roleName: roleName(p.workspaceRoleId) }))
          .sort(byEmail),
      })),
    };
  }

  // ---- internals -------------------------------------------------------------------------------

  private userFor(email: string, fullName: string | null, pin: PinnedIds = {}): User {
    const existing = this.usersByEmail.get(email);
    if (existing) return this.users.get(existing)!;
    const user: User = {
      id: normId(pin.lsUserId ?? randomUUID()),
      authUserId: normId(pin.userId ?? randomUUID()),
      email,
      fullName,
      createdAt: now(),
    };
    this.users.set(user.id, user);
    this.usersByEmail.set(email, user.id);
    return user;
  }

  private addOrgIdentity(org: Organization, email: string, roleId: string, fullName: string | null, pin: PinnedIds = {}): OrgIdentity {
    const user = this.userFor(normEmail(email), fullName, pin);
    const identity: OrgIdentity = { id: normId(pin.identityId ?? randomUUID()), userId: user.id, roleId, createdAt: now() };
    org.members.set(identity.id, identity);
    return identity;
  }

  private addWorkspaceIdentity(ws: Workspace, parent: OrgIdentity, roleId: string): WorkspaceIdentity {
    const identity: WorkspaceIdentity = {
      id: randomUUID(),
      userId: parent.userId,
      workspaceId: ws.id,
      parentId: parent.id,
      roleId,
      createdAt: now(),
    };
    ws.members.set(identity.id, identity);
    return identity;
  }

  private accept(org: Organization, pendingId: string): OrgIdentity {
    const pending = org.pending.get(pendingId);
    if (!pending) throw new LangSmithError(404, 'Pending identity not found');
    if (this.memberByEmail(org, pending.email)) throw new LangSmithError(409, `${pending.email} is already a member of this organization`);
    org.pending.delete(pending.id);
    const identity = this.addOrgIdentity(org, pending.email, pending.roleId, null);
    for (const wid of pending.workspaceIds) {
      const ws = org.workspaces.get(wid);
      if (ws) this.addWorkspaceIdentity(ws, identity, pending.workspaceRoleId);
    }
    return identity;
  }

  /** A member made directly (no invite, no seat check): someone added by hand in the application. */
  seedMember(org: Organization, input: SeedMemberInput): OrgIdentity {
    const email = normEmail(input.email);
    if (this.memberByEmail(org, email)) throw new LangSmithError(409, `${email} is already a member of this organization`);
    const role = this.resolveRoleRef(org, input.role ?? 'Organization User', 'organization');
    const identity = this.addOrgIdentity(org, email, role.id, input.fullName ?? null);
    for (const grant of input.workspaces ?? []) {
      const ws =
        org.workspaces.get(normId(grant.workspace)) ?? [...org.workspaces.values()].find((w) => w.displayName === grant.workspace);
      if (!ws) throw new LangSmithError(400, `No workspace ${grant.workspace} in organization ${org.id}`);
      this.addWorkspaceIdentity(ws, identity, this.resolveRoleRef(org, grant.role ?? 'Admin', 'workspace').id);
    }
    return identity;
  }

  private requireWorkspaceIds(org: Organization, ids: string[]): string[] {
    const out: string[] = [];
    for (const raw of ids) {
      const id = normId(raw);
      if (!org.workspaces.has(id)) throw new LangSmithError(400, `Workspace ${raw} not found in this organization`);
      if (!out.includes(id)) out.push(id);
    }
    return out;
  }

  private requireSeat(org: Organization, email: string): void {
    const limit = org.settings.seatLimit;
    if (limit !== null && this.seatsUsed(org) + 1 > limit) {
      throw new LangSmithError(
        400,
        `Cannot invite ${email}: the organization has reached its seat limit (${limit} seats, members and pending invites included)`,
      );
    }
  }

  private memberByEmail(org: Organization, email: string): OrgIdentity | undefined {
    const userId = this.usersByEmail.get(email);
    if (userId === undefined) return undefined;
    return [...org.members.values()].find((m) => m.userId === userId);
  }

  private pendingByEmail(org: Organization, email: string): PendingIdentity | undefined {
    return [...org.pending.values()].find((p) => p.email === email);
  }

  private emailOfIdentity(org: Organization, identityId: string): string | null {
    const identity = org.members.get(identityId);
    return identity ? (this.users.get(identity.userId)?.email ?? null) : null;
  }

  private describeSeed(org: Organization, admin: OrgIdentity, apiKey: string): SeededOrganization {
    const user = this.users.get(admin.userId)!;
    return {
      organizationId: org.id,
      displayName: org.displayName,
      apiKey,
      admin: { identityId: admin.id, userId: user.authUserId, lsUserId: user.id, email: user.email },
      workspaces: [...org.workspaces.values()].map((w) => ({ id: w.id, displayName: w.displayName })),
      settings: { ...org.settings },
    };
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'org'
  );
}
