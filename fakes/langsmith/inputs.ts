/**
 * What the control API and seeding take to build LangSmith stand-in state (camelCase like the
 * LangWatch stand-in's control API), and what a new organization hands back.
 */
import type { AccessScope, ApiKey, OrgSettings } from './model.js';

/** A role named by id, by `display_name` or by `name`. */
export type RoleRef = string;

export interface SeedMemberInput {
  email: string;
  fullName?: string | null | undefined;
  /** Organization role; default "Organization User". */
  role?: RoleRef | undefined;
  /** Workspaces by id or display name, each with a workspace role (default "Admin"). */
  workspaces?: { workspace: string; role?: RoleRef | undefined }[] | undefined;
}

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
  /** The organization's first key: an organization-scoped service key with Organization Admin (§B Keys). */
  apiKey?: string | undefined;
  /** Workspaces to create; default one, "Default". The admin is Admin in each. */
  workspaces?: ({ id?: string | undefined; displayName: string } | string)[] | undefined;
  members?: SeedMemberInput[] | undefined;
  settings?: Partial<OrgSettings> | undefined;
}

export interface KeyInput {
  kind?: ApiKey['kind'] | undefined;
  /** personal: the owner (default: the first Organization Admin). */
  identityId?: string | undefined;
  /** service: its organization role (default "Organization Admin"). */
  role?: RoleRef | undefined;
  /** Default: true for a service key, false for a personal one (§B Keys). */
  organizationScoped?: boolean | undefined;
  /** The home workspace of a key that is not organization-scoped (default: the first one). */
  workspaceId?: string | undefined;
  apiKey?: string | undefined;
}

export interface CustomRoleInput {
  organizationId?: string | undefined;
  id?: string | undefined;
  displayName: string;
  description?: string | undefined;
  accessScope?: AccessScope | undefined;
  permissions?: string[] | undefined;
}

/** What a new organization hands back: everything a client needs to talk to it. */
export interface SeededOrganization {
  organizationId: string;
  displayName: string;
  /** An organization-scoped service key with Organization Admin (§B Keys: the current advice). */
  apiKey: string;
  admin: { identityId: string; userId: string; lsUserId: string; email: string };
  workspaces: { id: string; displayName: string }[];
  settings: OrgSettings;
}
