/**
 * The records behind the LangSmith stand-in (TARGETS.md §B), and the facts they follow.
 *
 * How LangSmith keeps people, and so how this model does:
 * - a *user* is global (one per email address): `ls_user_id` (LangSmith's user id) and `user_id`
 *   (the login provider's) are the same in every organization (ls-spec `OrgMemberIdentity`);
 * - an *organization identity* ties a user to an organization with an organization role; its
 *   `id` is the `identity_id` of the org-scoped paths (§B S6, S7);
 * - a *workspace identity* ties a user to one workspace with a workspace role. It has its **own
 *   id**, different from the organization identity's: the workspace-scoped paths (§B S11, S12)
 *   take that one. §B "Identity ids": whether the two match is not documented, do not assume
 *   they do; the stand-in makes them differ so a client that confuses them fails here;
 * - a *pending identity* is an invite (§B S5). It has no organization identity until accepted
 *   (here: through the control API); accepting makes a new organization identity (a new id) and
 *   the workspace identities its `workspace_ids` named. Each workspace it names also lists it as
 *   pending under a per-workspace id of its own (ls-spec `TenantMembers.pending`).
 */
import { randomBytes } from 'node:crypto';

export type AccessScope = 'organization' | 'workspace';

/** ls-spec `Role`. */
export interface Role {
  id: string;
  /** ORGANIZATION_ADMIN, ..., WORKSPACE_VIEWER for system roles (not documented); CUSTOM otherwise. */
  name: string;
  display_name: string;
  description: string;
  access_scope: AccessScope;
  /** null for system roles (shared by every organization). */
  organization_id: string | null;
  permissions: string[];
}

export type SystemRoleName = 'ORGANIZATION_ADMIN' | 'ORGANIZATION_USER' | 'WORKSPACE_ADMIN' | 'WORKSPACE_USER' | 'WORKSPACE_VIEWER';

/**
 * §B S3 (ls-doc sample): "system org roles are 'Organization Admin', 'Organization User'; system
 * workspace roles are 'Admin', 'Editor', 'Viewer'". Their `name` values and permission lists are
 * not documented; clients find roles by `display_name` and `access_scope`, as the sample does.
 */
export const SYSTEM_ROLE_SPECS: (Omit<Role, 'id' | 'organization_id'> & { name: SystemRoleName })[] = [
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

export interface OrgSettings {
  /** Members plus pending invites may not exceed it; null is unlimited. LangSmith's answer is not documented. */
  seatLimit: number | null;
  /** true: an invite is accepted the moment it is made. Off by default: invites stay pending (§B S5). */
  autoAcceptInvites: boolean;
  /**
   * The workspace role (display name) the server gives when a request names none: an S10 add
   * without `role_id` (e.g. the docs' sample body, whose `workspace_role_id` is not a field of
   * that request), or an invite with `workspace_ids` and no `workspace_role_id`. LangSmith's
   * default is not documented (§B S10 bullet); the stand-in's is "Viewer", so a client that
   * asked for more and does not read the membership back is caught.
   */
  defaultWorkspaceRole: string;
}

export const DEFAULT_SETTINGS: OrgSettings = { seatLimit: null, autoAcceptInvites: false, defaultWorkspaceRole: 'Viewer' };

export interface User {
  /** `ls_user_id`. */
  id: string;
  /** `user_id` (deprecated as a way to name someone in S10, still in every member row). */
  authUserId: string;
  email: string;
  fullName: string | null;
  createdAt: string;
}

export interface OrgIdentity {
  id: string;
  userId: string;
  roleId: string;
  /** ls-spec `is_disabled` (the Terraform provider skips such rows [ls-tf access_helpers.go]). */
  disabled: boolean;
  createdAt: string;
}

export interface WorkspaceIdentity {
  id: string;
  userId: string;
  workspaceId: string;
  /** The organization identity this one hangs from (a different id, §B "Identity ids"). */
  parentId: string;
  roleId: string;
  createdAt: string;
}

export interface PendingIdentity {
  id: string;
  email: string;
  /** The user, when the address is already known to LangSmith (a member elsewhere). */
  userId: string | null;
  roleId: string;
  /** As sent: null when the invite named none (the server default applies on acceptance). */
  workspaceRoleId: string | null;
  /** Workspace id → the per-workspace pending id under which that workspace lists the invite. */
  workspaces: Map<string, string>;
  createdAt: string;
}

export interface Workspace {
  id: string;
  displayName: string;
  tenantHandle: string | null;
  createdAt: string;
  /** Deleted in the UI (control API): listed only with `include_deleted=true`, unreachable by X-Tenant-Id. */
  deleted: boolean;
  /** Workspace identity id → identity, in insertion order. */
  members: Map<string, WorkspaceIdentity>;
}

/**
 * An API key (§B Keys). `service` keys act with their own organization role; `personal` keys
 * (PATs) act as their owner. A key that is not organization-scoped has a home workspace that a
 * workspace-scoped request without X-Tenant-Id defaults to; with an organization-scoped key
 * such a request is 403 (§B Keys, ls-doc Warning).
 */
export interface ApiKey {
  key: string;
  kind: 'service' | 'personal';
  organizationScoped: boolean;
  homeWorkspaceId: string | null;
  /** personal: the owner's organization identity. */
  identityId: string | null;
  /** service: the key's organization role. */
  roleId: string | null;
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

/** Who a request acts as: the key, its organization role, and its owner for a personal key. */
export interface Caller {
  key: ApiKey;
  orgRoleId: string;
  identity: OrgIdentity | null;
}

// ---- small helpers -------------------------------------------------------------------------

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const normEmail = (email: string) => email.trim().toLowerCase();
/** LangSmith ids are UUIDs, compared lower-case as a UUID type would. */
export const normId = (id: string) => id.trim().toLowerCase();

/** `lsv2_sk_…` (service key) or `lsv2_pt_…` (personal access token): `<32 hex>_<10 hex>`. */
export function newApiKey(kind: ApiKey['kind']): string {
  return `lsv2_${kind === 'service' ? 'sk' : 'pt'}_${hex(16)}_${hex(5)}`;
}

let lastStamp = 0;
/**
 * `created_at`, strictly increasing: the paged lists sort by it, newest first by default
 * (ls-spec S4b `sort_by=created_at`, `sort_by_desc=true`), so ties would make pages unstable.
 */
export function stamp(): string {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return new Date(lastStamp).toISOString();
}
