/**
 * The in-memory LangWatch behind the stand-in (TARGETS.md §A): organizations, API keys, SCIM
 * tokens, seeding and reset, on top of the shared primitives of store.ts (accounts,
 * memberships, bindings, group rows, seats, the fake clock). Everything is synchronous, so two
 * concurrent requests never both pass a guard rail.
 *
 * The rules of each API live beside its routes: scim-users.ts, scim-groups.ts, scim-tokens.ts,
 * groups.ts, members.ts, invites.ts. Control-API operations refuse with `LwError` (rendered by
 * app.ts in the control API's house shape).
 */
import { timingSafeEqual } from 'node:crypto';
import { LwError } from './errors.js';
import { Store } from './store.js';
import {
  DEFAULT_SETTINGS,
  hex,
  newApiKeyToken,
  newId,
  parseApiKey,
  sha256,
  slugify,
  type ApiKey,
  type CustomRole,
  type Group,
  type Invite,
  type KeyScope,
  type Member,
  type Organization,
  type OrganizationInput,
  type OrgSettings,
  type ScimToken,
  type SeededOrganization,
  type SeedGroupInput,
  type SeedMemberInput,
  type Team,
  type TeamInput,
  type User,
} from './model.js';

export * from './model.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface LangWatchStateOptions {
  /** Settings every new organization starts with (each field defaults to DEFAULT_SETTINGS). */
  settings?: Partial<OrgSettings>;
}

export class LangWatchState extends Store {
  private readonly keyIndex = new Map<string, string>();
  /** SHA-256 of a SCIM token → [organization id, token id]. */
  private readonly scimTokenIndex = new Map<string, [string, string]>();
  private defaultSettings: OrgSettings;
  private readonly initialDefaults: OrgSettings;
  private initialOrgs: OrganizationInput[] = [];

  constructor(opts: LangWatchStateOptions = {}) {
    super();
    this.defaultSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
    this.initialDefaults = { ...this.defaultSettings };
  }

  // ---- organizations, keys, seeding ------------------------------------------------------------

  /** An organization with an admin, a manage key and a view key; `initial` ones come back on reset. */
  createOrganization(input: OrganizationInput = {}, opts: { initial?: boolean } = {}): SeededOrganization {
    const id = input.id ?? newId('organization');
    if (this.organizations.has(id)) throw new LwError(409, 'organization_exists', `Organization ${id} already exists.`);
    const name = input.name ?? 'Acme';
    const org: Organization = {
      id,
      name,
      slug: slugify(name) || 'organization',
      createdAt: this.now(),
      settings: { ...this.defaultSettings, ...input.settings },
      teams: [],
      customRoles: [],
      keys: new Map(),
      members: new Map(),
      userBindings: [],
      invites: new Map(),
      groups: new Map(),
      scimTokens: new Map(),
    };
    this.organizations.set(id, org);
    const admin = this.seedMember(id, {
      userId: input.admin?.userId,
      email: input.admin?.email ?? `admin@${org.slug}.test`,
      name: input.admin?.name ?? 'Admin',
      role: 'ADMIN',
    });
    const apiKey = this.createApiKey(id, { token: input.apiKey, scopes: ['organization:manage', 'organization:view'], name: 'Admin key' });
    const viewApiKey = this.createApiKey(id, { token: input.viewApiKey, scopes: ['organization:view'], name: 'Read-only key' });
    for (const team of input.teams ?? [{ name: 'Engineering', projects: ['Chatbot'] }]) this.createTeam(id, team);
    for (const role of input.customRoles ?? [{ name: 'Annotator' }]) this.createCustomRole(id, role);
    for (const m of input.members ?? []) this.seedMember(id, m);

    const adminUser = this.users.get(admin.userId)!;
    if (opts.initial) {
      // Pin every generated id so a reset rebuilds the very same organization.
      this.initialOrgs.push({
        ...input,
        id,
        name,
        admin: { userId: adminUser.id, email: adminUser.email ?? undefined, name: adminUser.name ?? 'Admin' },
        apiKey: apiKey.token,
        viewApiKey: viewApiKey.token,
        teams: org.teams.map((t) => ({ id: t.id, name: t.name, projects: t.projects.map((p) => ({ ...p })) })),
        customRoles: org.customRoles.map((r) => ({ ...r })),
      });
    }
    return this.describeSeed(org, adminUser, apiKey.token, viewApiKey.token);
  }

