/**
 * The LangWatch-style target (../shared/TARGETS.md §A): people are invited and matched by
 * email, disabled and enabled, removed (or disabled, per setting); groups are mirrored with
 * their members and role bindings. Mirrored groups are ordinary, editable groups on the
 * application's side, so every group sync reads the group back and repairs what was changed
 * behind the bridge's back, logging it as drift.
 */
import { createHash } from 'node:crypto';
import { fold } from '../scim/fold.js';
import { NotYet, TargetError } from './errors.js';
import type { TargetHttp } from './http.js';
import type { DesiredBinding, DesiredGroup, DesiredMember, SyncIo, Target } from './types.js';

export interface LangWatchSettings {
  /** What a deleted person becomes: removed from the organization, or kept disabled. */
  deleteMode: 'remove' | 'disable';
  /** The application's organization id, for ORGANIZATION-scoped bindings (learned when unset). */
  remoteOrgId: string | null;
}

interface RemoteMember {
  userId: string;
  email: string;
  role: string;
  disabled: boolean;
}

interface RemoteBinding extends DesiredBinding {
  id: string;
}

interface RemoteGroup {
  id: string;
  name: string;
  organizationId?: string;
  members: { userId: string }[];
  bindings: RemoteBinding[];
}

/** The application's limit on group names (TARGETS.md §A). */
export const MAX_GROUP_NAME = 100;

/**
 * A name that fits: as is when short enough, else cut and suffixed with a hash of the whole
 * name, so the same long name always gives the same fitted name and two long names that share
 * their first 90 characters do not collide.
 */
export function fitGroupName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length <= MAX_GROUP_NAME) return trimmed;
  const hash = createHash('sha256').update(trimmed).digest('hex').slice(0, 8);
  return `${trimmed.slice(0, MAX_GROUP_NAME - 10).trimEnd()} ~${hash}`;
}

const bindingKey = (b: DesiredBinding) => `${b.role}|${b.customRoleId ?? ''}|${b.scopeType}|${b.scopeId}`;

/** The Invites API takes at most this many in one all-or-nothing call. */
const MAX_INVITES_PER_CALL = 50;

/** How long to wait for an invited person to accept before looking again. */
const INVITE_WAIT_MS = 30_000;

export class LangWatchTarget implements Target {
  readonly kind = 'langwatch' as const;

  constructor(private readonly settings: LangWatchSettings) {}

  async checkCredentials(http: TargetHttp): Promise<void> {
    await http.request('GET', '/api/organization/members?includeDisabled=true');
  }

  /**
   * Matches the pass's new people by email in one read, and invites the rest in batches of at
   * most 50 (the API's all-or-nothing limit). A batch refused because someone became a member
   * meanwhile is left to the per-member sync, which matches them one by one.
   */
  async prepareMembers(desired: DesiredMember[], io: SyncIo): Promise<void> {
    const fresh = desired.filter((d) => d.exists && !io.remoteId('member', d.memberId));
    if (fresh.length < 2) return;
    const members = (await io.http.request<{ members: RemoteMember[] }>('GET', '/api/organization/members?includeDisabled=true')).body.members;
    const byEmail = new Map(members.map((m) => [fold(m.email), m.userId]));
    const pending = new Set(
      (await io.http.request<{ invites: { email: string }[] }>('GET', '/api/organization/invites')).body.invites.map((i) => fold(i.email)),
    );
    const toInvite: DesiredMember[] = [];
    for (const d of fresh) {
      const userId = byEmail.get(fold(d.email));
      if (userId) io.saveRemoteId('member', d.memberId, userId);
      else if (!pending.has(fold(d.email))) toInvite.push(d);
    }
    for (let i = 0; i < toInvite.length; i += MAX_INVITES_PER_CALL) {
      const batch = toInvite.slice(i, i + MAX_INVITES_PER_CALL);
      await io.http.request('POST', '/api/organization/invites', {
        body: { invites: batch.map((d) => ({ email: d.email, role: d.role, teams: [] })) },
        expect: [409],
      });
    }
  }

  private async findMember(http: TargetHttp, email: string): Promise<RemoteMember | null> {
    const res = await http.request<{ members: RemoteMember[] }>('GET', '/api/organization/members?includeDisabled=true');
    const key = fold(email);
    return res.body.members.find((m) => fold(m.email) === key) ?? null;
  }

