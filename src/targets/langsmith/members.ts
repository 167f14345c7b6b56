/**
 * The organization side of a member (TARGETS.md §B S4–S8): find or invite them, replace an
 * invite whose access changed while it waits, set their organization role and read it back,
 * remove them and revoke their invites. Every write whose refusals LangSmith does not document
 * takes any 4xx back (LOOK_AGAIN), re-reads the member list, and settles "already there" or
 * "already gone" before it parks with LangSmith's own reason.
 *
 * Also the target-private memory (`langsmith-access` in the target id store): what the target
 * last applied to a member, so that a drift note can tell "changed in LangSmith" (differs from
 * what was applied) from "a group changed" (the desired state moved).
 */
import { NotYet, TargetError } from '../errors.js';
import type { DesiredMember, SyncIo } from '../types.js';
import type { Access } from './access.js';
import { LOOK_AGAIN, unsettled } from './errors.js';
import { Invited, type OrgMember, type Pending } from './schemas.js';
import { API, emailKey, enc, sameId, type Session } from './session.js';

/** Target-private memory: what this target last applied to a member. */
export const ACCESS = 'langsmith-access';

export interface Applied {
  /** The organization role id. */
  org: string;
  /** Workspace id → workspace role id. */
  ws: Record<string, string>;
}

interface AccessRecord {
  v: 1;
  /** null while an invite is out and nothing was applied yet. */
  applied: Applied | null;
}

export function loadRecord(io: SyncIo, memberId: string): AccessRecord | null {
  const raw = io.remoteId(ACCESS, memberId);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as AccessRecord;
    return parsed && parsed.v === 1 ? parsed : null;
  } catch {
    return null;
  }
}

export function saveRecord(io: SyncIo, memberId: string, applied: Applied | null): void {
  io.saveRemoteId(ACCESS, memberId, JSON.stringify({ v: 1, applied } satisfies AccessRecord));
}

/**
 * LangSmith holds another role than the one just written: reported at once, not left to look
 * like drift on the next pass. `held` is what LangSmith holds (null: no membership at all).
 */
export class RoleNotTaken extends TargetError {
  constructor(
    message: string,
    readonly held: string | null,
  ) {
    super(message, false, null, null, 'role_not_applied');
    this.name = 'RoleNotTaken';
  }
}

/** Someone in LangSmith this local member may take: not mapped to another local member. */
function mine(io: SyncIo, identityId: string, memberId: string): boolean {
  const owner = io.localIdOf('member', identityId);
  return owner === null || owner === memberId;
}

/**
 * The invite (S5): the organization role, and the largest set of workspaces that share one
 * role (an invite carries one workspace role; the others are added with S10 once the person
 * accepts). `workspace_role_id` is always sent, so the role is never the server's default,
 * which is not documented.
 */
async function inviteBody(d: DesiredMember, s: Session, access: Access) {
  const orgRole = await s.requireRole('organization', access.orgAdmin ? 'Organization Admin' : 'Organization User');
  const byRole = new Map<string, string[]>();
  for (const [wsId, w] of access.workspaces) byRole.set(w.roleId, [...(byRole.get(w.roleId) ?? []), wsId]);
  let roleId: string | null = null;
  let ids: string[] = [];
  for (const [rid, list] of byRole) {
    if (list.length > ids.length || (list.length === ids.length && (await s.rank(rid)) < (await s.rank(roleId)))) {
      roleId = rid;
      ids = list;
    }
  }
  roleId ??= (await s.requireRole('workspace', 'Viewer')).id;
  return { email: d.email.trim(), role_id: orgRole.id, workspace_ids: ids, workspace_role_id: roleId };
}

/** Whether a pending invite carries the access an invite would carry now (a field LangSmith leaves out is taken as matching). */
function inviteMatches(p: Pending, want: Awaited<ReturnType<typeof inviteBody>>): boolean {
  const role = p.role_id ?? p.org_role_id;
  if (role && !sameId(role, want.role_id)) return false;
  if (p.workspace_ids) {
    const same =
      p.workspace_ids.length === want.workspace_ids.length && p.workspace_ids.every((id) => want.workspace_ids.some((w) => sameId(w, id)));
    if (!same) return false;
    if (want.workspace_ids.length > 0 && p.workspace_role_id && !sameId(p.workspace_role_id, want.workspace_role_id)) return false;
  }
  return true;
}

/**
 * The member's organization identity, inviting them when they are not in LangSmith yet. While
 * an invite is pending, its workspace access rides on the invite (S5's `workspace_ids` and
 * `workspace_role_id`); S10 is never tried then (LangChain's own Terraform provider refuses to,
 * TARGETS.md §B), so a pending invite is a NotYet, and one whose access no longer matches is
 * revoked (S8) and sent again.
 */
