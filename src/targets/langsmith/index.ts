/**
 * The LangSmith target (../shared/TARGETS.md §B). People become organization members
 * (invited by email with an organization role); groups become workspace memberships and
 * workspace roles. LangSmith has no group object of its own, so the unit of sync is the
 * MEMBER: `syncMember` computes a person's whole LangSmith access from the groups they are in
 * (and their organization role) and makes the organization role and every workspace membership
 * match, reading the actual state back each time, so that a change made in LangSmith behind
 * the bridge's back is repaired and logged as drift. Membership, rename, binding and deletion
 * changes of a group reach LangSmith through the member marks the directory sets for every
 * member the change touches (src/directory/access/marks.ts); `syncGroup` only makes sure the
 * workspaces a group names exist (or says clearly that one does not).
 *
 * Groups map to access in one of two ways (setting `mapping`, access.ts):
 * - 'convention', LangSmith's own SCIM naming: `<prefix>Organization Admin` or
 *   `<prefix>Organization Admins` makes its members Organization Admins, with Admin in every
 *   workspace; `<prefix><org role>:<workspace name>:<workspace role>` (e.g.
 *   `LS:Organization User:Production:Annotators`) grants that workspace role (a system role or
 *   a custom one, by display name) in that workspace, and the org-role part makes them an
 *   Organization Admin when it says so. A group that does not start with the prefix, or whose
 *   first part is not "Organization User"/"Organization Admin", is not a LangSmith group and is
 *   ignored. Precedence in one workspace: Organization Admin first, then the most recently
 *   created workspace group (as LangSmith does), regardless of which role is higher.
 * - 'bindings', the role bindings set on the group in the admin API: a TEAM or PROJECT binding
 *   whose scopeId is the LangSmith workspace, named by its id OR its display name (the id is
 *   tried first, so a workspace renamed in LangSmith keeps its bindings; the display name lets
 *   an admin write a readable binding and lets the bridge create the workspace); ADMIN →
 *   "Admin", MEMBER → "Editor", VIEWER → "Viewer", CUSTOM → the workspace role whose id (or,
 *   failing that, display name) is customRoleId. The highest role wins per workspace
 *   (Admin > Editor > custom > Viewer; between two custom roles, the most recently created
 *   group). An ORGANIZATION-scoped ADMIN binding makes an Organization Admin; an
 *   ORGANIZATION-scoped MEMBER/VIEWER/CUSTOM binding grants that role in every workspace
 *   (ORGANIZATION means "all teams and projects", TARGETS.md §A).
 * In both modes an org role of ADMIN on the member makes an Organization Admin; an
 * Organization Admin is Admin in every workspace (explicit memberships, so their access is
 * deterministic); everyone else is an Organization User.
 *
 * Workspaces are found by display name (or id, for bindings) in `GET /workspaces`; a missing
 * one is created when `createWorkspaces` is set, else the sync parks with a non-retryable
 * TargetError naming it. The bridge never deletes or renames a workspace: a workspace holds
 * data, and a deleted group only takes away the access it gave.
 *
 * Invites (members.ts): a person not in the organization is invited (S5) with their
 * organization role and the largest set of workspaces that share one role; while the invite is
 * pending their workspace access rides on it (S10 is never tried for a pending person), the
 * sync is a NotYet, and an invite whose access no longer matches is revoked (S8) and sent
 * again. Once they accept, the other workspaces are added with S10.
 *
 * Removal: LangSmith has no disabled state, so a disabled member is removed from the
 * organization (and a pending invite revoked, S8); re-enabled, they are invited again with the
 * access their groups give. A member gone from the directory is removed too. A protected
 * (break-glass) member is never removed, and sync never lowers their access either (it only
 * adds). The bridge only removes people it manages: those it holds a LangSmith id for, invited,
 * or confirmed before; never a LangSmith user it has never touched.
 *
 * Ids: a person has several. The organization identity id (`id` in `/orgs/current/members`) is
 * what the bridge saves as the member's remote id; it is what `/orgs/current/members/{identity_id}`
 * and S10's `org_identity_id` take. Each workspace membership has its own `id`, the only one
 * `/workspaces/current/members/{identity_id}` accepts, read from that workspace's member list
 * every time (the two are not documented to match, and the bridge never assumes they do). An
 * invite's (pending identity's) id is not the member's id: accepting makes a new organization
 * identity, so a pending invite is found again by email, which makes the invite safe against a
 * crash between sending it and saving anything.
 *
 * Writes are checked (members.ts, workspaces.ts): after a workspace add or role change the
 * membership is read back (S9), and after an organization role change the member list (S4); a
 * role LangSmith did not take is reported at once as a non-retryable `role_not_applied` naming
 * the workspace, the role asked and the role held. LangSmith documents no refusal but 422, so
 * any 4xx on a write (a re-invite, a delete of someone already gone, a role change) is looked at
 * again in the lists, settled as "already there" or "already gone" when it is, and parked with
 * LangSmith's own reason when it is not. Every answer is parsed by its schema (schemas.ts): a
 * changed envelope parks the delivery naming the call and the field, and is never read as
 * "nobody exists".
 *
 * What the target last applied to a member (organization role, workspace roles) is kept under
 * its own entity type in the target id store (`langsmith-access`, members.ts): the worker's
 * confirmed state for a member holds only email, role and disabled, and a drift note needs to
 * tell "changed in LangSmith" (differs from what was applied) from "a group changed" (the
 * desired state moved). A partial pass keeps what it did apply, and a role not taken is
 * recorded as the role held, so neither shows up as drift next time.
 *
 * Every request carries X-API-Key and X-Organization-Id (the TargetHttp's own headers);
 * workspace-scoped ones (S9–S12) add X-Tenant-Id. `read_only`, `password` and `full_name` are
 * never sent. Errors are read by `langSmithErrorReason` (errors.ts), which the registry passes
 * to TargetHttp as `readError`.
 */
