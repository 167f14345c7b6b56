/**
 * The in-memory state behind the LangSmith stand-in (TARGETS.md §B): organizations found by API
 * key, their keys, roles, workspaces, organization identities, workspace identities and pending
 * identities (the records are described in model.ts). This file holds what every feature needs:
 * seeding and reset, keys and callers, roles, and the few primitives that make identities. The
 * rules of each endpoint family live beside its routes (workspaces.ts, org-members.ts,
 * workspace-members.ts).
 *
 * Every operation is synchronous, so two concurrent requests can never both pass a check.
 */
import { randomUUID } from 'node:crypto';
import { badReference, conflict, LangSmithError, notFound } from './errors.js';
import type { CustomRoleInput, KeyInput, OrganizationInput, SeededOrganization, SeedMemberInput, RoleRef } from './inputs.js';
import {
  DEFAULT_SETTINGS,
  newApiKey,
  normEmail,
  normId,
  stamp,
  SYSTEM_ROLE_SPECS,
  type AccessScope,
  type ApiKey,
  type Caller,
  type Organization,
  type OrgIdentity,
  type OrgSettings,
  type PendingIdentity,
  type Role,
  type SystemRoleName,
  type User,
  type Workspace,
  type WorkspaceIdentity,
} from './model.js';

export * from './model.js';
export * from './inputs.js';
export { LangSmithError } from './errors.js';

