/**
 * LangWatch's REST API with the organization API key: organization members and invites
 * (TARGETS.md §A3, errors in the organization family's `{code}` shape), the organization
 * profile, and Groups (§A2, errors in `{error}` shape). Every answer read is parsed by its
 * schema; every refusal the adapter acts on is asked for with `expect` and returned, the rest
 * are thrown by TargetHttp as TargetErrors carrying LangWatch's code.
 */
import { fold } from '../../scim/fold.js';
import type { TargetHttp } from '../http.js';
import type { DesiredBinding } from '../types.js';
import { refusal } from './errors.js';
import {
  BindingCreated,
  GroupCreated,
  GroupDetail,
  GroupPage,
  InviteList,
  MemberAccess,
  MemberPage,
  MemberRow,
  MemberUpdated,
  OrganizationProfile,
  type Invite,
} from './schemas.js';

/** §A3: limit 1..200 (default 50). */
const MEMBER_PAGE = 200;
/** §A2: limit 1..1000 (default 50). */
const GROUP_PAGE = 1000;

const seg = encodeURIComponent;

export interface NewInvite {
  email: string;
  role: 'ADMIN' | 'MEMBER' | 'EXTERNAL';
  teams: { teamId: string; role: 'ADMIN' | 'MEMBER' | 'VIEWER' }[];
}

export class LangWatchRest {
  constructor(readonly http: TargetHttp) {}

  // ---- §A3 members ----------------------------------------------------------------------------

  /** Every member, page by page until `offset ≥ totalCount` (or an empty page: a count that lies). */
  async listMembers(includeDisabled = true): Promise<MemberRow[]> {
    const all: MemberRow[] = [];
    for (let offset = 0; ;) {
      const page = await this.http.json(
        'GET',
        `/api/organization/members?includeDisabled=${includeDisabled}&limit=${MEMBER_PAGE}&offset=${offset}`,
        MemberPage,
      );
      all.push(...page.members);
      offset += page.members.length;
      if (page.members.length === 0 || offset >= page.totalCount) return all;
    }
  }

  /**
   * The member whose `user.email` folds to `email` (nullable: such rows match nobody). Two
   * accounts can differ only in case (§A1 trap 7): the exact lower-case one wins, else the
   * ambiguity is parked rather than guessed.
   */
  async findMember(email: string): Promise<MemberRow | null> {
    const key = fold(email.trim());
    const matches = (await this.listMembers()).filter((m) => m.user.email !== null && fold(m.user.email) === key);
    if (matches.length <= 1) return matches[0] ?? null;
    const exact = matches.filter((m) => m.user.email === key);
    if (exact.length === 1) return exact[0]!;
    throw refusal(
      `LangWatch has ${matches.length} members whose email is ${key} in some case (${matches.map((m) => m.userId).join(', ')}); ` +
        'the bridge will not guess which one is this person. Remove the duplicate account in LangWatch.',
      'ambiguous_person',
    );
  }

  async getMember(userId: string): Promise<MemberRow | null> {
    const res = await this.http.request('GET', `/api/organization/members/${seg(userId)}`, { schema: MemberRow, expect: [404] });
    return res.ok ? res.body : null;
  }

  /**
   * Exactly one of `{role}` or `{disabled}` (§A3; both or neither is 422). Guard rails (400
   * `cannot_*`, 403 `member_seat_limit_reached`) are thrown as parked refusals. Null when gone.
   */
  async updateMember(userId: string, change: { role: MemberRow['role'] } | { disabled: boolean }): Promise<MemberRow | null> {
    const res = await this.http.request('PATCH', `/api/organization/members/${seg(userId)}`, {
      body: change,
      schema: MemberUpdated,
      expect: [404],
    });
    return res.ok ? res.body : null;
  }

  /** Removes the member from this organization only (§A3). 404 = done. */
  async removeMember(userId: string): Promise<void> {
    await this.http.request('DELETE', `/api/organization/members/${seg(userId)}`, { expect: [404] });
  }

  /** The groups a member is in (§A3 `/access`), so a person leaves the bridge's groups before being deleted. */
  async memberGroups(userId: string): Promise<{ id: string; scimSource: string | null }[] | null> {
    const res = await this.http.request('GET', `/api/organization/members/${seg(userId)}/access`, { schema: MemberAccess, expect: [404] });
    return res.ok ? res.body.groups : null;
  }

  /** The organization's id (for ORGANIZATION-scoped bindings), or null if this server does not say. */
  async organizationId(): Promise<string | null> {
    const res = await this.http.request('GET', '/api/organization', { schema: OrganizationProfile, expect: [404, 405] });
    return res.ok ? res.body.id : null;
  }

  // ---- §A3 invites --------------------------------------------------------------------------

