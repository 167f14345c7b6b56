/**
 * The part of the stand-in's state every family's rules use (TARGETS.md §A): accounts (global,
 * with the case-sensitive unique email index and the account-wide deactivation), memberships,
 * bindings and their scopes, group rows and slugs, seats and admins, on the fake clock.
 * `LangWatchState` (state.ts) adds organizations, keys, SCIM tokens, seeding and reset.
 */
import { LwError, UniqueViolation } from './errors.js';
import {
  Clock,
  newId,
  type Binding,
  type BindingInput,
  type Group,
  type Invite,
  type Member,
  type Organization,
  type OrgRole,
  type User,
} from './model.js';

export class Store {
  readonly clock = new Clock();
  readonly organizations = new Map<string, Organization>();
  /** Accounts are global: one `User` may belong to several organizations (TARGETS §A1 trap 5). */
  readonly users = new Map<string, User>();
  /** The unique index on `User.email`: exact, case-sensitive (TARGETS §A1 trap 7). */
  protected readonly usersByEmail = new Map<string, string>();
  private groupSeq = 0;

  now(): string {
    return this.clock.iso();
  }
  // ---- accounts ---------------------------------------------------------------------------------

  user(userId: string): User | undefined {
    return this.users.get(userId);
  }

  /** Exact lookup on the unique index, as `findUnique({where:{email}})` does. */
  userByEmail(email: string): User | undefined {
    const id = this.usersByEmail.get(email);
    return id ? this.users.get(id) : undefined;
  }

  createUser(input: { id?: string | undefined; email: string | null; name: string | null }): User {
    const id = input.id ?? newId('user');
    if (this.users.has(id)) throw new LwError(409, 'user_exists', `A user ${id} already exists.`);
    if (input.email !== null && this.usersByEmail.has(input.email)) throw new UniqueViolation('email');
    const at = this.now();
    const user: User = { id, email: input.email, name: input.name, deactivatedAt: null, createdAt: at, updatedAt: at, signOuts: 0 };
    this.users.set(id, user);
    if (input.email !== null) this.usersByEmail.set(input.email, id);
    return user;
  }

  /**
   * `UserService.updateProfile`: the email is trimmed and lowercased, a blank one is an
   * (unmapped) error, another account holding it violates the unique index, and a change of
   * address signs the person out everywhere.
   */
  updateProfile(user: User, change: { name?: string | undefined; email?: string | undefined }): void {
    let email = change.email;
    if (email !== undefined) {
      email = email.trim().toLowerCase();
      if (email === '') throw new Error('Email cannot be blank');
      const owner = this.usersByEmail.get(email);
      if (owner !== undefined && owner !== user.id) throw new UniqueViolation('email');
    }
    if (change.name !== undefined) user.name = change.name;
    if (email !== undefined && email !== user.email) {
      const changed = (user.email ?? '').toLowerCase() !== email;
      if (user.email !== null) this.usersByEmail.delete(user.email);
      user.email = email;
      this.usersByEmail.set(email, user.id);
      if (changed) user.signOuts += 1;
    }
    user.updatedAt = this.now();
  }

  /** `User.deactivatedAt`: account-wide, every organization (TARGETS §A1 "active:false"). */
  deactivate(user: User): void {
    user.deactivatedAt = this.now();
    user.updatedAt = user.deactivatedAt;
    user.signOuts += 1;
  }

  reactivate(user: User): void {
    user.deactivatedAt = null;
    user.updatedAt = this.now();
  }

  // ---- memberships, bindings ------------------------------------------------------------------------

  addMembership(org: Organization, userId: string, role: OrgRole): Member {
    const at = this.now();
    const member: Member = { userId, role, disabledAt: null, createdAt: at, updatedAt: at, department: null };
    org.members.set(userId, member);
    return member;
  }

  newBinding(input: BindingInput): Binding {
    return {
      id: newId('binding'),
      role: input.role,
      customRoleId: input.role === 'CUSTOM' ? (input.customRoleId ?? null) : null,
      scopeType: input.scopeType,
      scopeId: input.scopeId,
      createdAt: this.now(),
    };
  }

  scopeInOrganization(org: Organization, scopeType: string, scopeId: string): boolean {
    if (scopeType === 'ORGANIZATION') return scopeId === org.id;
    if (scopeType === 'TEAM') return org.teams.some((t) => t.id === scopeId);
    return org.teams.some((t) => t.projects.some((p) => p.id === scopeId));
  }

  scopeName(org: Organization, scopeType: string, scopeId: string): string | null {
    if (scopeType === 'ORGANIZATION') return scopeId === org.id ? org.name : null;
    if (scopeType === 'TEAM') return org.teams.find((t) => t.id === scopeId)?.name ?? null;
    for (const t of org.teams) {
      const p = t.projects.find((x) => x.id === scopeId);
      if (p) return p.name;
    }
    return null;
  }

  customRoleName(org: Organization, id: string | null): string | null {
    return id ? (org.customRoles.find((r) => r.id === id)?.name ?? null) : null;
  }

  // ---- groups -------------------------------------------------------------------------------------

  createGroupRow(org: Organization, input: { id?: string | undefined; name: string; slug: string; scimSource: string | null }): Group {
    const at = this.now();
    const group: Group = {
      id: input.id ?? newId('group'),
      name: input.name,
      slug: input.slug,
      externalId: null,
      scimSource: input.scimSource,
      createdAt: at,
      updatedAt: at,
      seq: ++this.groupSeq,
      members: new Map(),
      bindings: [],
    };
    org.groups.set(group.id, group);
    return group;
  }

  /**
   * A slug free in the organization. REST counts from `-2` (`findUniqueSlug`, group.prisma.repository.ts),
   * SCIM from `-1` with "group" for an empty base (`uniqueSlug`, scim-group.service.ts).
   */
  uniqueSlug(org: Organization, base: string, firstSuffix: 1 | 2, excludeId?: string): string {
    const taken = new Set([...org.groups.values()].filter((g) => g.id !== excludeId).map((g) => g.slug));
    let slug = base;
    for (let n = firstSuffix; taken.has(slug); n++) slug = `${base}-${n}`;
    return slug;
  }

  // ---- seats, admins, invites ----------------------------------------------------------------------

  /** Invites that still count: pending and not expired (TARGETS §A3 "GET /invites"). */
  liveInvites(org: Organization): Invite[] {
    const now = this.clock.nowMs();
    return [...org.invites.values()].filter((i) => i.status === 'PENDING' && Date.parse(i.expiration) > now);
  }

  /** Seats in use: active members plus live invites (`LicenseEnforcementRepository.getMemberCount`). */
  seatsUsed(org: Organization): number {
    let n = 0;
    for (const m of org.members.values()) if (m.disabledAt === null) n++;
    return n + this.liveInvites(org).length;
  }

  activeAdmins(org: Organization): number {
    let n = 0;
    for (const m of org.members.values()) if (m.role === 'ADMIN' && m.disabledAt === null) n++;
    return n;
  }
}
