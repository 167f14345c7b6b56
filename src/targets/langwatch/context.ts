/**
 * What one entity's sync works with: the bridge's durable memory, LangWatch's REST API with
 * the organization key, its SCIM server with the bridge's SCIM token (scim mode only), and the
 * settings. Built per call by the target (index.ts).
 */
import type { SyncIo } from '../types.js';
import type { LangWatchRest } from './rest-client.js';
import type { ScimClient } from './scim-client.js';

export interface LangWatchSettings {
  /** TARGET_LANGWATCH_MODE: people and groups over LangWatch's SCIM server, or over REST invites. */
  mode: 'scim' | 'invite';
  /**
   * TARGET_SUSPEND: `organization` (REST `disabled`, this organization only) or `account`
   * (SCIM `active:false`, the person's whole LangWatch account, every organization of a shared
   * instance). Invite mode has no SCIM, so it always suspends in the organization.
   */
  suspend: 'organization' | 'account';
  /** TARGET_DELETE_MODE: what a deleted person becomes: removed, or kept disabled. */
  deleteMode: 'remove' | 'disable';
  /** TARGET_INVITE_TEAM_ID: every invite must name a team (TARGETS.md §A3). Required in invite mode. */
  inviteTeamId: string | null;
  inviteTeamRole: 'ADMIN' | 'MEMBER' | 'VIEWER';
  /** TARGET_ORGANIZATION_ID: the scopeId of ORGANIZATION-scoped bindings; learned when unset. */
  remoteOrgId: string | null;
  /** TARGET_SCIM_TOKEN: used instead of a token the bridge mints and keeps. */
  scimToken: string | null;
  /** How long a wait for people (an invite accepted, a person provisioned) lasts before looking again. */
  inviteWaitMs?: number;
}

export interface Ctx {
  io: SyncIo;
  rest: LangWatchRest;
  /** Null in invite mode. */
  scim: ScimClient | null;
  settings: LangWatchSettings;
  /** The organization id, learned once (GET /api/organization) when no setting gives it. */
  organizationId(): Promise<string | null>;
  /** Keeps an organization id LangWatch handed out anyway (POST /api/groups answers it). */
  learnOrganizationId(id: string): void;
}

/** Invites wait for a browser click: look again every half minute. */
export const INVITE_WAIT_MS = 30_000;
/** In scim mode people are created in the same pass: a short wait. */
export const PROVISION_WAIT_MS = 5_000;

export const waitMs = (c: Ctx) => c.settings.inviteWaitMs ?? (c.settings.mode === 'invite' ? INVITE_WAIT_MS : PROVISION_WAIT_MS);