  /** Back to how the state began: the initial organizations (same ids and keys), the clock at zero. */
  reset(opts: { empty?: boolean } = {}): SeededOrganization[] {
    this.organizations.clear();
    this.users.clear();
    this.usersByEmail.clear();
    this.keyIndex.clear();
    this.scimTokenIndex.clear();
    this.clock.reset();
    this.defaultSettings = { ...this.initialDefaults };
    const specs = opts.empty ? [] : this.initialOrgs;
    this.initialOrgs = [];
    return specs.map((spec) => this.createOrganization(spec, { initial: true }));
  }

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

  org(organizationId: string): Organization {
    const org = this.organizations.get(organizationId);
    if (!org) throw new LwError(404, 'organization_not_found', `No organization ${organizationId}.`);
    return org;
  }

  createApiKey(
    organizationId: string,
    input: { token?: string | undefined; scopes: KeyScope[]; name?: string | undefined; userId?: string | null | undefined },
  ): ApiKey {
    const org = this.org(organizationId);
    const token = input.token ?? newApiKeyToken();
    const parts = parseApiKey(token);
    if (!parts) throw new LwError(400, 'invalid_request', 'token: must look like sk-lw-<id>_<secret> (letters and digits)');
    if (this.keyIndex.has(parts.id)) throw new LwError(409, 'api_key_exists', `An API key with id ${parts.id} already exists.`);
    if (input.userId && !org.members.has(input.userId)) {
      throw new LwError(400, 'user_not_in_organization', `userId: ${input.userId} is not a member of the organization`);
    }
    const key: ApiKey = {
      id: parts.id,
      token,
      name: input.name ?? 'API key',
      scopes: [...new Set(input.scopes)],
      userId: input.userId ?? null,
      createdAt: this.now(),
    };
    org.keys.set(key.id, key);
    this.keyIndex.set(key.id, org.id);
    return key;
  }

  /** The organization and key behind an API key, or null (unknown, malformed, wrong secret). */
  authenticate(token: string): { org: Organization; key: ApiKey } | null {
    const parts = parseApiKey(token);
    if (!parts) return null;
    const orgId = this.keyIndex.get(parts.id);
    const org = orgId ? this.organizations.get(orgId) : undefined;
    const key = org?.keys.get(parts.id);
    if (!org || !key || !sameSecret(key.token, token)) return null;
    return { org, key };
  }

  /** TARGETS §A1 "Tokens": 32 random bytes as 64 hex characters, no prefix; only the hash is kept. */
  createScimToken(org: Organization, description: string | null): { token: string; record: ScimToken } {
    const token = hex(32);
    const record: ScimToken = { id: newId('scimtoken'), hashedToken: sha256(token), description, createdAt: this.now(), lastUsedAt: null };
    org.scimTokens.set(record.id, record);
    this.scimTokenIndex.set(record.hashedToken, [org.id, record.id]);
    return { token, record };
  }

  revokeScimToken(org: Organization, tokenId: string): boolean {
    const record = org.scimTokens.get(tokenId);
    if (!record) return false;
    org.scimTokens.delete(tokenId);
    this.scimTokenIndex.delete(record.hashedToken);
    return true;
  }

