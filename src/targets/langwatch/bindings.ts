/**
 * What both kinds of mirrored group share: role bindings over REST with the group's id
 * (TARGETS.md §A4 step 8, §A2), drift notes, and the wait for people not provisioned yet.
 */
import { NotYet } from '../errors.js';
import type { DesiredBinding, DesiredGroup } from '../types.js';
import { waitMs, type Ctx } from './context.js';
import { refusal } from './errors.js';
import { fitGroupName } from './names.js';
import { ConfirmedGroup, type RemoteBinding } from './schemas.js';

const bindingKey = (b: DesiredBinding) => `${b.role}|${b.customRoleId ?? ''}|${b.scopeType}|${b.scopeId}`;

/** What a group looks like in LangWatch, in the bridge's terms (remote member ids). */
export interface RemoteGroupState {
  name: string;
  members: string[];
  bindings: RemoteBinding[];
}

/**
 * The bindings as LangWatch takes them: an ORGANIZATION scope's id is LangWatch's organization
 * id (§A2 "Scopes"), not the bridge's. Null when one is needed and cannot be learned.
 */
async function scoped(bindings: DesiredBinding[], c: Ctx): Promise<DesiredBinding[] | null> {
  if (!bindings.some((b) => b.scopeType === 'ORGANIZATION')) return bindings;
  const orgId = await c.organizationId();
  if (!orgId) return null;
  return bindings.map((b) => (b.scopeType === 'ORGANIZATION' ? { ...b, scopeId: orgId } : b));
}

/** Bindings LangWatch has but should not lose to a wait: one per key, the extras removed, the missing added. */
export async function syncBindings(
  groupId: string,
  groupName: string,
  actual: RemoteBinding[],
  desired: DesiredBinding[],
  c: Ctx,
): Promise<void> {
  const all = await scoped(desired, c);
  // Without the organization id, the other bindings are still kept right.
  const wanted = all ?? desired.filter((b) => b.scopeType !== 'ORGANIZATION');
  const want = new Map(wanted.map((b) => [bindingKey(b), b]));
  const kept = new Set<string>();
  for (const b of actual) {
    const key = bindingKey(b);
    if (want.has(key) && !kept.has(key)) kept.add(key);
    else if (all !== null || b.scopeType !== 'ORGANIZATION') await c.rest.removeBinding(groupId, b.id);
  }
  for (const [key, b] of want) if (!kept.has(key)) await c.rest.addBinding(groupId, b);
  if (all === null) {
    throw refusal(
      `The group "${groupName}" has an ORGANIZATION-scoped binding, which needs LangWatch's organization id, and LangWatch ` +
        'did not give it (GET /api/organization); set TARGET_ORGANIZATION_ID to it.',
      'organization_id_unknown',
    );
  }
}

/**
 * Drift is a change made behind the bridge's back: what LangWatch has differs from what the
 * bridge last confirmed AND from what it wants now (a difference from the desired state alone
 * is the bridge's own change still to make, or one it made before a wait).
 */
export async function noteDrift(actual: RemoteGroupState, d: DesiredGroup, wantIds: Set<string>, c: Ctx): Promise<void> {
  const parsed = ConfirmedGroup.safeParse(c.io.confirmed());
  if (!parsed.success) return;
  const confirmed = parsed.data;
  const name = fitGroupName(d.name);
  const was = fitGroupName(confirmed.name);
  const notes: string[] = [];
  if (actual.name !== name && actual.name !== was) notes.push(`renamed to "${actual.name}" (was "${was}")`);
  const confirmedIds = new Set(confirmed.memberIds.map((id) => c.io.remoteId('member', id)).filter((id) => id !== null));
  const actualIds = new Set(actual.members);
  for (const id of actualIds) if (!wantIds.has(id) && !confirmedIds.has(id)) notes.push(`member ${id} added`);
  for (const id of confirmedIds) if (wantIds.has(id) && !actualIds.has(id)) notes.push(`member ${id} removed`);
  const before = await scoped(confirmed.bindings, c);
  const now = await scoped(d.bindings, c);
  if (before && now) {
    const confirmedKeys = new Set(before.map(bindingKey));
    const wantKeys = new Set(now.map(bindingKey));
    const actualKeys = new Set(actual.bindings.map(bindingKey));
    for (const k of actualKeys) if (!wantKeys.has(k) && !confirmedKeys.has(k)) notes.push(`binding ${k} added`);
    for (const k of confirmedKeys) if (wantKeys.has(k) && !actualKeys.has(k)) notes.push(`binding ${k} removed`);
  }
  if (notes.length) c.io.drift(`Group "${was}" was changed in LangWatch (${notes.join('; ')}); repaired.`);
}

/** The desired members with the ids LangWatch knows them by, and those it does not know yet. */
export function resolveMembers(d: DesiredGroup, c: Ctx): { present: { email: string; id: string }[]; waiting: string[] } {
  const present: { email: string; id: string }[] = [];
  const waiting: string[] = [];
  const seen = new Set<string>();
  for (const m of d.members) {
    const id = c.io.remoteId('member', m.memberId);
    if (!id) waiting.push(m.email);
    else if (!seen.has(id)) {
      seen.add(id);
      present.push({ email: m.email, id });
    }
  }
  return { present, waiting };
}

const MAX_NAMED = 10;
const list = (emails: string[]) =>
  emails.length <= MAX_NAMED ? emails.join(', ') : `${emails.slice(0, MAX_NAMED).join(', ')} and ${emails.length - MAX_NAMED} more`;

/**
 * The wait for people, naming them: `Group "Eng": waiting for ana@x.com, bob@y.com to join
 * LangWatch (invited).` "Invited" is said only of people with a pending invite; people LangWatch
 * did not take into the group (it drops unknown ids silently, §A1 trap 10) are named apart.
 */
export function waitForPeople(groupName: string, waiting: string[], invited: Set<string>, dropped: string[], c: Ctx): NotYet {
  const parts: string[] = [];
  if (waiting.length) {
    const inv = waiting.filter((e) => invited.has(e));
    const label = inv.length === 0 ? '' : inv.length === waiting.length ? ' (invited)' : ` (invited: ${list(inv)})`;
    parts.push(`waiting for ${list(waiting)} to join LangWatch${label}`);
  }
  if (dropped.length) parts.push(`LangWatch did not take ${list(dropped)} into the group (not members of its organization yet)`);
  return new NotYet(`Group "${groupName}": ${parts.join('; ')}.`, waitMs(c));
}