interface PinnedIds {
  identityId?: string | undefined;
  userId?: string | undefined;
  lsUserId?: string | undefined;
}

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

  systemRole(name: SystemRoleName): Role {
    return this.systemRoles.find((r) => r.name === name)!;
  }

  // ---- organizations, keys, seeding ----------------------------------------------------------

  /**
   * An organization with an Organization Admin (a person), an organization-scoped service key
   * and its workspaces. With `initial: true` it comes back, same ids and key, after reset().
   */
  createOrganization(input: OrganizationInput = {}, opts: { initial?: boolean } = {}): SeededOrganization {
    const id = normId(input.id ?? randomUUID());
    if (this.organizations.has(id)) throw conflict(`Organization ${id} already exists`);
    if (input.apiKey !== undefined && this.keyIndex.has(input.apiKey)) throw conflict('That API key is already in use');
    const org: Organization = {
      id,
      displayName: input.displayName ?? 'Acme',
      createdAt: stamp(),
      settings: { ...this.defaultSettings, ...input.settings },
      keys: new Map(),
      customRoles: [],
      workspaces: new Map(),
      members: new Map(),
      pending: new Map(),
    };
    this.organizations.set(id, org);

    const adminEmail = normEmail(input.admin?.email ?? `admin@${slug(org.displayName)}.test`);
    const admin = this.addOrgIdentity(org, adminEmail, this.systemRole('ORGANIZATION_ADMIN').id, input.admin?.fullName ?? 'Admin', {
      identityId: input.admin?.identityId,
      userId: input.admin?.userId,
      lsUserId: input.admin?.lsUserId,
    });
    for (const spec of input.workspaces ?? ['Default']) {
      const ws = typeof spec === 'string' ? { displayName: spec } : spec;
      const created = this.addWorkspace(org, ws.displayName, ws.id, null);
      this.addWorkspaceIdentity(created, admin, this.systemRole('WORKSPACE_ADMIN').id);
    }
    const apiKey = this.createApiKey(org.id, { kind: 'service', apiKey: input.apiKey });
    for (const m of input.members ?? []) this.seedMember(org, m);

    if (opts.initial) {
      // Pin every generated id so a reset rebuilds the very same organization.
      const user = this.users.get(admin.userId)!;
      this.initialOrgs.push({
        ...input,
        id,
        apiKey: apiKey.key,
        admin: {
          email: adminEmail,
          fullName: user.fullName ?? undefined,
          identityId: admin.id,
          userId: user.authUserId,
          lsUserId: user.id,
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

  /** Another key (§B Keys): a personal token (default) or a service key, org- or workspace-scoped. */
  createApiKey(organizationId: string, input: KeyInput = {}): ApiKey {
    const org = this.requireOrg(organizationId);
    const kind = input.kind ?? 'personal';
    const token = input.apiKey ?? newApiKey(kind);
    if (this.keyIndex.has(token)) throw conflict('That API key is already in use');
    let identityId: string | null = null;
    let roleId: string | null = null;
    if (kind === 'personal') {
      const owner =
        input.identityId !== undefined
          ? org.members.get(normId(input.identityId))
          : [...org.members.values()].find((m) => m.roleId === this.systemRole('ORGANIZATION_ADMIN').id);
      if (!owner) throw notFound(`Organization member ${input.identityId ?? '(an Organization Admin)'} not found`);
      identityId = owner.id;
    } else {
      roleId = this.resolveRoleRef(org, input.role ?? 'Organization Admin', 'organization').id;
    }
    const organizationScoped = input.organizationScoped ?? kind === 'service';
    let homeWorkspaceId: string | null = null;
    if (!organizationScoped) {
      const home =
        input.workspaceId !== undefined
          ? org.workspaces.get(normId(input.workspaceId))
          : ([...org.workspaces.values()].find((w) => identityId !== null && this.workspaceIdentityOf(w, identityId)) ??
            [...org.workspaces.values()][0]);
      if (!home) throw badReference('A key that is not organization-scoped needs a home workspace');
      homeWorkspaceId = home.id;
    }
    const apiKey: ApiKey = { key: token, kind, organizationScoped, homeWorkspaceId, identityId, roleId, createdAt: stamp() };
    org.keys.set(token, apiKey);
    this.keyIndex.set(token, org.id);
    return apiKey;
  }

  addCustomRole(input: CustomRoleInput): Role {
    const org = this.requireOrg(input.organizationId ?? this.defaultOrgId());
    const id = normId(input.id ?? randomUUID());
    if (this.findRole(org, id)) throw conflict(`Role ${id} already exists`);
    const scope = input.accessScope ?? 'workspace';
    if (this.rolesOf(org).some((r) => r.access_scope === scope && r.display_name === input.displayName)) {
      throw conflict(`A ${scope} role named ${input.displayName} already exists`);
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

  /** One organization's settings, or (none named) every organization's and the defaults for new ones. */
  updateSettings(organizationId: string | undefined, patch: Partial<OrgSettings>): OrgSettings | Record<string, OrgSettings> {
    const orgs = organizationId !== undefined ? [this.requireOrg(organizationId)] : [...this.organizations.values()];
    if (patch.defaultWorkspaceRole !== undefined) {
      for (const org of orgs) this.resolveRoleRef(org, patch.defaultWorkspaceRole, 'workspace');
    }
    if (organizationId === undefined) this.defaultSettings = { ...this.defaultSettings, ...patch };
    const all: Record<string, OrgSettings> = {};
    for (const org of orgs) {
      org.settings = { ...org.settings, ...patch };
      all[org.id] = { ...org.settings };
    }
    return organizationId !== undefined ? all[orgs[0]!.id]! : all;
  }

  defaultOrgId(): string {
    const first = this.organizations.keys().next();
    if (first.done) throw notFound('There is no organization; create one with POST /_fake/organizations');
    return first.value;
  }

  requireOrg(organizationId: string): Organization {
    const org = this.organizations.get(normId(organizationId));
    if (!org) throw notFound(`Organization ${organizationId} not found`);
    return org;
  }

  // ---- keys and callers (§B Headers, Keys) ---------------------------------------------------

  authenticate(key: string): { organization: Organization; apiKey: ApiKey } | null {
    const orgId = this.keyIndex.get(key);
    const org = orgId === undefined ? undefined : this.organizations.get(orgId);
    const apiKey = org?.keys.get(key);
    return org && apiKey ? { organization: org, apiKey } : null;
  }

  /** Who the key acts as; null once a personal key's owner has left or been disabled. */
  callerOf(org: Organization, apiKey: ApiKey): Caller | null {
    if (apiKey.kind === 'service') return { key: apiKey, orgRoleId: apiKey.roleId!, identity: null };
    const identity = org.members.get(apiKey.identityId!);
    if (!identity || identity.disabled) return null;
    return { key: apiKey, orgRoleId: identity.roleId, identity };
  }

  isOrgAdmin(caller: Caller): boolean {
    return caller.orgRoleId === this.systemRole('ORGANIZATION_ADMIN').id;
  }

  /** Organization Admins reach every workspace; others their own (personal) or their home one (service). */
  canReach(caller: Caller, ws: Workspace): boolean {
    if (this.isOrgAdmin(caller)) return true;
    if (caller.identity) return this.workspaceIdentityOf(ws, caller.identity.id) !== undefined;
    return caller.key.homeWorkspaceId === ws.id;
  }

  isWorkspaceAdmin(caller: Caller, ws: Workspace): boolean {
    if (this.isOrgAdmin(caller)) return true;
    if (caller.identity) return this.workspaceIdentityOf(ws, caller.identity.id)?.roleId === this.systemRole('WORKSPACE_ADMIN').id;
    return caller.key.homeWorkspaceId === ws.id;
  }

  // ---- roles (§B S3) --------------------------------------------------------------------------

  rolesOf(org: Organization): Role[] {
    return [...this.systemRoles, ...org.customRoles];
  }

  findRole(org: Organization, roleId: string): Role | undefined {
    const id = normId(roleId);
    return this.rolesOf(org).find((r) => r.id === id);
  }

  roleName(org: Organization, roleId: string | null): string | null {
    return roleId === null ? null : (this.findRole(org, roleId)?.display_name ?? null);
  }

  /** A role by id, display name or name (control API and seeding). */
  resolveRoleRef(org: Organization, ref: RoleRef, scope: AccessScope): Role {
    const roles = this.rolesOf(org).filter((r) => r.access_scope === scope);
    const role =
      roles.find((r) => r.id === normId(ref)) ??
      roles.find((r) => r.display_name === ref) ??
      roles.find((r) => r.name === ref && r.name !== 'CUSTOM');
    if (!role) throw badReference(`No ${scope} role ${ref}`);
    return role;
  }

  /**
   * A role id from a request body, of the scope the field needs. An unknown role or one of the
   * other scope: the status and body are not documented (400 `{detail}` here, §B Unknown).
   */
  requireRole(org: Organization, roleId: string, scope: AccessScope, field: string): Role {
    const role = this.findRole(org, roleId);
    if (!role) throw badReference(`${field}: role ${roleId} not found`);
    if (role.access_scope !== scope) {
      throw badReference(
        `${field} must be a role with access_scope "${scope}"; ${role.display_name} (${role.id}) has "${role.access_scope}"`,
      );
    }
    return role;
  }

  /** The workspace role a request that names none gets (OrgSettings.defaultWorkspaceRole; §B S10 bullet). */
  defaultWorkspaceRole(org: Organization): Role {
    return this.resolveRoleRef(org, org.settings.defaultWorkspaceRole, 'workspace');
  }

  // ---- primitives ------------------------------------------------------------------------------

  addWorkspace(org: Organization, displayName: string, id: string | undefined, tenantHandle: string | null): Workspace {
    const wsId = normId(id ?? randomUUID());
    for (const o of this.organizations.values()) if (o.workspaces.has(wsId)) throw conflict(`Workspace ${wsId} already exists`);
    const ws: Workspace = { id: wsId, displayName, tenantHandle, createdAt: stamp(), deleted: false, members: new Map() };
    org.workspaces.set(ws.id, ws);
    return ws;
  }

  addOrgIdentity(org: Organization, email: string, roleId: string, fullName: string | null, pin: PinnedIds = {}): OrgIdentity {
    const user = this.userFor(normEmail(email), fullName, pin);
    const identity: OrgIdentity = {
      id: normId(pin.identityId ?? randomUUID()),
      userId: user.id,
      roleId,
      disabled: false,
      createdAt: stamp(),
    };
    org.members.set(identity.id, identity);
    return identity;
  }

  /** A workspace identity: always a fresh id, never the organization identity's (§B "Identity ids"). */
  addWorkspaceIdentity(ws: Workspace, parent: OrgIdentity, roleId: string): WorkspaceIdentity {
    const identity: WorkspaceIdentity = {
      id: randomUUID(),
      userId: parent.userId,
      workspaceId: ws.id,
      parentId: parent.id,
      roleId,
      createdAt: stamp(),
    };
    ws.members.set(identity.id, identity);
    return identity;
  }

  workspaceIdentityOf(ws: Workspace, orgIdentityId: string): WorkspaceIdentity | undefined {
    for (const m of ws.members.values()) if (m.parentId === orgIdentityId) return m;
    return undefined;
  }

  /** Someone who follows their invite (control API): a new organization identity with its workspaces. */
  accept(org: Organization, pendingId: string): OrgIdentity {
    const pending = org.pending.get(normId(pendingId));
    if (!pending) throw notFound(`Pending identity ${pendingId} not found`);
    if (this.memberByEmail(org, pending.email)) throw conflict(`${pending.email} is already a member of this organization`);
    org.pending.delete(pending.id);
    const identity = this.addOrgIdentity(org, pending.email, pending.roleId, null);
    const wsRole = pending.workspaceRoleId ?? this.defaultWorkspaceRole(org).id;
    for (const wid of pending.workspaces.keys()) {
      const ws = org.workspaces.get(wid);
      if (ws && !ws.deleted) this.addWorkspaceIdentity(ws, identity, wsRole);
    }
    return identity;
  }

  acceptAnywhere(pendingId: string): { organization: Organization; identity: OrgIdentity } {
    for (const org of this.organizations.values()) {
      if (org.pending.has(normId(pendingId))) return { organization: org, identity: this.accept(org, pendingId) };
    }
    throw notFound(`Pending identity ${pendingId} not found`);
  }

  /** A member made directly (no invite, no seat check): someone added by hand in the application. */
  seedMember(org: Organization, input: SeedMemberInput): OrgIdentity {
    const email = normEmail(input.email);
    if (this.memberByEmail(org, email)) throw conflict(`${email} is already a member of this organization`);
    const role = this.resolveRoleRef(org, input.role ?? 'Organization User', 'organization');
    const identity = this.addOrgIdentity(org, email, role.id, input.fullName ?? null);
    for (const grant of input.workspaces ?? []) {
      const ws = org.workspaces.get(normId(grant.workspace)) ?? [...org.workspaces.values()].find((w) => w.displayName === grant.workspace);
      if (!ws) throw badReference(`No workspace ${grant.workspace} in organization ${org.id}`);
      this.addWorkspaceIdentity(ws, identity, this.resolveRoleRef(org, grant.role ?? 'Admin', 'workspace').id);
    }
    return identity;
  }

  memberByEmail(org: Organization, email: string): OrgIdentity | undefined {
    const userId = this.usersByEmail.get(normEmail(email));
    if (userId === undefined) return undefined;
    return [...org.members.values()].find((m) => m.userId === userId);
  }

  pendingByEmail(org: Organization, email: string): PendingIdentity | undefined {
    const e = normEmail(email);
    return [...org.pending.values()].find((p) => p.email === e);
  }

  userIdByEmail(email: string): string | null {
    return this.usersByEmail.get(normEmail(email)) ?? null;
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

  requireSeats(org: Organization, wanted: number): void {
    const limit = org.settings.seatLimit;
    if (limit !== null && this.seatsUsed(org) + wanted > limit) {
      // Not documented (§B Unknown); 400 `{detail}` is the stand-in's choice.
      throw new LangSmithError(400, `The organization has reached its seat limit (${limit} seats, members and pending invites included)`);
    }
  }

  private userFor(email: string, fullName: string | null, pin: PinnedIds = {}): User {
    const existing = this.usersByEmail.get(email);
    if (existing) return this.users.get(existing)!;
    const user: User = {
      id: normId(pin.lsUserId ?? randomUUID()),
      authUserId: normId(pin.userId ?? randomUUID()),
      email,
      fullName,
      createdAt: stamp(),
    };
    this.users.set(user.id, user);
    this.usersByEmail.set(email, user.id);
    return user;
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
