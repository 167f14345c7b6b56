/**
 * What to mark for sync when a group changes. A group is always marked; when the
 * organization's target derives a person's access from their groups (LangSmith), the members
 * whose access the change touches are marked too: `affected` when the caller knows them (a
 * membership change), else every member of the group (rename, bindings, deletion).
 */
import type { Db } from '../../store/db.js';
import { listGroupMembers } from '../../store/org-groups.repo.js';
import { markForSync } from '../../store/sync.repo.js';
import { isMemberCentric } from '../../store/targets.repo.js';

export function markGroup(db: Db, organizationId: string, groupId: string, now: string, affected?: string[]): void {
  markForSync(db, organizationId, 'group', groupId, now);
  if (!isMemberCentric(db, organizationId)) return;
  for (const memberId of affected ?? listGroupMembers(db, groupId).map((m) => m.userId)) {
    markForSync(db, organizationId, 'member', memberId, now);
  }
}
