/**
 * Mirrored groups over LangWatch's SCIM server (scim mode, TARGETS.md §A4 step 7). A group
 * created there is SCIM-managed in LangWatch itself (`scimSource`: REST refuses to edit it), so
 * the ownership rule holds in the application too. The group is read back over REST
 * (`GET /api/groups/{id}`, the same id, §A0 "One id per group"), which gives name, members and
 * bindings in one call; writes go over SCIM in the forms that really work:
 *
 *   rename   {op:"replace", path:"displayName", value}
 *   add      {op:"add", path:"members", value:[{value:id},…]}
 *   remove   {op:"remove", path:'members[value eq "<id>"]'}, one per operation
 *
 * never a replace without a path and never a PUT (trap 11). LangWatch drops unknown member ids
 * silently (trap 10), so the members it answers with are compared with those asked for.
 */
import { TargetError } from '../errors.js';
import type { DesiredGroup } from '../types.js';
import { noteDrift, resolveMembers, syncBindings, waitForPeople, type RemoteGroupState } from './bindings.js';
import type { Ctx } from './context.js';
import { refusal } from './errors.js';
import { fitGroupName } from './names.js';
import { removeMemberOp, type PatchOp, type ScimClient } from './scim-client.js';
import type { GroupDetail, ScimGroup } from './schemas.js';

const stateOf = (g: GroupDetail): RemoteGroupState => ({ name: g.name, members: g.members.map((m) => m.userId), bindings: g.bindings });

/**
 * §A4 step 7: POST with members; on 409 a SCIM group of exactly this name exists. One no other
 * group of the bridge is mapped to is this group's, created before a crash lost its id: adopt it.
 */
async function createOrAdopt(
  scim: ScimClient,
  name: string,
  memberIds: string[],
  c: Ctx,
): Promise<{ id: string; created: ScimGroup | null }> {
  const created = await scim.createGroup(name, memberIds);
  if (created) return { id: created.id, created };
  const orphan = (await scim.groupsNamed(name)).find((g) => g.displayName === name && c.io.localIdOf('group', g.id) === null);
  if (orphan) return { id: orphan.id, created: null };
  throw refusal(
    `LangWatch already has a SCIM group named "${name}", and another group of the bridge is mapped to it; ` +
      'rename one of the two groups in the IdP.',
    'group_name_taken',
  );
}

export async function syncScimGroup(d: DesiredGroup, c: Ctx, scim: ScimClient): Promise<void> {
  const { io } = c;
  let remote = io.remoteId('group', d.groupId);
  if (!d.exists) {
    if (remote) await scim.deleteGroup(remote);
    io.forgetRemoteId('group', d.groupId);
    return;
  }
  const name = fitGroupName(d.name);
  const { present, waiting } = resolveMembers(d, c);
  const want = new Set(present.map((p) => p.id));

  let current: RemoteGroupState | null = null;
  let answer: ScimGroup | null = null;
  if (remote) {
    const detail = await c.rest.getGroup(remote);
    if (detail) {
      current = stateOf(detail);
      await noteDrift(current, d, want, c);
    } else {
      // Deleted in LangWatch's UI (it may, §A1 "Groups"): create it again, bindings and all.
      io.forgetRemoteId('group', d.groupId);
      io.drift(`The group "${name}" was deleted in LangWatch; created it again with its members and bindings.`);
      remote = null;
    }
  }
  if (!remote) {
    const made = await createOrAdopt(scim, name, [...want], c);
    remote = made.id;
    io.saveRemoteId('group', d.groupId, remote);
    answer = made.created;
    if (made.created) {
      current = { name: made.created.displayName, members: made.created.members.map((m) => m.value), bindings: [] };
    } else {
      const detail = await c.rest.getGroup(remote);
      if (!detail) throw new TargetError(`The group "${name}" vanished from LangWatch while being adopted; looking again.`, true, 404, 0);
      current = stateOf(detail);
    }
  }
  if (!current) throw new Error('unreachable: a group is read or created above');

  const ops: PatchOp[] = [];
  if (current.name !== name) ops.push({ op: 'replace', path: 'displayName', value: name });
  const have = new Set(current.members);
  const toAdd = [...want].filter((id) => !have.has(id));
  if (toAdd.length) ops.push({ op: 'add', path: 'members', value: toAdd.map((value) => ({ value })) });
  for (const id of have) if (!want.has(id)) ops.push(removeMemberOp(id));
  if (ops.length) {
    answer = await scim.patchGroup(remote, ops);
    if (!answer) {
      throw new TargetError(`The group "${name}" vanished from LangWatch while being updated; looking again.`, true, 404, 0);
    }
  }
  const taken = answer ? new Set(answer.members.map((m) => m.value)) : have;
  const dropped = present.filter((p) => !taken.has(p.id)).map((p) => p.email);

  await syncBindings(remote, name, current.bindings, d.bindings, c);
  if (waiting.length || dropped.length) throw waitForPeople(name, waiting, new Set(), dropped, c);
}
