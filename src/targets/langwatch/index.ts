/**
 * The LangWatch target (../shared/TARGETS.md §A, driven as §A4 says). Two modes:
 *
 * - `scim` (default, Enterprise plan): people and groups over LangWatch's own SCIM server with
 *   a SCIM token the bridge mints once and keeps; people are added at once (no invite to
 *   accept), and groups are SCIM-managed in LangWatch, so they are locked there too. Role
 *   bindings, organization roles and (by default) suspension go over REST with the API key.
 * - `invite` (any plan): people are invited to a team and join when they accept; groups are
 *   ordinary REST groups the bridge guards by reading them back and repairing drift.
 *
 * Suspension is organization-scoped by default (REST `disabled`); `suspend: 'account'` uses
 * SCIM `active:false`, which locks the person out of every organization of a shared instance
 * (LangWatch Cloud): only for a dedicated instance. The two are never mixed for one person.
 */
import type { TargetHttp } from '../http.js';
import type { DesiredGroup, DesiredMember, SyncIo, Target, TargetSecrets } from '../types.js';
import type { Ctx, LangWatchSettings } from './context.js';
import { syncScimGroup } from './groups.js';
import { prepareInvites } from './invites.js';
import { syncPerson } from './people.js';
import { LangWatchRest } from './rest-client.js';
import { syncRestGroup } from './rest-groups.js';
import { ScimClient } from './scim-client.js';
import { MemberPage } from './schemas.js';

export type { LangWatchSettings } from './context.js';
export { langWatchErrorReason } from './errors.js';
export { fitGroupName, MAX_GROUP_NAME } from './names.js';
export { SCIM_TOKEN_SECRET } from './scim-client.js';

export class LangWatchTarget implements Target {
  readonly kind = 'langwatch' as const;
  /** The organization id: from TARGET_ORGANIZATION_ID, or learned once and kept for the process. */
  private remoteOrgId: string | null;
  private orgIdAsked = false;

  constructor(private readonly settings: LangWatchSettings) {
    this.remoteOrgId = settings.remoteOrgId;
  }

  private scimClient(http: TargetHttp, secrets: TargetSecrets): ScimClient | null {
    return this.settings.mode === 'scim' ? new ScimClient(http, secrets, this.settings.scimToken) : null;
  }

  private ctx(io: SyncIo): Ctx {
    const rest = new LangWatchRest(io.http);
    return {
      io,
      rest,
      scim: this.scimClient(io.http, io.secrets),
      settings: this.settings,
      organizationId: async () => {
        if (!this.remoteOrgId && !this.orgIdAsked) {
          this.remoteOrgId = await rest.organizationId();
          // A server that does not say is not asked again on every group of every pass.
          this.orgIdAsked = this.remoteOrgId === null;
        }
        return this.remoteOrgId;
      },
      learnOrganizationId: (id) => {
        this.remoteOrgId ??= id;
      },
    };
  }

  /**
   * Checks the REST key (a one-row member read) and, in scim mode, the SCIM token: a token
   * not minted yet is not a failure (the first sync mints it), a revoked minted one neither
   * (the next sync mints another); a refused TARGET_SCIM_TOKEN or a lapsed plan is.
   */
  async checkCredentials(http: TargetHttp, secrets: TargetSecrets): Promise<string | void> {
    await http.json('GET', '/api/organization/members?limit=1', MemberPage);
    const scim = this.scimClient(http, secrets);
    if (!scim)
      return `invite mode: people are invited to team ${this.settings.inviteTeamId ?? '(TARGET_INVITE_TEAM_ID not set)'} and join when they accept`;
    if (!scim.hasToken()) return 'SCIM token not minted yet; minted on first sync';
    if ((await scim.probe()) === 'refused')
      return 'the stored SCIM token was refused (revoked in LangWatch?); a new one is minted on the next sync';
    return this.settings.scimToken ? 'SCIM token (TARGET_SCIM_TOKEN) works' : 'SCIM token (minted by the bridge) works';
  }

  /** Invite mode: one member read and invites in batches of 50 for the pass's new people. */
  async prepareMembers(desired: DesiredMember[], io: SyncIo): Promise<void> {
    if (this.settings.mode !== 'invite') return;
    await prepareInvites(desired, this.ctx(io));
  }

  async syncMember(desired: DesiredMember, io: SyncIo): Promise<void> {
    await syncPerson(desired, this.ctx(io));
  }

  async syncGroup(desired: DesiredGroup, io: SyncIo): Promise<void> {
    const c = this.ctx(io);
    await (c.scim ? syncScimGroup(desired, c, c.scim) : syncRestGroup(desired, c));
  }
}
