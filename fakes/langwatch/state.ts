/**
 * The in-memory model behind the LangWatch stand-in (TARGETS.md §A): organizations found by
 * API key, their members, pending invites, groups with members and role bindings, and the teams,
 * projects and custom roles that bindings point at. Every operation is synchronous, so two
 * concurrent requests can never both pass a guard rail (the last admin, the seat limit).
 *
 * Operations refuse with `LangWatchError` (status + code); routes only parse and render.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const ORG_ROLES = ['ADMIN', 'MEMBER', 'EXTERNAL'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const BINDING_ROLES = ['ADMIN', 'MEMBER', 'VIEWER', 'CUSTOM'] as const;
export type BindingRole = (typeof BINDING_ROLES)[number];
export const SCOPE_TYPES = ['ORGANIZATION', 'TEAM', 'PROJECT'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];
export const KEY_SCOPES = ['organization:manage', 'organization:view'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** ADMIN > MEMBER > VIEWER; CUSTOM is not ranked against them. */
const RANK: Record<Exclude<BindingRole, 'CUSTOM'>, number> = { ADMIN: 3, MEMBER: 2, VIEWER: 1 };

export class LangWatchError extends Error {
  constructor(
    readonly status: 400 | 401 | 402 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly meta?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'LangWatchError';
  }
}

// ---- the model -----------------------------------------------------------------------------

export interface OrgSettings {
  /** Active members plus pending invites may not exceed it; null is unlimited. */
  seatLimit: number | null;
  /** false: the organization lacks the Enterprise plan and every API call answers 402. */
  plan: boolean;
  /** true: an invite is accepted the moment it is created, so the member exists at once. */
  autoAcceptInvites: boolean;
}

export const DEFAULT_SETTINGS: OrgSettings = { seatLimit: null, plan: true, autoAcceptInvites: true };

export interface User {
  id: string;
  email: string;
  name: string | null;
}

export interface Binding {
  id: string;
  role: BindingRole;
  customRoleId: string | null;
  scopeType: ScopeType;
  scopeId: string;
  createdAt: string;
}

export interface Member {
  userId: string;
  role: OrgRole;
  disabledAt: string | null;
  createdAt: string;
  /** Direct grants, e.g. the teams of the invite the member accepted. */
  directBindings: Binding[];
}

export interface Group {
  id: string;
  name: string;
  slug: string;
  externalId: string | null;
  /** null for every group made through the API; seeded SCIM groups carry "okta", "azure-ad", ... */
  scimSource: string | null;
  createdAt: string;
  /** userId → addedAt, in insertion order. */
  members: Map<string, string>;
  bindings: Binding[];
}

export interface TeamGrant {
  teamId: string;
  role: BindingRole;
  customRoleId: string | null;
}

export interface Invite {
  id: string;
  email: string;
  role: OrgRole;
  inviteCode: string;
  teams: TeamGrant[];
  createdAt: string;
  expiration: string;
}

export interface Project {
  id: string;
  name: string;
}

export interface Team {
  id: string;
  name: string;
  slug: string;
  projects: Project[];
}

export interface CustomRole {
  id: string;
  name: string;
}

export interface ApiKey {
  id: string;
  token: string;
  name: string;
  scopes: KeyScope[];
  /** The member a personal key acts as (self guards apply), or null for an organization key. */
  userId: string | null;
  createdAt: string;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  createdAt: string;
  settings: OrgSettings;
  teams: Team[];
  customRoles: CustomRole[];
  keys: Map<string, ApiKey>;
  members: Map<string, Member>;
  invites: Map<string, Invite>;
  groups: Map<string, Group>;
}

// ---- inputs --------------------------------------------------------------------------------

export interface BindingInput {
  role: BindingRole;
  customRoleId?: string | null | undefined;
  scopeType: ScopeType;
  scopeId: string;
}

