/**
 * The records behind the LangWatch stand-in (TARGETS.md §A), shaped like LangWatch's own tables
 * (`platform/app/prisma/schema.prisma` in langwatch/langwatch): one `User` per account, shared
 * by every organization it belongs to, an `OrganizationUser` membership per organization, `Group`
 * rows with their memberships, `RoleBinding`s held by a user or a group, invites and SCIM tokens.
 * Plus the fake's own clock, so a test can let invites expire without waiting 48 hours.
 */
import { createHash, randomBytes } from 'node:crypto';

export const ORG_ROLES = ['ADMIN', 'MEMBER', 'EXTERNAL'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const BINDING_ROLES = ['ADMIN', 'MEMBER', 'VIEWER', 'CUSTOM'] as const;
export type BindingRole = (typeof BINDING_ROLES)[number];
export const SCOPE_TYPES = ['ORGANIZATION', 'TEAM', 'PROJECT'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];
export const KEY_SCOPES = ['organization:manage', 'organization:view'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** TARGETS §A3 "Invite": each invite expires after 48 h (`INVITE_EXPIRATION_MS`, invite.service.ts). */
export const INVITE_EXPIRATION_MS = 2 * 24 * 60 * 60 * 1000;
/** TARGETS §A0 "Versioning": the one dated version every management family serves. */
export const MANAGEMENT_API_VERSION = '2026-08-07';

export interface OrgSettings {
  /** Active members plus pending invites may not exceed it; null is unlimited. */
  seatLimit: number | null;
  /** false: not on Enterprise. REST families answer 402, SCIM answers 403 (TARGETS §A0 "Plan gate", §A1). */
  plan: boolean;
  /** true: an invite is accepted the moment it is created. Off by default: TARGETS §A3 says invites wait for a browser. */
  autoAcceptInvites: boolean;
}

export const DEFAULT_SETTINGS: OrgSettings = { seatLimit: null, plan: true, autoAcceptInvites: false };

/** `User`: the account. `deactivatedAt` is account-wide (TARGETS §A1 "active:false"). */
export interface User {
  id: string;
  /** Nullable in LangWatch's schema; unique, case-sensitively (TARGETS §A1 trap 7). */
  email: string | null;
  name: string | null;
  deactivatedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** How many times every session of this account was revoked (email change, deactivation). */
  signOuts: number;
}

/** `OrganizationUser`: the membership. `disabledAt` is the org-scoped REST flag (TARGETS §A3). */
export interface Member {
  userId: string;
  role: OrgRole;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set by the SCIM enterprise `costCenter` (TARGETS §A1 "POST"). */
  department: string | null;
}

export interface Binding {
  id: string;
  role: BindingRole;
  customRoleId: string | null;
  scopeType: ScopeType;
  scopeId: string;
  createdAt: string;
}

/** A direct binding, held by one user in one organization. */
export interface UserBinding extends Binding {
  userId: string;
}

export interface Group {
  id: string;
  name: string;
  slug: string;
  /** Always null: neither SCIM nor REST stores it (TARGETS §A1 "Groups", trap 2). */
  externalId: string | null;
  /** "scim" for groups SCIM created; null for REST ones (TARGETS §A1, §A2). */
  scimSource: string | null;
  createdAt: string;
  updatedAt: string;
  /** Creation order, so "oldest first" is stable when two groups share a millisecond. */
  seq: number;
  /** userId → when added. Rows outlive the person's membership (TARGETS §A1 "DELETE"). */
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
  status: 'PENDING' | 'ACCEPTED';
  inviteCode: string;
  teams: TeamGrant[];
  createdAt: string;
  expiration: string;
}

export interface ScimToken {
  id: string;
  /** TARGETS §A1 "Tokens": only the SHA-256 of the token is kept. */
  hashedToken: string;
  description: string | null;
  createdAt: string;
  lastUsedAt: string | null;
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
  /** The member a personal key acts as (the self guards apply), or null for a service key. */
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
  userBindings: UserBinding[];
  invites: Map<string, Invite>;
  groups: Map<string, Group>;
  scimTokens: Map<string, ScimToken>;
}

// ---- seeding inputs --------------------------------------------------------------------------

export interface BindingInput {
  role: BindingRole;
  customRoleId?: string | null | undefined;
  scopeType: ScopeType;
  scopeId: string;
}

export interface SeedMemberInput {
  userId?: string | undefined;
  /** null: an account without an email address (LangWatch's column is nullable). */
  email: string | null;
  name?: string | null | undefined;
  role?: OrgRole | undefined;
  disabled?: boolean | undefined;
  /** Account-wide deactivation, as SCIM `active:false` leaves it. */
  deactivated?: boolean | undefined;
  /** Store the address as given instead of lowercased (as a SCIM POST would). */
  keepEmailCase?: boolean | undefined;
  /** Direct role bindings of the member (as invites and the settings UI grant them). */
  bindings?: BindingInput[] | undefined;
}

export interface SeedGroupInput {
  id?: string | undefined;
  name: string;
  scimSource?: string | null | undefined;
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
  /** organization:manage (and view); a service key, acting as nobody. */
  apiKey: string;
  /** organization:view only. */
  viewApiKey: string;
  admin: { userId: string; email: string; name: string | null };
  teams: { id: string; name: string; projects: Project[] }[];
  customRoles: CustomRole[];
  settings: OrgSettings;
}

// ---- helpers -------------------------------------------------------------------------------

/** The fake's clock: real time plus an offset that `POST /_fake/clock` moves forward. */
export class Clock {
  private offsetMs = 0;
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
  iso(): string {
    return new Date(this.nowMs()).toISOString();
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  reset(): void {
    this.offsetMs = 0;
  }
  offset(): number {
    return this.offsetMs;
  }
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function newApiKeyToken(): string {
  return `sk-lw-${hex(8)}_${hex(24)}`;
}

/** `sk-lw-<id>_<secret>` → its parts, or null when it is not shaped like a LangWatch key. */
export function parseApiKey(token: string): { id: string; secret: string } | null {
  const m = /^sk-lw-([A-Za-z0-9]+)_([A-Za-z0-9]+)$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/**
 * LangWatch's `slugify` (`platform/app/src/utils/slugify.ts`: the `slugify` package, lower and
 * strict, with `:?&_` turned into dashes first): accents dropped, everything but letters, digits
 * and spaces removed, spaces and dashes collapsed into one dash.
 */
export function slugify(name: string): string {
  return name
    .replace(/[:?&_]/g, '-')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/-/g, ' ')
    .replace(/[^A-Za-z0-9\s]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .toLowerCase();
}

/** Postgres-like text order (a case-insensitive collation), nulls last as Prisma's `asc` puts them. */
export function textOrder(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b, 'en') || (a < b ? -1 : a > b ? 1 : 0);
}