  /** The member's id in the application, inviting them when they are not there yet. */
  private async ensureMember(d: DesiredMember, io: SyncIo): Promise<string> {
    const known = io.remoteId('member', d.memberId);
    if (known) return known;
    let found = await this.findMember(io.http, d.email);
    if (!found) {
      const invites = await io.http.request<{ invites: { email: string }[] }>('GET', '/api/organization/invites');
      const pending = invites.body.invites.some((i) => fold(i.email) === fold(d.email));
      if (!pending) {
        const res = await io.http.request('POST', '/api/organization/invites', {
          body: { invites: [{ email: d.email, role: d.role, teams: [] }] },
          expect: [409],
        });
        if (res.status === 409) found = await this.findMember(io.http, d.email);
      }
      found ??= await this.findMember(io.http, d.email);
    }
    if (!found) throw new NotYet(`${d.email} is invited; waiting for them to accept.`, INVITE_WAIT_MS);
    io.saveRemoteId('member', d.memberId, found.userId);
    return found.userId;
  }

  async syncMember(d: DesiredMember, io: SyncIo): Promise<void> {
    if (!d.exists) {
      const remote = io.remoteId('member', d.memberId);
      if (!remote || d.protected) return;
      if (this.settings.deleteMode === 'disable') {
        await io.http.request('PATCH', `/api/organization/members/${encodeURIComponent(remote)}`, { body: { disabled: true }, expect: [404] });
      } else {
        await io.http.request('DELETE', `/api/organization/members/${encodeURIComponent(remote)}`, { expect: [404] });
        io.forgetRemoteId('member', d.memberId);
      }
      return;
    }
    const remote = await this.ensureMember(d, io);
    const path = `/api/organization/members/${encodeURIComponent(remote)}`;
    const actual = await io.http.request<RemoteMember>('GET', path, { expect: [404] });
    if (actual.status === 404) {
      // Removed behind the bridge's back: forget the id, and invite them again on the next pass.
      io.forgetRemoteId('member', d.memberId);
      io.drift(`${d.email} was removed from the application; inviting them again.`);
      throw new TargetError(`${d.email} is no longer a member of the application; re-inviting.`, true, 404, 0);
    }
    if (actual.body.role !== d.role) {
      await io.http.request('PATCH', path, { body: { role: d.role } });
    }
    // A protected (break-glass) account is never disabled by sync.
    const disabled = d.disabled && !d.protected;
    if (actual.body.disabled !== disabled) {
      await io.http.request('PATCH', path, { body: { disabled } });
    }
  }

  private scopeOf(b: DesiredBinding, remoteOrgId: string | null): DesiredBinding | null {
    if (b.scopeType !== 'ORGANIZATION') return b;
    return remoteOrgId ? { ...b, scopeId: remoteOrgId } : null;
  }

  private async listGroups(http: TargetHttp): Promise<{ id: string; name: string }[]> {
    const all: { id: string; name: string }[] = [];
    for (let page = 1; ; page++) {
      const res = await http.request<{ data: { id: string; name: string }[]; pagination: { totalPages: number } }>(
        'GET',
        `/api/groups?page=${page}&limit=1000`,
      );
      all.push(...res.body.data);
      if (page >= res.body.pagination.totalPages) return all;
    }
  }

  private bindingsByKey(bindings: DesiredBinding[]): Map<string, DesiredBinding> {
    return new Map(
      bindings.map((b) => this.scopeOf(b, this.settings.remoteOrgId)).filter((b) => b !== null).map((b) => [bindingKey(b), b]),
    );
  }