export interface InviteInput {
  email: string;
  role: OrgRole;
  teams?: { teamId: string; role: BindingRole; customRoleId?: string | null | undefined }[] | undefined;
}

export interface SeedMemberInput {
  userId?: string | undefined;
  email: string;
  name?: string | null | undefined;
  role?: OrgRole | undefined;
  disabled?: boolean | undefined;
}

export interface SeedGroupInput {
  id?: string | undefined;
  name: string;
  scimSource?: string | null | undefined;
  externalId?: string | null | undefined;
  memberIds?: string[] | undefined;
  bindings?: BindingInput[] | undefined;
}

export interface TeamInput {
  id?: string | undefined;
  name: string;
  projects?: ({ id?: string | undefined; name: string } | string)[] | undefined;
}

export interface OrganizationInput {
  id?: string | undefined;
  name?: string | undefined;
  admin?: { userId?: string | undefined; email?: string | undefined; name?: string | undefined } | undefined;
  /** Full tokens `sk-lw-<id>_<secret>`; made up when absent. */
  apiKey?: string | undefined;
  viewApiKey?: string | undefined;
  teams?: TeamInput[] | undefined;
  customRoles?: { id?: string | undefined; name: string }[] | undefined;
  members?: SeedMemberInput[] | undefined;
  settings?: Partial<OrgSettings> | undefined;
}

/** What a new organization hands back: everything a client needs to talk to it. */
export interface SeededOrganization {
  organizationId: string;
  name: string;
  /** organization:manage (and view). */
  apiKey: string;
  /** organization:view only. */
  viewApiKey: string;
  admin: { userId: string; email: string; name: string | null };
  teams: { id: string; name: string; projects: Project[] }[];
  customRoles: CustomRole[];
  settings: OrgSettings;
}

// ---- helpers -------------------------------------------------------------------------------

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => new Date().toISOString();
const normEmail = (email: string) => email.trim().toLowerCase();

export function newApiKeyToken(): string {
  return `sk-lw-${hex(8)}_${hex(24)}`;
}

