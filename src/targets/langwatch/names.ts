/**
 * Names as LangWatch takes them. Groups: 1..100 characters after trimming (TARGETS.md §A2,
 * POST /api/groups `name (trimmed, 1..100)`; the same `Group.name` column serves SCIM).
 * Emails: lower-cased, since SCIM POST stores them as sent (§A1 trap 7).
 */
import { createHash } from 'node:crypto';
import { fold } from '../../scim/fold.js';

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

/** The one form of an email LangWatch is sent and matched on: trimmed, lower-cased (§A4 step 2). */
export const emailKey = (email: string) => fold(email.trim());