export async function ensureMember(d: DesiredMember, io: SyncIo, s: Session, access: Access, waitMs: number): Promise<OrgMember> {
  const known = io.remoteId('member', d.memberId);
  let lists = await s.orgMembers();
  if (known) {
    const m = lists.members.find((x) => sameId(x.id, known));
    if (m) return m;
    // Removed in LangSmith behind the bridge's back: invite them again (below).
    io.forgetRemoteId('member', d.memberId);
    saveRecord(io, d.memberId, null);
    io.drift(`${d.email} was removed from the LangSmith organization behind the bridge's back; inviting them again.`);
  }
  const key = emailKey(d.email);
  const adopt = (list: OrgMember[]) => {
    const m = list.find((x) => emailKey(x.email) === key);
    if (!m) return null;
    if (!mine(io, m.id, d.memberId)) {
      throw new TargetError(
        `${d.email} is in LangSmith as ${m.id}, which the bridge maps to another member (${io.localIdOf('member', m.id)}).`,
        false,
        null,
        null,
        'identity_claimed',
      );
    }
    // Found (a crash after the invite, an invite accepted, or someone added by hand): keep the id now.
    io.saveRemoteId('member', d.memberId, m.id);
    return m;
  };
  const found = adopt(lists.members);
  if (found) return found;

  const body = await inviteBody(d, s, access);
  const theirs = lists.pending.filter((p) => emailKey(p.email) === key);
  for (const stale of theirs.filter((p) => !inviteMatches(p, body))) await revokeInvite(s, stale, d.email);
  let invite: { id: string } | undefined = theirs.find((p) => inviteMatches(p, body));
  if (!invite) {
    // Remember that the bridge invited this person before it does, so that a removal can
    // always find the invite again, even after a crash that saved nothing else.
    if (!loadRecord(io, d.memberId)) saveRecord(io, d.memberId, null);
    const res = await s.http.request('POST', `${API}/orgs/current/members`, { body, expect: LOOK_AGAIN, schema: Invited });
    // Whatever the answer (a re-invite's 4xx is not documented), the list says what happened.
    lists = await s.orgMembers();
    const joined = adopt(lists.members);
    if (joined) return joined;
    invite = lists.pending.find((p) => emailKey(p.email) === key) ?? (res.ok ? res.body : undefined);
    if (!invite) throw unsettled(`POST ${API}/orgs/current/members (invite ${d.email})`, res, 'they are neither a member nor invited');
  }
  throw new NotYet(`${d.email} is invited to LangSmith (invite ${invite.id}); waiting for them to accept.`, waitMs);
}

/** S6, then S4 read back: the role LangSmith holds must be the one asked for. */
export async function setOrgRole(s: Session, member: OrgMember, want: string, email: string): Promise<void> {
  const path = `${API}/orgs/current/members/${enc(member.id)}`;
  const res = await s.http.request('PATCH', path, { body: { role_id: want }, expect: LOOK_AGAIN });
  const after = (await s.orgMembers()).members.find((x) => sameId(x.id, member.id));
  const held = after ? await s.orgRoleOf(after) : null;
  if (after && sameId(held, want)) return;
  const holds = after ? `holds "${await s.roleLabel(held)}"` : 'is no longer in the organization';
  if (!res.ok) throw unsettled(`PATCH ${path} (organization role of ${email})`, res, `${email} ${holds}, not "${await s.roleLabel(want)}"`);
  throw new RoleNotTaken(
    `LangSmith did not take the organization role of ${email}: asked "${await s.roleLabel(want)}", but after PATCH ${path} answered ${res.status} it ${holds}.`,
    held,
  );
}

/** S7; a refusal is looked at again (an unknown identity's answer is not documented): gone is done. */
async function removeFromOrg(s: Session, member: OrgMember, email: string): Promise<void> {
  const path = `${API}/orgs/current/members/${enc(member.id)}`;
  const res = await s.http.request('DELETE', path, { expect: LOOK_AGAIN });
  if (res.ok) return;
  if ((await s.orgMembers()).members.some((x) => sameId(x.id, member.id)))
    throw unsettled(`DELETE ${path} (${email})`, res, 'they are still a member');
}

/** S8: revokes a pending invite; a refusal is looked at again, and an invite gone is done. */
async function revokeInvite(s: Session, p: Pending, email: string): Promise<void> {
  const path = `${API}/orgs/current/members/${enc(p.id)}/pending`;
  const res = await s.http.request('DELETE', path, { expect: LOOK_AGAIN });
  if (res.ok) return;
  if ((await s.orgMembers()).pending.some((x) => sameId(x.id, p.id)))
    throw unsettled(`DELETE ${path} (invite of ${email})`, res, 'the invite is still pending');
}

/**
 * Disabled or gone: out of the organization (LangSmith has no disabled state), and every
 * pending invite for their email revoked, for a person the bridge manages: one it holds a
 * LangSmith id or an access record for, or confirmed before; never a LangSmith user it has
 * never touched.
 */
export async function removeMember(d: DesiredMember, io: SyncIo, s: Session): Promise<void> {
  const known = io.remoteId('member', d.memberId);
  const managed = known !== null || io.remoteId(ACCESS, d.memberId) !== null || io.confirmed() !== null;
  if (!managed) return;
  const { members, pending } = await s.orgMembers();
  const key = emailKey(d.email);
  const target =
    (known ? members.find((m) => sameId(m.id, known)) : undefined) ??
    (key ? members.find((m) => emailKey(m.email) === key && mine(io, m.id, d.memberId)) : undefined);
  if (target) await removeFromOrg(s, target, d.email);
  for (const p of key ? pending.filter((x) => emailKey(x.email) === key) : []) await revokeInvite(s, p, d.email);
  io.forgetRemoteId('member', d.memberId);
  io.forgetRemoteId(ACCESS, d.memberId);
}
