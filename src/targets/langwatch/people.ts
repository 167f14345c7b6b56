/**
 * People in LangWatch (TARGETS.md §A4 steps 2–6): found by email without ever trusting an
 * unfiltered page, created over SCIM (scim mode) or invited (invite mode, invites.ts), given
 * their organization role over REST, suspended one way only (`TARGET_SUSPEND`), and removed
 * after leaving the bridge's groups. The bridge touches only people it created or adopted (a
 * mapped remote id), never a protected (break-glass) account, and never the last admin.
 */
import { fold } from '../../scim/fold.js';
import { TargetError } from '../errors.js';
import type { DesiredMember } from '../types.js';
import type { Ctx } from './context.js';
import { refusal } from './errors.js';
import { INVITED, ensureInvited, revokePendingInvite } from './invites.js';
import { emailKey } from './names.js';
import { filterable, removeMemberOp, type ScimClient } from './scim-client.js';
import type { MemberRow } from './schemas.js';

const tidy = (s: string) => s.trim().replace(/\s+/g, ' ');

/** LangWatch keeps one `name`; SCIM splits it at the first space (§A1 "Shapes"). */
export function splitName(name: string): { givenName: string; familyName: string } {
  const t = tidy(name);
  const i = t.indexOf(' ');
  return i < 0 ? { givenName: t, familyName: '' } : { givenName: t.slice(0, i), familyName: t.slice(i + 1) };
}

/**
 * §A4 step 2. The exact `userName eq` filter, trusted only when every row it returns is this
 * person: an unknown filter returns an unfiltered page whose first row is a stranger (§A1 trap
 * 1). Anything else (a stranger in the page, several rows, an email the filter cannot carry)
 * falls back to the paged REST member list.
 */
export async function findPerson(email: string, c: Ctx): Promise<string | null> {
  const key = emailKey(email);
  if (c.scim && filterable(key)) {
    const { totalResults, users } = await c.scim.usersNamed(key);
    const strangers = users.filter((u) => fold(u.userName) !== key);
    if (strangers.length === 0 && users.length <= 1 && totalResults === users.length) return users[0]?.id ?? null;
  }
  return (await c.rest.findMember(key))?.userId ?? null;
}

/** §A4 step 3: create over SCIM with the lower-cased email; 409 (already a member) means adopt after a lookup. */
async function createPerson(d: DesiredMember, c: Ctx, scim: ScimClient): Promise<string> {
  const key = emailKey(d.email);
  const name = d.name && tidy(d.name) ? splitName(d.name) : null;
  const created = await scim.createUser(key, name);
  if (created) return created.id;
  const found = await findPerson(key, c);
  if (found) return found;
  throw new TargetError(`LangWatch says ${key} is already a member, but no member has that email yet; looking again.`, true, 409, 0);
}

/**
 * Reads the member's row, finding or creating them first. Invite mode throws NotYet while an
 * invite waits, and gives null for someone who should have no access and is not there: an
 * invite (an email) is not sent to a person who is disabled.
 */
async function ensurePerson(d: DesiredMember, c: Ctx): Promise<MemberRow | null> {
  const { io } = c;
  let id = io.remoteId('member', d.memberId);
  if (id) {
    const row = await c.rest.getMember(id);
    if (row) return row;
    // Removed from the organization behind the bridge's back: provision them again now.
    io.forgetRemoteId('member', d.memberId);
    io.drift(`${d.email} was removed from the LangWatch organization; adding them again.`);
  }
  id = await findPerson(d.email, c);
  if (!id && !c.scim && d.disabled) {
    await revokePendingInvite(d, c);
    return null;
  }
  if (!id) id = c.scim ? await createPerson(d, c, c.scim) : await ensureInvited(d, c);
  io.saveRemoteId('member', d.memberId, id);
  io.forgetRemoteId(INVITED, d.memberId);
  const row = await c.rest.getMember(id);
  if (!row) throw new TargetError(`${d.email} (${id}) is not in the LangWatch member list yet; looking again.`, true, 404, 0);
  return row;
}

/**
 * No SCIM call guards the last admin (§A1 trap 6), so the bridge checks the REST member list
 * before deactivating or deleting an admin over SCIM (REST writes carry LangWatch's own guard).
 */
