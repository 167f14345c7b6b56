/**
 * Which members and groups are waiting on a delivery to the application, from the "needs sync"
 * marks GET /api/deliveries lists, so the group and member pages can say so where they show them.
 */
import { getJson } from './api.js';
import { h } from './dom.js';
import { formatTime, plural } from './format.js';
import type { Deliveries, EntityType, MarkState, PendingDelivery } from './types.js';

export type PendingMarks = Map<string, PendingDelivery>;

const keyOf = (entityType: EntityType, entityId: string): string => `${entityType}:${entityId}`;

/** The marks by entity; empty when they cannot be read (the pages then show no badge). */
export async function loadPending(): Promise<PendingMarks> {
  try {
    const d = await getJson<Deliveries>('/api/deliveries?limit=1');
    return new Map(d.pending.map((p) => [keyOf(p.entityType, p.entityId), p]));
  } catch {
    return new Map();
  }
}

export const pendingOf = (marks: PendingMarks, entityType: EntityType, entityId: string): PendingDelivery | undefined =>
  marks.get(keyOf(entityType, entityId));

export const STATE_TEXT: Record<MarkState, string> = {
  pending: 'pending',
  retrying: 'retrying',
  parked: 'parked',
  awaiting_approval: 'held for approval',
};

const BADGE_TEXT: Record<MarkState, string> = {
  pending: 'delivery pending',
  retrying: 'delivery retrying',
  parked: 'delivery parked',
  awaiting_approval: 'removal held',
};

function describe(p: PendingDelivery): string {
  const parts = [STATE_TEXT[p.state]];
  if (p.attempts) parts.push(plural(p.attempts, 'attempt'));
  if (p.state === 'pending' || p.state === 'retrying') parts.push(`next at ${formatTime(p.nextAttemptAt)}`);
  if (p.lastError) parts.push(`last error: ${p.lastError}`);
  return parts.join('; ');
}

/** A small badge linking to Deliveries, or nothing when the entity has no mark. */
export function pendingBadge(p: PendingDelivery | undefined): HTMLElement | null {
  if (!p) return null;
  return h(
    'a',
    {
      href: '#/deliveries',
      class: `badge ${p.state}`,
      title: `Waiting on a delivery to the application: ${describe(p)}`,
      'data-pending': p.state,
    },
    BADGE_TEXT[p.state],
  );
}

/** The same, as a sentence for a detail page. */
export function pendingNotice(p: PendingDelivery | undefined, what: string): HTMLElement | null {
  if (!p) return null;
  return h(
    'div',
    { class: 'notice', 'data-testid': 'pending-notice' },
    h('strong', null, `${what} is waiting on a delivery to the application. `),
    `State: ${describe(p)}. `,
    h('a', { href: '#/deliveries' }, 'See Deliveries'),
    '.',
  );
}
