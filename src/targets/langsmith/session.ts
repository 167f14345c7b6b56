/**
 * What LangSmith looks like during one sync (TARGETS.md §B): roles (S3) and workspaces (S1) are
 * read once per sync (the workspace list is updated when the bridge creates one, S2); the
 * organization's members (S4) and a workspace's members (S9) are read fresh each time they are
 * asked for, because a write is always checked against what LangSmith holds afterwards. Every
 * answer is parsed by its schema (schemas.ts): an unexpected shape throws a non-retryable
 * TargetError naming the call and the field, never an empty list.
 */
import { fold } from '../../scim/fold.js';
import { TargetError } from '../errors.js';
import type { TargetHttp } from '../http.js';
import { LOOK_AGAIN, unsettled } from './errors.js';
import {
  OrgMembers,
  RoleList,
  WorkspaceCreated,
  WorkspaceList,
  WorkspaceMembers,
  type OrgMember,
  type Role,
  type Workspace,
  type WorkspaceMember,
} from './schemas.js';

export const API = '/api/v1';

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export const looksLikeId = (s: string) => UUID_RE.test(s.trim());
/** LangSmith ids are UUIDs: compared without case and hyphens. */
const idKey = (id: string) => id.trim().toLowerCase().replace(/-/g, '');
export const sameId = (a: string | null | undefined, b: string | null | undefined) =>
  a !== null && a !== undefined && b !== null && b !== undefined && idKey(a) === idKey(b);
export const enc = encodeURIComponent;
/** Workspace-scoped requests (S9–S12) name their workspace (TARGETS.md §B, Headers). */
export const tenant = (workspaceId: string) => ({ 'X-Tenant-Id': workspaceId });
/** An email as the bridge compares it; null (a row without one) never matches. */
export const emailKey = (email: string | null | undefined) => (email ? fold(email.trim()) : null);

export type Scope = 'organization' | 'workspace';

export class Session {
  private rolesP: Promise<Role[]> | undefined;
  private workspacesP: Promise<Workspace[]> | undefined;

  constructor(readonly http: TargetHttp) {}

  roles(): Promise<Role[]> {
    return (this.rolesP ??= this.http.json('GET', `${API}/orgs/current/roles`, RoleList));
  }

  async role(scope: Scope, displayName: string): Promise<Role | undefined> {
    const roles = (await this.roles()).filter((r) => r.access_scope === scope);
    const name = displayName.trim();
    return roles.find((r) => r.display_name === name) ?? roles.find((r) => r.display_name.toLowerCase() === name.toLowerCase());
  }

  async requireRole(scope: Scope, displayName: string, why = ''): Promise<Role> {
    const role = await this.role(scope, displayName);
    if (role) return role;
    const known = (await this.roles()).filter((r) => r.access_scope === scope).map((r) => `"${r.display_name}"`);
    throw new TargetError(
      `LangSmith has no ${scope} role "${displayName}"${why} (it has ${known.join(', ') || 'none'}).`,
      false,
      null,
      null,
      'role_not_found',
    );
  }

  async roleById(id: string | null | undefined): Promise<Role | undefined> {
    if (!id) return undefined;
    return (await this.roles()).find((r) => sameId(r.id, id));
  }

  /** Admin > Editor > custom roles > Viewer. */
  async rank(roleId: string | null | undefined): Promise<number> {
    if (!roleId) return 0;
    switch ((await this.roleById(roleId))?.display_name) {
      case 'Admin':
        return 4;
      case 'Editor':
        return 3;
      case 'Viewer':
        return 1;
      default:
        return 2;
    }
  }

  async roleLabel(roleId: string | null | undefined): Promise<string> {
    if (!roleId) return 'none';
    return (await this.roleById(roleId))?.display_name ?? roleId;
  }

  /** The organization role a member row holds: `role_id`, else `org_role_id`, else `role_name` resolved. */
  async orgRoleOf(m: Pick<OrgMember, 'role_id' | 'org_role_id' | 'role_name'>): Promise<string | null> {
    if (m.role_id) return m.role_id;
    if (m.org_role_id) return m.org_role_id;
    return m.role_name ? ((await this.role('organization', m.role_name))?.id ?? null) : null;
  }

  /** The workspaces the bridge may grant: neither deleted nor personal. */
  workspaces(): Promise<Workspace[]> {
    return (this.workspacesP ??= this.http
      .json('GET', `${API}/workspaces`, WorkspaceList)
      .then((list) => list.filter((w) => !w.is_deleted && !w.is_personal)));
  }

  /** A workspace by id (when `byId`), else by display name (exact, then without case); the first listed wins. */
  async findWorkspace(ref: string, byId: boolean): Promise<Workspace | undefined> {
    const list = await this.workspaces();
    const r = ref.trim();
    return (
      (byId ? list.find((w) => sameId(w.id, r)) : undefined) ??
      list.find((w) => w.display_name === r) ??
      list.find((w) => w.display_name.toLowerCase() === r.toLowerCase())
    );
  }

  async workspaceName(workspaceId: string): Promise<string> {
    return (await this.workspaces()).find((w) => sameId(w.id, workspaceId))?.display_name ?? workspaceId;
  }

  /**
   * S2. A refusal (a name taken meanwhile, say: not documented) is looked at again in a fresh
   * S1: a workspace of that name is used; none parks with LangSmith's reason.
   */
  async createWorkspace(displayName: string): Promise<Workspace> {
    const list = await this.workspaces();
    const res = await this.http.request('POST', `${API}/workspaces`, {
      body: { display_name: displayName },
      expect: LOOK_AGAIN,
      schema: WorkspaceCreated,
    });
    if (res.ok) {
      list.push(res.body);
      return res.body;
    }
    const fresh = (await this.http.json('GET', `${API}/workspaces`, WorkspaceList)).filter((w) => !w.is_deleted && !w.is_personal);
    const found = fresh.find((w) => w.display_name === displayName);
    if (!found) throw unsettled(`POST ${API}/workspaces (workspace "${displayName}")`, res, 'LangSmith has no workspace of that name');
    list.push(found);
    return found;
  }

  /** S4, read fresh: the organization's members and pending invites. */
  orgMembers(): Promise<OrgMembers> {
    return this.http.json('GET', `${API}/orgs/current/members`, OrgMembers);
  }

  /** S9, read fresh: one workspace's members. */
  async workspaceMembers(workspaceId: string): Promise<WorkspaceMember[]> {
    const body = await this.http.json('GET', `${API}/workspaces/current/members`, WorkspaceMembers, { headers: tenant(workspaceId) });
    return body.members;
  }

  /**
   * A member's membership of one workspace (its own id and role), or null. The workspace
   * identity id is not the organization identity id (TARGETS.md §B: "do not assume they do"),
   * so the row is found by the person: LangSmith user id, then auth user id, then email.
   */
  async membershipIn(workspaceId: string, member: OrgMember): Promise<WorkspaceMember | null> {
    const list = await this.workspaceMembers(workspaceId);
    const email = emailKey(member.email);
    return (
      list.find((m) => sameId(m.ls_user_id, member.ls_user_id)) ??
      list.find((m) => sameId(m.user_id, member.user_id)) ??
      (email ? list.find((m) => emailKey(m.email) === email) : undefined) ??
      null
    );
  }
}