/** `sk-lw-<id>_<secret>` → its parts, or null when it is not shaped like a LangWatch key. */
export function parseApiKey(token: string): { id: string; secret: string } | null {
  const m = /^sk-lw-([A-Za-z0-9]+)_([A-Za-z0-9]+)$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'group';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---- the state -----------------------------------------------------------------------------

export interface LangWatchStateOptions {
  /** Settings every new organization starts with (each field defaults to DEFAULT_SETTINGS). */
  settings?: Partial<OrgSettings>;
}

export class LangWatchState {
  readonly organizations = new Map<string, Organization>();
  /** People are global: the same address in two organizations is one user. */
  readonly users = new Map<string, User>();
  private readonly usersByEmail = new Map<string, string>();
  /** Key id → organization id. */
  private readonly keyIndex = new Map<string, string>();
  private defaultSettings: OrgSettings;
  private readonly initialDefaults: OrgSettings;
  /** The organizations to rebuild on reset, with every id and key they were given. */
  private initialOrgs: OrganizationInput[] = [];

  constructor(opts: LangWatchStateOptions = {}) {
    this.defaultSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
    this.initialDefaults = { ...this.defaultSettings };
  }

  // ---- organizations, keys, seeding ----------------------------------------------------------

  /**
   * Creates an organization with an admin member, a manage key and a view key. With
   * `initial: true` it comes back, with the same ids and keys, after `reset()`.
   */
  createOrganization(input: OrganizationInput = {}, opts: { initial?: boolean } = {}): SeededOrganization {
    const id = input.id ?? newId('organization');
    if (this.organizations.has(id)) throw new LangWatchError(409, 'organization_exists', `Organization ${id} already exists.`);
    const name = input.name ?? 'Acme';
    const org: Organization = {
      id,
      name,
      slug: slugify(name),
      createdAt: now(),
      settings: { ...this.defaultSettings, ...input.settings },
      teams: [],
      customRoles: [],
      keys: new Map(),
      members: new Map(),
      invites: new Map(),
      groups: new Map(),
    };
    this.organizations.set(id, org);

    const adminEmail = input.admin?.email ?? `admin@${org.slug}.test`;
    const admin = this.addUser(org, {
      userId: input.admin?.userId,
      email: adminEmail,
      name: input.admin?.name ?? 'Admin',
      role: 'ADMIN',
    });
    const apiKey = this.createApiKey(id, { token: input.apiKey, scopes: ['organization:manage', 'organization:view'], name: 'Admin key' });
    const viewApiKey = this.createApiKey(id, { token: input.viewApiKey, scopes: ['organization:view'], name: 'Read-only key' });
    for (const team of input.teams ?? [{ name: 'Engineering', projects: ['Chatbot'] }]) this.createTeam(id, team);
    for (const role of input.customRoles ?? [{ name: 'Annotator' }]) this.createCustomRole(id, role);
    for (const m of input.members ?? []) this.seedMember(id, m);

    const seeded = this.describeSeed(org, admin, apiKey.token, viewApiKey.token);
    if (opts.initial) {
      // Pin every generated id so a reset rebuilds the very same organization.
      this.initialOrgs.push({
        ...input,
        id,
        name,
        admin: { userId: admin.id, email: admin.email, name: admin.name ?? 'Admin' },
        apiKey: apiKey.token,
        viewApiKey: viewApiKey.token,
        teams: org.teams.map((t) => ({ id: t.id, name: t.name, projects: t.projects.map((p) => ({ ...p })) })),
        customRoles: org.customRoles.map((r) => ({ ...r })),
      });
    }
    return seeded;
  }

  /** Back to how the state began: the initial organizations (same ids and keys), nothing else. */
  reset(opts: { empty?: boolean } = {}): SeededOrganization[] {
    this.organizations.clear();
    this.users.clear();
    this.usersByEmail.clear();
    this.keyIndex.clear();
    this.defaultSettings = { ...this.initialDefaults };
    if (opts.empty) {
      this.initialOrgs = [];
      return [];
    }
    const specs = this.initialOrgs;
    this.initialOrgs = [];
    return specs.map((spec) => this.createOrganization(spec, { initial: true }));
  }

  /** Settings for one organization, or (without an id) for every organization and later ones. */
  updateSettings(organizationId: string | undefined, patch: Partial<OrgSettings>): OrgSettings | Record<string, OrgSettings> {
    if (organizationId !== undefined) {
      const org = this.org(organizationId);
      Object.assign(org.settings, patch);
      return { ...org.settings };
    }
    Object.assign(this.defaultSettings, patch);
    const all: Record<string, OrgSettings> = {};
    for (const org of this.organizations.values()) {
      Object.assign(org.settings, patch);
      all[org.id] = { ...org.settings };
    }
    return all;
  }

  createApiKey(
    organizationId: string,
    input: { token?: string | undefined; scopes: KeyScope[]; name?: string | undefined; userId?: string | null | undefined },
  ): ApiKey {
    const org = this.org(organizationId);
    const token = input.token ?? newApiKeyToken();
    const parts = parseApiKey(token);
    if (!parts) throw new LangWatchError(400, 'invalid_request', 'apiKey: must look like sk-lw-<id>_<secret> (letters and digits)');
    if (this.keyIndex.has(parts.id)) throw new LangWatchError(409, 'api_key_exists', `An API key with id ${parts.id} already exists.`);
    if (input.userId && !org.members.has(input.userId)) {
      throw new LangWatchError(400, 'user_not_in_organization', `userId: ${input.userId} is not a member of the organization`);
    }
    const key: ApiKey = {
      id: parts.id,
      token,
      name: input.name ?? 'API key',
      scopes: [...new Set(input.scopes)],
      userId: input.userId ?? null,
      createdAt: now(),
    };
    org.keys.set(key.id, key);
    this.keyIndex.set(key.id, org.id);
    return key;
  }

  /** The organization and key behind a bearer token, or null (unknown, malformed, wrong secret). */
  authenticate(token: string): { org: Organization; key: ApiKey } | null {
    const parts = parseApiKey(token);
    if (!parts) return null;
    const orgId = this.keyIndex.get(parts.id);
    const org = orgId ? this.organizations.get(orgId) : undefined;
    const key = org?.keys.get(parts.id);
    if (!org || !key || !sameSecret(key.token, token)) return null;
    return { org, key };
  }

  createTeam(organizationId: string, input: TeamInput): Team {
    const org = this.org(organizationId);
    const team: Team = {
      id: input.id ?? newId('team'),
      name: input.name,
      slug: slugify(input.name),
      projects: (input.projects ?? []).map((p) =>
        typeof p === 'string' ? { id: newId('project'), name: p } : { id: p.id ?? newId('project'), name: p.name },
      ),
    };
    org.teams.push(team);
    return team;
  }

  createCustomRole(organizationId: string, input: { id?: string | undefined; name: string }): CustomRole {
    const org = this.org(organizationId);
    const role = { id: input.id ?? newId('customrole'), name: input.name };
    org.customRoles.push(role);
    return role;
  }

  /** A member put straight into the organization (no invite, no seat check): a test's "given". */
  seedMember(organizationId: string, input: SeedMemberInput): Member {
    const org = this.org(organizationId);
    if (this.memberByEmail(org, input.email)) {
      throw new LangWatchError(409, 'already_organization_member', `${input.email} is already a member of the organization.`);
    }
    const user = this.addUser(org, { ...input, role: input.role ?? 'MEMBER' });
    const member = org.members.get(user.id)!;
    if (input.disabled) member.disabledAt = now();
    return member;
  }

  /** A group put straight into the organization, possibly SCIM-managed (`scimSource`). */
  seedGroup(organizationId: string, input: SeedGroupInput): Group {
    const org = this.org(organizationId);
    const group = this.createGroup(org, { name: input.name, memberIds: input.memberIds, bindings: input.bindings });
    if (input.id) {
      org.groups.delete(group.id);
      group.id = input.id;
      org.groups.set(group.id, group);
    }
    group.scimSource = input.scimSource ?? null;
    group.externalId = input.externalId ?? null;
    return group;
  }

  org(organizationId: string): Organization {
    const org = this.organizations.get(organizationId);
    if (!org) throw new LangWatchError(404, 'organization_not_found', `No organization ${organizationId}.`);
    return org;
  }

  // ---- groups --------------------------------------------------------------------------------

  listGroups(org: Organization, page: number, limit: number): { data: Group[]; total: number } {
    const all = [...org.groups.values()].sort((a, b) => a.name.localeCompare(b.name) || a.createdAt.localeCompare(b.createdAt));
    return { data: all.slice((page - 1) * limit, page * limit), total: all.length };
  }

  group(org: Organization, id: string): Group {
    const group = org.groups.get(id);
    if (!group) throw new LangWatchError(404, 'group_not_found', `Group ${id} not found.`);
    return group;
  }

  /** All or nothing: every member and binding is checked before anything is written. */
  createGroup(
    org: Organization,
    input: { name: string; memberIds?: string[] | undefined; bindings?: BindingInput[] | undefined },
  ): Group {
    const memberIds = [...new Set(input.memberIds ?? [])];
    memberIds.forEach((userId, i) => this.requireMember(org, userId, `memberIds[${i}]`));
    const bindings = (input.bindings ?? []).map((b, i) => this.makeBinding(org, b, `bindings[${i}]`));
    const createdAt = now();
    const group: Group = {
      id: newId('group'),
      name: input.name,
      slug: this.uniqueSlug(org, input.name),
      externalId: null,
      scimSource: null,
      createdAt,
      members: new Map(memberIds.map((id) => [id, createdAt])),
      bindings,
    };
    org.groups.set(group.id, group);
    return group;
  }

  renameGroup(org: Organization, id: string, name: string): Group {
    const group = this.group(org, id);
    this.refuseScimManaged(group, `Cannot rename the SCIM-managed group "${group.name}": rename it in ${group.scimSource}.`);
    group.name = name;
    group.slug = this.uniqueSlug(org, name, group.id);
    return group;
  }

  deleteGroup(org: Organization, id: string): void {
    this.group(org, id);
    org.groups.delete(id);
  }

  addGroupMember(org: Organization, groupId: string, userId: string): Group {
    const group = this.group(org, groupId);
    this.refuseScimManaged(group, `Cannot add members to the SCIM-managed group "${group.name}": assign them in ${group.scimSource}.`);
    this.requireMember(org, userId, 'userId');
    if (group.members.has(userId)) {
      throw new LangWatchError(400, 'already_group_member', `userId: ${userId} is already a member of this group.`);
    }
    group.members.set(userId, now());
    return group;
  }

  removeGroupMember(org: Organization, groupId: string, userId: string): void {
    const group = this.group(org, groupId);
    this.refuseScimManaged(group, `Cannot remove members from the SCIM-managed group "${group.name}": unassign them in ${group.scimSource}.`);
    if (!group.members.delete(userId)) {
      throw new LangWatchError(404, 'group_member_not_found', `${userId} is not a member of this group.`);
    }
  }

  addGroupBinding(org: Organization, groupId: string, input: BindingInput): Binding {
    const group = this.group(org, groupId);
    const binding = this.makeBinding(org, input, '');
    group.bindings.push(binding);
    return binding;
  }

  removeGroupBinding(org: Organization, groupId: string, bindingId: string): void {
    const group = this.group(org, groupId);
    const i = group.bindings.findIndex((b) => b.id === bindingId);
    if (i < 0) throw new LangWatchError(404, 'binding_not_found', `Binding ${bindingId} not found on this group.`);
    group.bindings.splice(i, 1);
  }

  // ---- members -------------------------------------------------------------------------------

  listMembers(org: Organization, includeDisabled: boolean): Member[] {
    return [...org.members.values()].filter((m) => includeDisabled || m.disabledAt === null);
  }

  member(org: Organization, userId: string): Member {
    const member = org.members.get(userId);
    if (!member) throw new LangWatchError(404, 'member_not_found', `Member ${userId} not found in the organization.`);
    return member;
  }

  user(userId: string): User {
    return this.users.get(userId) ?? { id: userId, email: '', name: null };
  }

  /** Exactly one change: a new organization role, or disabled / re-enabled. */
  updateMember(org: Organization, actingKey: ApiKey, userId: string, change: { role: OrgRole } | { disabled: boolean }): Member {
    const member = this.member(org, userId);
    const isActiveAdmin = member.role === 'ADMIN' && member.disabledAt === null;
    if ('role' in change) {
      if (isActiveAdmin && change.role !== 'ADMIN' && this.activeAdmins(org) <= 1) {
        throw new LangWatchError(400, 'cannot_demote_last_admin', 'Cannot change the role of the last active admin; make another member ADMIN first.');
      }
      member.role = change.role;
      return member;
    }
    if (change.disabled) {
      if (member.disabledAt !== null) return member;
      if (actingKey.userId === userId) {
        throw new LangWatchError(400, 'cannot_disable_self', 'A key cannot disable the member it acts as.');
      }
      if (isActiveAdmin && this.activeAdmins(org) <= 1) {
        throw new LangWatchError(400, 'cannot_disable_last_admin', 'Cannot disable the last active admin; make another member ADMIN first.');
      }
      member.disabledAt = now();
      return member;
    }
    if (member.disabledAt === null) return member;
    // A re-enabled member takes a seat again.
    this.requireSeats(org, 1);
    member.disabledAt = null;
    return member;
  }

  removeMember(org: Organization, actingKey: ApiKey, userId: string): void {
    const member = this.member(org, userId);
    if (actingKey.userId === userId) {
      throw new LangWatchError(400, 'cannot_remove_self', 'A key cannot remove the member it acts as.');
    }
    if (member.role === 'ADMIN' && member.disabledAt === null && this.activeAdmins(org) <= 1) {
      throw new LangWatchError(400, 'cannot_remove_last_admin', 'Cannot remove the last active admin; make another member ADMIN first.');
    }
    org.members.delete(userId);
    for (const group of org.groups.values()) group.members.delete(userId);
    for (const key of org.keys.values()) if (key.userId === userId) key.userId = null;
  }

  /** The groups a member belongs to, in creation order. */
  groupsOf(org: Organization, userId: string): Group[] {
    return [...org.groups.values()].filter((g) => g.members.has(userId));
  }

  /** The teams a member reaches through direct grants and group bindings, highest role first. */
  teamsOf(org: Organization, member: Member): { teamId: string; teamName: string; role: BindingRole; customRoleId: string | null }[] {
    const grants = [...member.directBindings, ...this.groupsOf(org, member.userId).flatMap((g) => g.bindings)];
    const out: { teamId: string; teamName: string; role: BindingRole; customRoleId: string | null }[] = [];
    for (const team of org.teams) {
      const applying = grants.filter((b) => b.scopeType === 'ORGANIZATION' || (b.scopeType === 'TEAM' && b.scopeId === team.id));
      if (applying.length === 0) continue;
      const best = highest(applying);
      out.push({ teamId: team.id, teamName: team.name, ...best });
    }
    return out;
  }

  // ---- invites -------------------------------------------------------------------------------

  listInvites(org: Organization): Invite[] {
    return [...org.invites.values()];
  }

  /** All or nothing: every invite is checked before any is written (and, if set, accepted). */
  createInvites(org: Organization, inputs: InviteInput[]): { invites: Invite[]; accepted: Map<string, string> } {
    const seen = new Map<string, number>();
    const prepared = inputs.map((input, i) => {
      const email = normEmail(input.email);
      const earlier = seen.get(email);
      if (earlier !== undefined) {
        throw new LangWatchError(400, 'invalid_request', `invites[${i}].email: ${email} is already invited by invites[${earlier}]`);
      }
      seen.set(email, i);
      if (this.memberByEmail(org, email)) {
        throw new LangWatchError(409, 'already_organization_member', `${email} is already a member of the organization.`);
      }
      if ([...org.invites.values()].some((inv) => inv.email === email)) {
        throw new LangWatchError(409, 'duplicate_invite', `${email} already has a pending invite.`);
      }
      const teams = (input.teams ?? []).map((t, j) => {
        const where = `invites[${i}].teams[${j}]`;
        if (!org.teams.some((team) => team.id === t.teamId)) {
          throw new LangWatchError(400, 'team_not_in_organization', `${where}.teamId: ${t.teamId} is not a team of the organization`);
        }
        return { teamId: t.teamId, role: t.role, customRoleId: this.customRoleFor(org, t.role, t.customRoleId, where) };
      });
      return { email, role: input.role, teams };
    });
    this.requireSeats(org, prepared.length);

    const created = now();
    const expiration = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const invites = prepared.map((p) => {
      const invite: Invite = { id: newId('invite'), inviteCode: hex(16), createdAt: created, expiration, ...p };
      org.invites.set(invite.id, invite);
      return invite;
    });
    const accepted = new Map<string, string>();
    if (org.settings.autoAcceptInvites) {
      for (const invite of invites) accepted.set(invite.id, this.acceptInvite(org, invite.id).userId);
    }
    return { invites, accepted };
  }

  revokeInvite(org: Organization, inviteId: string): void {
    if (!org.invites.delete(inviteId)) throw new LangWatchError(404, 'invite_not_found', `Invite ${inviteId} not found.`);
  }

  /** What the invitee does by following the link: they become a member with the invite's teams. */
  acceptInvite(org: Organization, inviteId: string): Member {
    const invite = org.invites.get(inviteId);
    if (!invite) throw new LangWatchError(404, 'invite_not_found', `Invite ${inviteId} not found.`);
    if (this.memberByEmail(org, invite.email)) {
      throw new LangWatchError(409, 'already_organization_member', `${invite.email} is already a member of the organization.`);
    }
    // The pending invite already holds a seat; accepting needs one only if the limit has shrunk.
    const limit = org.settings.seatLimit;
    if (limit !== null && this.activeMembers(org) + 1 > limit) {
      throw new LangWatchError(403, 'member_seat_limit_reached', `The organization has no seat left for ${invite.email}.`, {
        limitType: 'members',
        current: this.activeMembers(org),
        max: limit,
      });
    }
    org.invites.delete(inviteId);
    const user = this.addUser(org, { email: invite.email, role: invite.role });
    const member = org.members.get(user.id)!;
    member.directBindings = invite.teams.map((t) => ({
      id: newId('binding'),
      role: t.role,
      customRoleId: t.customRoleId,
      scopeType: 'TEAM',
      scopeId: t.teamId,
      createdAt: member.createdAt,
    }));
    return member;
  }

  findInvite(inviteId: string): { org: Organization; invite: Invite } | null {
    for (const org of this.organizations.values()) {
      const invite = org.invites.get(inviteId);
      if (invite) return { org, invite };
    }
    return null;
  }

  // ---- seats and admins ----------------------------------------------------------------------

  activeMembers(org: Organization): number {
    let n = 0;
    for (const m of org.members.values()) if (m.disabledAt === null) n++;
    return n;
  }

  /** Seats in use: active members plus pending invites. */
  seatsUsed(org: Organization): number {
    return this.activeMembers(org) + org.invites.size;
  }

  activeAdmins(org: Organization): number {
    let n = 0;
    for (const m of org.members.values()) if (m.role === 'ADMIN' && m.disabledAt === null) n++;
    return n;
  }

  private requireSeats(org: Organization, wanted: number): void {
    const limit = org.settings.seatLimit;
    const used = this.seatsUsed(org);
    if (limit !== null && used + wanted > limit) {
      throw new LangWatchError(
        403,
        'member_seat_limit_reached',
        `The organization's plan has ${limit} seats and ${used} are taken; ${wanted} more requested.`,
        { limitType: 'members', current: used, max: limit },
      );
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  private addUser(
    org: Organization,
    input: { userId?: string | undefined; email: string; name?: string | null | undefined; role: OrgRole },
  ): User {
    const email = normEmail(input.email);
    let user = this.usersByEmail.has(email) ? this.users.get(this.usersByEmail.get(email)!) : undefined;
    if (!user) {
      const id = input.userId ?? newId('user');
      if (this.users.has(id)) throw new LangWatchError(409, 'user_exists', `A user ${id} already exists with another email.`);
      user = { id, email, name: input.name ?? null };
      this.users.set(id, user);
      this.usersByEmail.set(email, id);
    } else if (input.name && !user.name) {
      user.name = input.name;
    }
    org.members.set(user.id, { userId: user.id, role: input.role, disabledAt: null, createdAt: now(), directBindings: [] });
    return user;
  }

  private memberByEmail(org: Organization, email: string): Member | undefined {
    const userId = this.usersByEmail.get(normEmail(email));
    return userId ? org.members.get(userId) : undefined;
  }

  private requireMember(org: Organization, userId: string, field: string): void {
    if (!org.members.has(userId)) {
      throw new LangWatchError(400, 'user_not_in_organization', `${field}: ${userId} is not a member of the organization`);
    }
  }

  private refuseScimManaged(group: Group, message: string): void {
    if (group.scimSource) throw new LangWatchError(409, 'scim_managed_group', message);
  }

  /** CUSTOM needs a custom role of the organization; any other role carries none (it is dropped). */
  private customRoleFor(org: Organization, role: BindingRole, customRoleId: string | null | undefined, where: string): string | null {
    const prefix = where ? `${where}.` : '';
    if (role !== 'CUSTOM') return null;
    if (!customRoleId) throw new LangWatchError(400, 'invalid_request', `${prefix}customRoleId: is required when role is CUSTOM`);
    if (!org.customRoles.some((r) => r.id === customRoleId)) {
      throw new LangWatchError(400, 'custom_role_not_found', `${prefix}customRoleId: ${customRoleId} is not a custom role of the organization`);
    }
    return customRoleId;
  }

  private makeBinding(org: Organization, input: BindingInput, where: string): Binding {
    const prefix = where ? `${where}.` : '';
    const customRoleId = this.customRoleFor(org, input.role, input.customRoleId, where);
    if (!this.scopeInOrganization(org, input.scopeType, input.scopeId)) {
      throw new LangWatchError(
        400,
        'scope_not_in_organization',
        `${prefix}scopeId: ${input.scopeId} is not a${input.scopeType === 'ORGANIZATION' ? 'n' : ''} ${input.scopeType.toLowerCase()} of this organization`,
      );
    }
    return { id: newId('binding'), role: input.role, customRoleId, scopeType: input.scopeType, scopeId: input.scopeId, createdAt: now() };
  }

  scopeInOrganization(org: Organization, scopeType: ScopeType, scopeId: string): boolean {
    if (scopeType === 'ORGANIZATION') return scopeId === org.id;
    if (scopeType === 'TEAM') return org.teams.some((t) => t.id === scopeId);
    return org.teams.some((t) => t.projects.some((p) => p.id === scopeId));
  }

  scopeName(org: Organization, scopeType: ScopeType, scopeId: string): string | null {
    if (scopeType === 'ORGANIZATION') return scopeId === org.id ? org.name : null;
    if (scopeType === 'TEAM') return org.teams.find((t) => t.id === scopeId)?.name ?? null;
    for (const t of org.teams) {
      const p = t.projects.find((x) => x.id === scopeId);
      if (p) return p.name;
    }
    return null;
  }

  private uniqueSlug(org: Organization, name: string, excludeId?: string): string {
    const base = slugify(name);
    const taken = new Set([...org.groups.values()].filter((g) => g.id !== excludeId).map((g) => g.slug));
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    return slug;
  }

  private describeSeed(org: Organization, admin: User, apiKey: string, viewApiKey: string): SeededOrganization {
    return {
      organizationId: org.id,
      name: org.name,
      apiKey,
      viewApiKey,
      admin: { userId: admin.id, email: admin.email, name: admin.name },
      teams: org.teams.map((t) => ({ id: t.id, name: t.name, projects: t.projects.map((p) => ({ ...p })) })),
      customRoles: org.customRoles.map((r) => ({ ...r })),
      settings: { ...org.settings },
    };
  }
}

/** The winning role among bindings that apply to one scope (ADMIN > MEMBER > VIEWER > CUSTOM). */
export function highest(bindings: Binding[]): { role: BindingRole; customRoleId: string | null } {
  let best: { role: BindingRole; customRoleId: string | null } | null = null;
  for (const b of bindings) {
    if (b.role === 'CUSTOM') {
      best ??= { role: 'CUSTOM', customRoleId: b.customRoleId };
      continue;
    }
    if (!best || best.role === 'CUSTOM' || RANK[b.role] > RANK[best.role]) best = { role: b.role, customRoleId: null };
  }
  return best ?? { role: 'VIEWER', customRoleId: null };
}
