/**
 * The workspace side of a member (TARGETS.md §B S9–S12), always with `X-Tenant-Id`:
 * - add: S10 `{org_identity_id, role_id}`, the organization identity id being the `id` of the
 *   member's S4 row (the OpenAPI and LangChain's Terraform provider; the docs' sample
 *   `{user_id, workspace_ids, workspace_role_id}` is not that request's shape);
 * - change the role: S11 `{role_id}` on the WORKSPACE identity id (from S9, never the
 *   organization one);
 * - remove: S12 on the workspace identity id.
 * After an add or a role change the membership is read back (S9): the server's default role
 * for an add is not documented, so a role it did not take is reported at once (RoleNotTaken,
 * naming the workspace, the role asked and the role held), not left to look like drift on the
 * next pass. Refusals are not documented either: any 4xx is looked at again before parking.
 */
import { LOOK_AGAIN, unsettled } from './errors.js';
import { RoleNotTaken } from './members.js';
import { WorkspaceMemberAdded, type OrgMember, type Workspace, type WorkspaceMember } from './schemas.js';
import { API, enc, sameId, tenant, type Session } from './session.js';

const MEMBERS = `${API}/workspaces/current/members`;

/** Reads the membership back after a write and checks the role; `res` is the write's answer. */
async function readBack(
  s: Session,
  ws: Workspace,
  member: OrgMember,
  want: string,
  call: string,
  res: { ok: boolean; status: number },
): Promise<WorkspaceMember | null> {
  const after = await s.membershipIn(ws.id, member);
  if (after && sameId(after.role_id, want)) return after;
  if (!res.ok) return after;
  const asked = await s.roleLabel(want);
  const who = member.email ?? member.id;
  if (!after) {
    throw new RoleNotTaken(
      `LangSmith answered ${res.status} to ${call} for ${who} in workspace "${ws.display_name}" (role "${asked}"), but the workspace's member list does not have them.`,
      null,
    );
  }
  throw new RoleNotTaken(
    `LangSmith did not take the role of ${who} in workspace "${ws.display_name}": asked "${asked}", it holds "${await s.roleLabel(after.role_id)}" (after ${call} answered ${res.status}).`,
    after.role_id ?? null,
  );
}

/** S10, then S9 read back; "already there" (a 4xx, then found) gets its role set with S11. */
export async function addToWorkspace(s: Session, ws: Workspace, member: OrgMember, roleId: string): Promise<void> {
  const call = `POST ${MEMBERS}`;
  const res = await s.http.request('POST', MEMBERS, {
    headers: tenant(ws.id),
    body: { org_identity_id: member.id, role_id: roleId },
    expect: LOOK_AGAIN,
    schema: WorkspaceMemberAdded,
  });
  const after = await readBack(s, ws, member, roleId, call, res);
  if (after && sameId(after.role_id, roleId)) return;
  if (!after)
    throw unsettled(`${call} (${member.email ?? member.id} to workspace "${ws.display_name}")`, res, 'they are not in the workspace');
  // Added meanwhile (a concurrent sync or a person), with another role: set it.
  await setWorkspaceRole(s, ws, member, after, roleId);
}

/** S11 on the workspace identity id, then S9 read back. */
export async function setWorkspaceRole(s: Session, ws: Workspace, member: OrgMember, have: WorkspaceMember, roleId: string): Promise<void> {
  const path = `${MEMBERS}/${enc(have.id)}`;
  const call = `PATCH ${path}`;
  const res = await s.http.request('PATCH', path, { headers: tenant(ws.id), body: { role_id: roleId }, expect: LOOK_AGAIN });
  const after = await readBack(s, ws, member, roleId, call, res);
  if (after && sameId(after.role_id, roleId)) return;
  const holds = after ? `they hold "${await s.roleLabel(after.role_id)}"` : 'they are no longer in the workspace';
  throw unsettled(
    `${call} (${member.email ?? member.id} in workspace "${ws.display_name}")`,
    res,
    `${holds}, not "${await s.roleLabel(roleId)}"`,
  );
}

/** S12 on the workspace identity id; a refusal is looked at again, and a membership gone is done. */
export async function removeFromWorkspace(s: Session, ws: Workspace, member: OrgMember, have: WorkspaceMember): Promise<void> {
  const path = `${MEMBERS}/${enc(have.id)}`;
  const res = await s.http.request('DELETE', path, { headers: tenant(ws.id), expect: LOOK_AGAIN });
  if (res.ok) return;
  const still = await s.membershipIn(ws.id, member);
  if (still)
    throw unsettled(
      `DELETE ${path} (${member.email ?? member.id} from workspace "${ws.display_name}")`,
      res,
      'they are still in the workspace',
    );
}
