import type { Db } from '../../store/db.js';

/** Who is asking on the admin side: every call is scoped to the key's organization. */
export interface AdminContext {
  db: Db;
  organizationId: string;
}

export const ORG_ROLES = ['ADMIN', 'MEMBER', 'EXTERNAL'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const BINDING_ROLES = ['ADMIN', 'MEMBER', 'VIEWER', 'CUSTOM'] as const;
export type BindingRole = (typeof BINDING_ROLES)[number];
export const SCOPE_TYPES = ['ORGANIZATION', 'TEAM', 'PROJECT'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

export interface BindingInput {
  role: BindingRole;
  customRoleId?: string | null;
  scopeType: ScopeType;
  /** For ORGANIZATION it may be omitted (it is the organization's id). */
  scopeId?: string;
}

export interface Binding {
  id: string;
  role: BindingRole;
  customRoleId: string | null;
  customRoleName: string | null;
  scopeType: ScopeType;
  scopeId: string;
}

export interface GroupSummary {
  id: string;
  name: string;
  slug: string;
  externalId: string | null;
  /** The owning IdP connection's source ("okta", "azure-ad"), or null for a group made by an admin. */
  scimSource: string | null;
  memberCount: number;
  bindings: Binding[];
  createdAt: string;
}

export interface GroupMember {
  userId: string;
  name: string | null;
  email: string;
  addedAt: string;
}

export interface GroupDetail extends GroupSummary {
  organizationId: string;
  members: GroupMember[];
}

export interface GroupCreated {
  id: string;
  name: string;
  slug: string;
  organizationId: string;
  createdAt: string;
}

export interface Page<T> {
  data: T[];
  pagination: { page: number; limit: number; total: number; totalPages: number };
}

export interface MemberSummary {
  userId: string;
  name: string | null;
  email: string;
  role: OrgRole;
  status: 'active' | 'disabled';
  /** Why disabled: an admin's lock-out, the IdP's deactivation, or both. */
  disabledBy: ('admin' | 'idp')[];
  /** The IdP sources that push this person; empty for a member added by an admin. */
  scimSources: string[];
  createdAt: string;
}

export interface MemberDetail extends MemberSummary {
  /** The teams the member reaches through group bindings and direct grants. */
  teams: { teamId: string; role: BindingRole; customRoleId: string | null }[];
}

export interface AccessSource {
  role: BindingRole;
  customRoleId: string | null;
  via: 'organizationRole' | 'group' | 'direct';
  bindingId?: string;
  groupId?: string;
  groupName?: string;
  scimSource?: string | null;
}

export interface EffectiveAccess {
  scopeType: ScopeType;
  scopeId: string;
  /** The highest built-in role on the scope (ADMIN > MEMBER > VIEWER), or null when only custom roles apply. */
  role: Exclude<BindingRole, 'CUSTOM'> | null;
  /** Custom roles are not ranked against built-in ones: every one that applies is listed. */
  customRoleIds: string[];
  /** Every binding that contributes, the winning ones first. */
  sources: AccessSource[];
}

export interface AccessReport {
  userId: string;
  email: string;
  organizationRole: OrgRole;
  status: 'active' | 'disabled';
  groups: { id: string; name: string; scimSource: string | null; bindings: Binding[] }[];
  directGrants: Binding[];
  effective: EffectiveAccess[];
}

export interface InviteInput {
  email: string;
  role: OrgRole;
  teams?: { teamId: string; role: BindingRole; customRoleId?: string | null }[];
}

export interface Invite {
  id: string;
  email: string;
  role: OrgRole;
  inviteCode: string;
  inviteUrl: string | null;
  /** Always true in the embedded model: the member exists at once and no email is sent. */
  emailNotSent: boolean;
  teams: { teamId: string; role: BindingRole; customRoleId: string | null }[];
}