import type { TargetScope } from '../../sync/port.js';
import type { TargetHttp } from '../http.js';
import type { DesiredGroup, DesiredMember, SyncIo, Target } from '../types.js';
import { desiredAccess, grantsOf, resolveWorkspaces, type Access } from './access.js';
import { ensureMember, loadRecord, removeMember, RoleNotTaken, saveRecord, setOrgRole, type Applied } from './members.js';
import { RoleList, type OrgMember } from './schemas.js';
import { API, Session, sameId } from './session.js';
import { addToWorkspace, removeFromWorkspace, setWorkspaceRole } from './workspaces.js';

export { langSmithErrorReason } from './errors.js';

export interface LangSmithSettings {
  /** How groups become workspace access: LangSmith's naming convention, or the groups' role bindings. */
  mapping: 'convention' | 'bindings';
  /** Create a workspace a group names when LangSmith has none of that name; else park with an error. */
  createWorkspaces: boolean;
  /** The convention's optional prefix (e.g. "LS:"); empty for none. */
  groupPrefix: string;
  /** How long to wait before looking at a pending invite again (default 30 s). */
  inviteWaitMs?: number;
}

const INVITE_WAIT_MS = 30_000;

export class LangSmithTarget implements Target {
  readonly kind = 'langsmith' as const;
  private readonly inviteWaitMs: number;

  constructor(private readonly settings: LangSmithSettings) {
    this.inviteWaitMs = settings.inviteWaitMs ?? INVITE_WAIT_MS;
  }

  /** S3: the cheapest read every key may make, parsed like any other answer. */
  async checkCredentials(http: TargetHttp): Promise<void> {
    await http.json('GET', `${API}/orgs/current/roles`, RoleList);
  }

