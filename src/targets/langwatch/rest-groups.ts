/**
 * Mirrored groups over REST `/api/groups` (invite mode, TARGETS.md §A2). These are ordinary,
 * editable groups in LangWatch (no field sets `scimSource` there), so the bridge guards them
 * itself: every sync reads the group back and repairs what was changed behind its back,
 * logging it as drift. A member already in the group (409 `group_member_already_added`) is done.
 */
import { TargetError } from '../errors.js';
import type { DesiredGroup } from '../types.js';
import { noteDrift, resolveMembers, syncBindings, waitForPeople, type RemoteGroupState } from './bindings.js';
import type { Ctx } from './context.js';
import { emailKey, fitGroupName } from './names.js';

export async function syncRestGroup(d: DesiredGroup, c: Ctx): Promise<void> {
  const { io, rest } = c;
  let remote = io.remoteId('group', d.groupId);
  if (!d.exists) {
    if (remote) await rest.deleteGroup(remote);
    io.forgetRemoteId('group', d.groupId);
    return;
  }
  const name = fitGroupName(d.name);
  const { present, waiting } = resolveMembers(d, c);
  const want = new Set(present.map((p) => p.id));

  let detail = remote ? await rest.getGroup(remote) : null;
  if (remote && !detail) {
    io.forgetRemoteId('group', d.groupId);
    io.drift(`The group "${name}" was deleted in LangWatch; created it again with its members and bindings.`);
    remote = null;
  }
  if (detail) {
    await noteDrift({ name: detail.name, members: detail.members.map((m) => m.userId), bindings: detail.bindings }, d, want, c);
  }
  if (!remote) {
    // REST never refuses a duplicate name, so a crash between the create and saving its id
    // leaves a group of this name no mapping claims: adopt it instead of making a second one.
    const orphan = (await rest.listGroups()).find((g) => g.name === name && g.scimSource === null && io.localIdOf('group', g.id) === null);
    if (orphan) {
      remote = orphan.id;
    } else {
      const made = await rest.createGroup(name, [...want]);
      remote = made.id;
      c.learnOrganizationId(made.organizationId);
    }
    io.saveRemoteId('group', d.groupId, remote);
    detail = await rest.getGroup(remote);
    if (!detail) throw new TargetError(`The group "${name}" vanished from LangWatch right after it was made; looking again.`, true, 404, 0);
  }
  if (!detail) throw new Error('unreachable: a group is read or created above');
  const current: RemoteGroupState = { name: detail.name, members: detail.members.map((m) => m.userId), bindings: detail.bindings };

  if (current.name !== name) await rest.renameGroup(remote, name);
  const have = new Set(current.members);
  const dropped: string[] = [];
  for (const p of present) {
    if (!have.has(p.id) && !(await rest.addGroupMember(remote, p.id))) dropped.push(p.email);
  }
  for (const id of have) if (!want.has(id)) await rest.removeGroupMember(remote, id);

  await syncBindings(remote, name, current.bindings, d.bindings, c);
  if (waiting.length || dropped.length) {
    // Say "invited" only of people who really have a pending invite.
    const pending = new Set((await rest.listInvites()).map((i) => emailKey(i.email)));
    const invited = new Set(waiting.filter((e) => pending.has(emailKey(e))));
    throw waitForPeople(name, waiting, invited, dropped, c);
  }
}