  /**
   * Drift is what differs between the application and what the bridge last confirmed there:
   * a change made behind its back. (A difference from the desired state alone is just the
   * change the bridge is about to make.)
   */
  private noteDrift(g: RemoteGroup, io: SyncIo): void {
    const confirmed = io.confirmed() as { name: string; memberIds: string[]; bindings: DesiredBinding[] } | null;
    if (!confirmed) return;
    const notes: string[] = [];
    const confirmedName = fitGroupName(confirmed.name);
    if (g.name !== confirmedName) notes.push(`renamed to "${g.name}" (was "${confirmedName}")`);
    const confirmedMembers = new Set(confirmed.memberIds.map((id) => io.remoteId('member', id)).filter((id) => id !== null));
    const actualMembers = new Set(g.members.map((m) => m.userId));
    for (const id of actualMembers) if (!confirmedMembers.has(id)) notes.push(`member ${id} added`);
    for (const id of confirmedMembers) if (!actualMembers.has(id)) notes.push(`member ${id} removed`);
    const confirmedBindings = new Set(this.bindingsByKey(confirmed.bindings).keys());
    const actualBindings = new Set(g.bindings.map(bindingKey));
    for (const k of actualBindings) if (!confirmedBindings.has(k)) notes.push(`binding ${k} added`);
    for (const k of confirmedBindings) if (!actualBindings.has(k)) notes.push(`binding ${k} removed`);
    if (notes.length) io.drift(`Group "${confirmedName}" was changed in the application (${notes.join('; ')}); repaired.`);
  }

  async syncGroup(d: DesiredGroup, io: SyncIo): Promise<void> {
    let remote = io.remoteId('group', d.groupId);
    if (!d.exists) {
      if (remote) await io.http.request('DELETE', `/api/groups/${encodeURIComponent(remote)}`, { expect: [404] });
      io.forgetRemoteId('group', d.groupId);
      return;
    }
    const name = fitGroupName(d.name);
    const memberIds = d.memberIds.map((id) => io.remoteId('member', id));
    const waiting = memberIds.filter((id) => id === null).length;
    const present = memberIds.filter((id): id is string => id !== null);

    if (!remote) {
      // A crash between the create and saving its id leaves a group of this name that no
      // mapping claims: adopt it instead of creating a second one.
      const orphan = (await this.listGroups(io.http)).find((g) => g.name === name && io.localIdOf('group', g.id) === null);
      if (orphan) {
        remote = orphan.id;
      } else {
        const bindings = d.bindings.map((b) => this.scopeOf(b, this.settings.remoteOrgId)).filter((b) => b !== null);
        const created = await io.http.request<{ id: string; organizationId: string }>('POST', '/api/groups', {
          body: { name, bindings: bindings.map(({ role, customRoleId, scopeType, scopeId }) => ({ role, ...(customRoleId ? { customRoleId } : {}), scopeType, scopeId })), memberIds: present },
        });
        remote = created.body.id;
        this.settings.remoteOrgId ??= created.body.organizationId ?? null;
      }
      io.saveRemoteId('group', d.groupId, remote);
    }

    const path = `/api/groups/${encodeURIComponent(remote)}`;
    const actual = await io.http.request<RemoteGroup>('GET', path, { expect: [404] });
    if (actual.status === 404) {
      io.forgetRemoteId('group', d.groupId);
      io.drift(`The group "${name}" was deleted in the application; creating it again.`);
      throw new TargetError(`The group "${name}" is gone from the application; re-creating.`, true, 404, 0);
    }
    const g = actual.body;
    this.settings.remoteOrgId ??= g.organizationId ?? null;
    this.noteDrift(g, io);
    if (g.name !== name) await io.http.request('PATCH', path, { body: { name } });
    const want = new Set(present);
    const have = new Set(g.members.map((m) => m.userId));
    for (const userId of want) {
      if (!have.has(userId)) await io.http.request('POST', `${path}/members`, { body: { userId }, expect: [400] });
    }
    for (const userId of have) {
      if (!want.has(userId)) await io.http.request('DELETE', `${path}/members/${encodeURIComponent(userId)}`, { expect: [404] });
    }
    const wantBindings = this.bindingsByKey(d.bindings);
    const seen = new Set<string>();
    for (const b of g.bindings) {
      const key = bindingKey(b);
      if (wantBindings.has(key) && !seen.has(key)) {
        seen.add(key);
        continue;
      }
      await io.http.request('DELETE', `${path}/bindings/${encodeURIComponent(b.id)}`, { expect: [404] });
    }
    for (const [key, b] of wantBindings) {
      if (seen.has(key)) continue;
      await io.http.request('POST', `${path}/bindings`, {
        body: { role: b.role, ...(b.customRoleId ? { customRoleId: b.customRoleId } : {}), scopeType: b.scopeType, scopeId: b.scopeId },
      });
    }
    if (waiting > 0) throw new NotYet(`${waiting} member(s) of "${name}" are not in the application yet (invited).`, INVITE_WAIT_MS);
  }
}
