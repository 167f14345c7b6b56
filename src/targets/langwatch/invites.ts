/**
 * Invite mode (organizations without SCIM): the REST API cannot add a person, only invite them
 * (TARGETS.md §A3). Every invite names the configured team (`teams: []` is a 422), goes out in
 * all-or-nothing batches of at most 50, stays pending until the person accepts in a browser, and
 * expires after 48 h, when it drops out of `GET /invites`: the next pass then invites again.
 */
import { NotYet } from '../errors.js';
import type { DesiredMember } from '../types.js';
import { waitMs, type Ctx } from './context.js';
import { refusal } from './errors.js';
import { emailKey } from './names.js';
import type { NewInvite } from './rest-client.js';

/** §A3: 1..50 invites per call. */
export const MAX_INVITES_PER_CALL = 50;

function inviteOf(d: DesiredMember, c: Ctx): NewInvite {
  const teamId = c.settings.inviteTeamId;
  if (!teamId) {
    throw refusal(
      'LangWatch refuses an invite that names no team (422); set TARGET_INVITE_TEAM_ID to the team new people join.',
      'invite_team_required',
    );
  }
  return { email: emailKey(d.email), role: d.role, teams: [{ teamId, role: c.settings.inviteTeamRole }] };
}

/**
 * Target-private memory: the address the bridge invited a member at. A person deleted in the
 * IdP before they ever joined reaches the worker with no email (nothing was confirmed for
 * them), and their pending invite must still be found to revoke it. Saved before the invite goes
 * out, so a crash right after sending it loses nothing.
 */
export const INVITED = 'langwatch-invite';

function rememberInvite(d: DesiredMember, c: Ctx): void {
  c.io.saveRemoteId(INVITED, d.memberId, emailKey(d.email));
}

const waiting = (d: DesiredMember, c: Ctx, why: string) =>
  new NotYet(`${emailKey(d.email)} ${why}; waiting for them to accept the invite and join LangWatch.`, waitMs(c));

/**
 * The person's id once they are a member; until then an invite is made sure of and NotYet
 * thrown. Called only after a lookup found nobody.
 */
export async function ensureInvited(d: DesiredMember, c: Ctx): Promise<string> {
  const key = emailKey(d.email);
  const pending = (await c.rest.listInvites()).find((i) => emailKey(i.email) === key);
  if (pending) throw waiting(d, c, `is invited${pending.expiration ? ` (until ${pending.expiration})` : ''}`);
  const invite = inviteOf(d, c);
  rememberInvite(d, c);
  const res = await c.rest.createInvites([invite]);
  if (res.ok) throw waiting(d, c, 'was invited');
  if (res.code === 'already_organization_member') {
    // Joined between the lookup and the invite: adopt them.
    const row = await c.rest.findMember(key);
    if (row) return row.userId;
  }
  throw waiting(d, c, 'is invited');
}

/**
 * One pass's new people: matched by email in one paged read, and the others invited in
 * batches. A batch refused because one person joined or was invited meanwhile (409) falls back
 * to one call per person, whose refusals the per-member sync then settles.
 */
export async function prepareInvites(desired: DesiredMember[], c: Ctx): Promise<void> {
  const fresh = desired.filter((d) => d.exists && !d.disabled && !c.io.remoteId('member', d.memberId));
  if (fresh.length < 2) return;
  const members = await c.rest.listMembers();
  const byEmail = new Map(members.flatMap((m) => (m.user.email === null ? [] : [[emailKey(m.user.email), m.userId] as const])));
  const pending = new Set((await c.rest.listInvites()).map((i) => emailKey(i.email)));
  const toInvite = new Map<string, NewInvite>();
  for (const d of fresh) {
    const key = emailKey(d.email);
    const userId = byEmail.get(key);
    if (userId) c.io.saveRemoteId('member', d.memberId, userId);
    else if (!pending.has(key)) {
      toInvite.set(key, inviteOf(d, c));
      rememberInvite(d, c);
    }
  }
  const all = [...toInvite.values()];
  for (let i = 0; i < all.length; i += MAX_INVITES_PER_CALL) {
    const batch = all.slice(i, i + MAX_INVITES_PER_CALL);
    const res = await c.rest.createInvites(batch);
    if (res.ok || batch.length === 1) continue;
    for (const one of batch) await c.rest.createInvites([one]);
  }
}

/**
 * Someone deleted or disabled before accepting: their pending invite is revoked, so they do not
 * join later with access the bridge no longer means them to have.
 */
export async function revokePendingInvite(d: DesiredMember, c: Ctx): Promise<void> {
  const key = emailKey(d.email) || (c.io.remoteId(INVITED, d.memberId) ?? '');
  if (!key) return;
  for (const invite of await c.rest.listInvites()) if (emailKey(invite.email) === key) await c.rest.revokeInvite(invite.id);
  c.io.forgetRemoteId(INVITED, d.memberId);
}