  /** Pending, unexpired invites (an expired one drops out of this list). */
  async listInvites(): Promise<Invite[]> {
    return (await this.http.json('GET', '/api/organization/invites', InviteList)).invites;
  }

  /**
   * 1..50 invites, all or nothing. A 409 (`already_organization_member`, `duplicate_invite`)
   * is returned with its code so the caller can fall back per person.
   */
  async createInvites(invites: NewInvite[]): Promise<{ ok: true } | { ok: false; code: string | null }> {
    const res = await this.http.request('POST', '/api/organization/invites', { body: { invites }, schema: InviteList, expect: [409] });
    return res.ok ? { ok: true } : { ok: false, code: res.code };
  }

  /** 404 `invite_not_found` (already revoked, or accepted) = done. */
  async revokeInvite(id: string): Promise<void> {
    await this.http.request('DELETE', `/api/organization/invites/${seg(id)}`, { expect: [404] });
  }

  // ---- §A2 groups ---------------------------------------------------------------------------

  /** Every REST group: no `totalPages`, so stop when page*limit ≥ total or on an empty page. */
  async listGroups(): Promise<{ id: string; name: string; scimSource: string | null }[]> {
    const all: { id: string; name: string; scimSource: string | null }[] = [];
    for (let page = 1; ; page++) {
      const res = await this.http.json('GET', `/api/groups?page=${page}&limit=${GROUP_PAGE}`, GroupPage);
      all.push(...res.data);
      if (res.data.length === 0 || page * res.pagination.limit >= res.pagination.total) return all;
    }
  }

  async getGroup(id: string): Promise<GroupDetail | null> {
    const res = await this.http.request('GET', `/api/groups/${seg(id)}`, { schema: GroupDetail, expect: [404] });
    return res.ok ? res.body : null;
  }

  /**
   * An ordinary, editable group (invite mode). A member not in the organization refuses the
   * whole create (422 `user_not_in_organization`): it is then made empty and filled one by one.
   */
  async createGroup(name: string, memberIds: string[]): Promise<{ id: string; organizationId: string }> {
    const res = await this.http.request('POST', '/api/groups', { body: { name, memberIds }, schema: GroupCreated, expect: [422] });
    if (res.ok) return res.body;
    if (res.code !== 'user_not_in_organization' || memberIds.length === 0) {
      throw refusal(`LangWatch POST /api/groups: 422 ${res.code ?? ''}: ${res.message ?? 'refused'}`, res.code ?? 'validation_error');
    }
    return this.http.json('POST', '/api/groups', GroupCreated, { body: { name, memberIds: [] } });
  }

  async renameGroup(id: string, name: string): Promise<void> {
    await this.http.request('PATCH', `/api/groups/${seg(id)}`, { body: { name } });
  }

  async deleteGroup(id: string): Promise<void> {
    await this.http.request('DELETE', `/api/groups/${seg(id)}`, { expect: [404] });
  }

  /** 409 `group_member_already_added` is done; 422 `user_not_in_organization` is reported as false. */
  async addGroupMember(id: string, userId: string): Promise<boolean> {
    const res = await this.http.request('POST', `/api/groups/${seg(id)}/members`, { body: { userId }, expect: [409, 422] });
    if (res.ok || res.code === 'group_member_already_added') return true;
    if (res.status === 422 && res.code === 'user_not_in_organization') return false;
    throw refusal(
      `LangWatch POST /api/groups/{id}/members: ${res.status} ${res.code ?? ''}: ${res.message ?? 'refused'}`,
      res.code ?? 'refused',
    );
  }

  /** 404 = not there. (A user not in the group is an unmapped 500 there: retried, §A2.) */
  async removeGroupMember(id: string, userId: string): Promise<void> {
    await this.http.request('DELETE', `/api/groups/${seg(id)}/members/${seg(userId)}`, { expect: [404] });
  }

  /** §A2/§A4 step 8: 409 `role_binding_already_exists` is done. */
  async addBinding(id: string, b: DesiredBinding): Promise<void> {
    const body = { role: b.role, ...(b.customRoleId ? { customRoleId: b.customRoleId } : {}), scopeType: b.scopeType, scopeId: b.scopeId };
    const res = await this.http.request('POST', `/api/groups/${seg(id)}/bindings`, { body, schema: BindingCreated, expect: [409] });
    if (res.ok || res.code === 'role_binding_already_exists') return;
    throw refusal(`LangWatch POST /api/groups/{id}/bindings: 409 ${res.code ?? ''}: ${res.message ?? 'refused'}`, res.code ?? 'conflict');
  }

  /** 404 (`group_not_found`, `role_binding_not_found`) = gone already. */
  async removeBinding(id: string, bindingId: string): Promise<void> {
    await this.http.request('DELETE', `/api/groups/${seg(id)}/bindings/${seg(bindingId)}`, { expect: [404] });
  }
}