  /**
   * S1: the workspaces a binding can name (neither personal nor deleted), as TEAM scopes. The
   * scope id is the workspace id, which the bindings mapping tries first, so a binding picked
   * here survives a rename in LangSmith.
   */
  async listScopes(http: TargetHttp): Promise<TargetScope[]> {
    const workspaces = await new Session(http).workspaces();
    return workspaces
      .map((w) => ({ scopeType: 'TEAM' as const, scopeId: w.id, name: w.display_name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // ---- members -----------------------------------------------------------------------------

  async syncMember(d: DesiredMember, io: SyncIo): Promise<void> {
    const s = new Session(io.http);
    // A protected (break-glass) account keeps its access whatever the directory says.
    const active = d.exists && (!d.disabled || d.protected);
    if (!active) {
      if (!d.protected) await removeMember(d, io, s);
      return;
    }
    // Access first: a missing workspace or an unknown role stops the sync before any invite.
    const access = await desiredAccess(this.settings, d, s);
    const member = await ensureMember(d, io, s, access, this.inviteWaitMs);
    await this.reconcile(d, io, s, member, access);
  }

  /** Makes the organization role and every workspace membership match; logs what was changed behind the bridge's back. */
  private async reconcile(d: DesiredMember, io: SyncIo, s: Session, member: OrgMember, access: Access): Promise<void> {
    const last = loadRecord(io, d.memberId)?.applied ?? null;
    const repairs: string[] = [];
    // A difference from what the bridge last applied was made in LangSmith: drift.
    const note = async (what: string, lastRole: string | null | undefined, had: string | null, want: string | null) => {
      const unchanged = (lastRole ?? null) === null ? had === null : sameId(lastRole, had);
      if (last && !unchanged) repairs.push(`${what}: ${await s.roleLabel(had)} → ${await s.roleLabel(want)}`);
    };
    // What is known to be applied so far, for a pass that stops half-way.
    const partial: Applied | null = last ? { org: last.org, ws: { ...last.ws } } : null;
    const applied: Record<string, string> = {};
    let done = false;
    try {
      // Organization role.
      const orgAdmin = await s.requireRole('organization', 'Organization Admin');
      const orgUser = await s.requireRole('organization', 'Organization User');
      const hadOrg = await s.orgRoleOf(member);
      let wantOrg = access.orgAdmin ? orgAdmin.id : orgUser.id;
      if (d.protected && sameId(hadOrg, orgAdmin.id)) wantOrg = orgAdmin.id;
      if (!sameId(hadOrg, wantOrg)) {
        try {
          await setOrgRole(s, member, wantOrg, d.email);
        } catch (err) {
          if (err instanceof RoleNotTaken && partial && err.held) partial.org = err.held;
          throw err;
        }
        await note('organization role', last?.org, hadOrg, wantOrg);
      }
      if (partial) partial.org = wantOrg;

      // Workspaces: those the member should be in, and those they are in (when LangSmith says
      // which; else every workspace is looked at).
      const all = await s.workspaces();
      const tenants = member.tenant_ids;
      const inspect = tenants ? all.filter((w) => access.workspaces.has(w.id) || tenants.some((t) => sameId(t, w.id))) : all;
      for (const ws of inspect) {
        const have = await s.membershipIn(ws.id, member);
        const had = have?.role_id ?? null;
        let want = access.workspaces.get(ws.id)?.roleId ?? null;
        // Sync never lowers a protected member's access.
        if (d.protected && had !== null && (want === null || (await s.rank(want)) < (await s.rank(had)))) want = had;
        if (!sameId(had, want)) {
          try {
            if (want === null) await removeFromWorkspace(s, ws, member, have!);
            else if (have) await setWorkspaceRole(s, ws, member, have, want);
            else await addToWorkspace(s, ws, member, want);
          } catch (err) {
            if (err instanceof RoleNotTaken && partial) {
              if (err.held) partial.ws[ws.id] = err.held;
              else delete partial.ws[ws.id];
            }
            throw err;
          }
          await note(`workspace "${ws.display_name}"`, last?.ws[ws.id], had, want);
        }
        if (want !== null) applied[ws.id] = want;
        if (partial) {
          if (want !== null) partial.ws[ws.id] = want;
          else delete partial.ws[ws.id];
        }
      }
      saveRecord(io, d.memberId, { org: wantOrg, ws: applied });
      done = true;
    } finally {
      // A first pass that stops keeps no record: what it did not look at must not read as drift.
      if (!done && partial) saveRecord(io, d.memberId, partial);
      if (repairs.length > 0)
        io.drift(`LangSmith access of ${d.email} was changed behind the bridge's back; repaired ${repairs.join('; ')}.`);
    }
  }

  // ---- groups ------------------------------------------------------------------------------

  /**
   * LangSmith has no group object: what a group gives reaches LangSmith through its members'
   * syncs (the directory marks every member a group change touches). Here the group's own
   * prerequisites are checked: the roles it names exist, and the workspaces it names exist
   * (created when allowed; else a non-retryable error naming them, on the group as well as on
   * its members). A deleted group needs nothing: its workspaces stay (they hold data).
   */
  async syncGroup(d: DesiredGroup, io: SyncIo): Promise<void> {
    if (!d.exists) return;
    const s = new Session(io.http);
    const { grants } = await grantsOf(this.settings, [{ groupId: d.groupId, name: d.name, createdAt: '', bindings: d.bindings }], s);
    await resolveWorkspaces(this.settings, grants, s);
  }
}