async function guardLastAdmin(row: MemberRow, what: 'disable' | 'remove', c: Ctx): Promise<void> {
  // LangWatch counts active admins only (`lockActiveAdmins`): a disabled admin is no last admin.
  if (row.role !== 'ADMIN' || row.disabled) return;
  const others = (await c.rest.listMembers(false)).filter((m) => m.role === 'ADMIN' && !m.disabled && m.userId !== row.userId);
  if (others.length > 0) return;
  throw refusal(
    `${row.user.email ?? row.userId} is the last admin of the LangWatch organization; the bridge will not ${what} them. ` +
      'Make someone else an admin first.',
    what === 'disable' ? 'cannot_disable_last_admin' : 'cannot_remove_last_admin',
  );
}

export async function syncPerson(d: DesiredMember, c: Ctx): Promise<void> {
  if (!d.exists) return removePerson(d, c);
  const row = await ensurePerson(d, c);
  if (!row) return;
  const id = row.userId;
  const key = emailKey(d.email);

  if (c.scim) {
    // §A4 step 4: value-object form only (the path forms are silent no-ops, trap 3).
    const value: Record<string, unknown> = {};
    if (row.user.email === null || fold(row.user.email) !== key) value.userName = key;
    if (d.name && tidy(d.name) && tidy(row.user.name ?? '') !== tidy(d.name)) value.name = splitName(d.name);
    if (Object.keys(value).length > 0 && !(await c.scim.patchUser(id, [{ op: 'replace', value }]))) {
      throw new TargetError(`${d.email} vanished from LangWatch while being updated; looking again.`, true, 404, 0);
    }
  }
  if (row.role !== d.role) await c.rest.updateMember(id, { role: d.role });

  // A protected (break-glass) account is never disabled by sync.
  const disabled = d.disabled && !d.protected;
  if (c.scim && c.settings.suspend === 'account') {
    // §A4 step 5, account-wide. JSON booleans only: the string "False" reactivates (trap 4).
    const user = await c.scim.getUser(id);
    if (user && user.active === disabled) {
      if (disabled) await guardLastAdmin(row, 'disable', c);
      await c.scim.patchUser(id, [{ op: 'replace', path: 'active', value: !disabled }]);
    }
  } else if (row.disabled !== disabled) {
    // Organization-scoped; LangWatch guards the last admin (400) and seats on re-enable (403).
    await c.rest.updateMember(id, { disabled });
  }
}

/**
 * §A4 step 6. Deleted in the IdP: kept disabled (TARGET_DELETE_MODE=disable), or taken out of
 * the bridge's groups and then removed: from the organization over REST, or (TARGET_SUSPEND=
 * account) over SCIM, which deactivates the whole account.
 */
async function removePerson(d: DesiredMember, c: Ctx): Promise<void> {
  const { io } = c;
  const id = io.remoteId('member', d.memberId);
  if (d.protected) return;
  // Never created nor adopted by the bridge: not the bridge's to touch (an invite it sent aside).
  if (!id) {
    if (!c.scim) await revokePendingInvite(d, c);
    return;
  }
  // SCIM only when the account-wide mode is chosen: never both ways for one person.
  const account = c.settings.suspend === 'account' ? c.scim : null;
  if (c.settings.deleteMode === 'disable') {
    if (!account) {
      await c.rest.updateMember(id, { disabled: true });
      return;
    }
    const row = await c.rest.getMember(id);
    const user = row && (await account.getUser(id));
    if (!row || !user || !user.active) return;
    await guardLastAdmin(row, 'disable', c);
    await account.patchUser(id, [{ op: 'replace', path: 'active', value: false }]);
    return;
  }
  const groups = await c.rest.memberGroups(id);
  for (const g of groups ?? []) {
    if (io.localIdOf('group', g.id) === null) continue; // not the bridge's group
    if (c.scim) await c.scim.patchGroup(g.id, [removeMemberOp(id)]);
    else await c.rest.removeGroupMember(g.id, id);
  }
  if (account) {
    const row = await c.rest.getMember(id);
    if (row) {
      await guardLastAdmin(row, 'remove', c);
      await account.deleteUser(id);
    }
  } else {
    await c.rest.removeMember(id);
  }
  io.forgetRemoteId('member', d.memberId);
}
