/** How a sync-log entry reads in one line: who made it, and what it changed. */
import { ownerBadge } from './badges.js';
import { badge, h } from './dom.js';
import type { LogEntry, LogSummary } from './types.js';

export const WRITE_ACTIONS: readonly string[] = ['create', 'replace', 'patch', 'delete'];

export const addedCount = (s: LogSummary): number => s.membersAddedCount ?? s.membersAdded?.length ?? 0;
export const removedCount = (s: LogSummary): number => s.membersRemovedCount ?? s.membersRemoved?.length ?? 0;

export function summaryText(s: LogSummary | null | undefined): string {
  if (!s) return '';
  const parts: string[] = [];
  if (s.activation) parts.push(s.activation);
  if (s.changed?.length) parts.push(`changed ${s.changed.join(', ')}`);
  const added = addedCount(s);
  const removed = removedCount(s);
  if (added) parts.push(`+${added}${added === 1 ? ' member' : ' members'}`);
  if (removed) parts.push(`−${removed}${removed === 1 ? ' member' : ' members'}`);
  if (s.change)
    parts.push(
      Object.entries(s.change)
        .map(([k, v]) => `${k}: ${v === null ? '—' : String(v)}`)
        .join(', '),
    );
  if (s.invited?.length) parts.push(`invited ${s.invited.join(', ')}`);
  if (s.repeated) parts.push(`repeated ${s.repeated}×`);
  return parts.join('; ');
}

const VIA: Record<string, string> = { api: 'the admin API', console: 'the console', cli: 'the CLI' };

/** An IdP's badge for its traffic; for an admin change, the key that made it and how it came. */
export function whoOf(e: LogEntry): HTMLElement {
  if (e.kind === 'admin') {
    const name = e.actor?.name ?? e.actor?.keyId ?? 'an admin key';
    return h(
      'span',
      { class: 'who', title: e.actor?.keyId ? `admin key ${e.actor.keyId}` : null },
      badge('admin', 'admin'),
      ' ',
      name,
      e.actor ? h('span', { class: 'muted' }, ` via ${VIA[e.actor.via] ?? e.actor.via}`) : null,
    );
  }
  if (e.source) return ownerBadge(e.source);
  if (e.clientIp)
    return h(
      'span',
      { class: 'muted', title: e.forwardedFor ? `X-Forwarded-For: ${e.forwardedFor}` : null },
      `unknown client ${e.clientIp}`,
    );
  return h('span', { class: 'muted' }, '—');
}