  /** The organization and token record behind a SCIM bearer token, or null. */
  findScimToken(token: string): { org: Organization; record: ScimToken } | null {
    const hit = this.scimTokenIndex.get(sha256(token));
    const org = hit ? this.organizations.get(hit[0]) : undefined;
    const record = org?.scimTokens.get(hit![1]);
    return org && record ? { org, record } : null;
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

  /**
   * A person put straight into the organization (no invite, no seat check): a test's "given".
   * The address is lowercased as LangWatch's sign-up does, unless `keepEmailCase`. An account
   * that already exists with that address joins as well: one `User`, two memberships.
   */
  seedMember(organizationId: string, input: SeedMemberInput): Member {
    const org = this.org(organizationId);
    const email = input.email === null ? null : input.keepEmailCase ? input.email.trim() : input.email.trim().toLowerCase();
    let user = email === null ? undefined : this.userByEmail(email);
    if (user && org.members.has(user.id)) {
      throw new LwError(409, 'already_organization_member', `${email} is already a member of the organization.`);
    }
    if (user && input.userId && input.userId !== user.id) {
      throw new LwError(409, 'user_exists', `${email} already belongs to account ${user.id}.`);
    }
    for (const b of input.bindings ?? []) {
      if (!this.scopeInOrganization(org, b.scopeType, b.scopeId))
        throw new LwError(400, 'scope_not_in_organization', `bindings: ${b.scopeId} is not a scope of the organization`);
    }
    user ??= this.createUser({ id: input.userId, email, name: input.name ?? null });
    for (const b of input.bindings ?? []) org.userBindings.push({ ...this.newBinding(b), userId: user.id });
    if (input.deactivated) user.deactivatedAt = this.now();
    const member = this.addMembership(org, user.id, input.role ?? 'MEMBER');
    if (input.disabled) member.disabledAt = this.now();
    return member;
  }

  /** A group put straight into the organization, possibly SCIM-managed (`scimSource`). */
  seedGroup(organizationId: string, input: SeedGroupInput): Group {
    const org = this.org(organizationId);
    if (input.id && org.groups.has(input.id)) throw new LwError(409, 'group_exists', `Group ${input.id} already exists.`);
    for (const userId of input.memberIds ?? []) {
      if (!org.members.has(userId))
        throw new LwError(400, 'user_not_in_organization', `memberIds: ${userId} is not a member of the organization`);
    }
    const group = this.createGroupRow(org, {
      id: input.id,
      name: input.name,
      slug: this.uniqueSlug(org, slugify(input.name), 2),
      scimSource: input.scimSource ?? null,
    });
    for (const userId of input.memberIds ?? []) group.members.set(userId, this.now());
    for (const b of input.bindings ?? []) {
      if (!this.scopeInOrganization(org, b.scopeType, b.scopeId))
        throw new LwError(400, 'scope_not_in_organization', `bindings: ${b.scopeId} is not a scope of the organization`);
      group.bindings.push(this.newBinding(b));
    }
    return group;
  }

  /** The settings UI deleting a group: bypasses the SCIM lock (TARGETS §A1 "Groups", last bullet). */
  deleteGroupRow(org: Organization, groupId: string): boolean {
    return org.groups.delete(groupId);
  }

  findInvite(inviteId: string): { org: Organization; invite: Invite } | null {
    for (const org of this.organizations.values()) {
      const invite = org.invites.get(inviteId);
      if (invite) return { org, invite };
    }
    return null;
  }

  /**
   * What the invitee does by opening the link and signing in (control API only): the account
   * (made if needed, address lowercased as sign-up does) joins with the invite's role and team
   * bindings, and the invite is marked ACCEPTED.
   */
  acceptInvite(org: Organization, invite: Invite): Member {
    if (invite.status !== 'PENDING') throw new LwError(409, 'invite_not_pending', `Invite ${invite.id} was already accepted.`);
    if (Date.parse(invite.expiration) <= this.clock.nowMs())
      throw new LwError(410, 'invite_expired', `Invite ${invite.id} expired at ${invite.expiration}.`);
    const email = invite.email.toLowerCase();
    const user = this.userByEmail(email) ?? this.createUser({ email, name: null });
    if (org.members.has(user.id))
      throw new LwError(409, 'already_organization_member', `${email} is already a member of the organization.`);
    const member = this.addMembership(org, user.id, invite.role);
    for (const t of invite.teams) {
      org.userBindings.push({
        ...this.newBinding({ role: t.role, customRoleId: t.customRoleId, scopeType: 'TEAM', scopeId: t.teamId }),
        userId: user.id,
      });
    }
    invite.status = 'ACCEPTED';
    return member;
  }

  private describeSeed(org: Organization, admin: User, apiKey: string, viewApiKey: string): SeededOrganization {
    return {
      organizationId: org.id,
      name: org.name,
      apiKey,
      viewApiKey,
      admin: { userId: admin.id, email: admin.email ?? '', name: admin.name },
      teams: org.teams.map((t) => ({ id: t.id, name: t.name, projects: t.projects.map((p) => ({ ...p })) })),
      customRoles: org.customRoles.map((r) => ({ ...r })),
      settings: { ...org.settings },
    };
  }
}
