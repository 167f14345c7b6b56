/**
 * `scim-bridge deliveries`: what downstream sync is waiting on, and what an admin can do about
 * it. It works on the database; a running bridge's worker picks the change up at its next pass.
 */
import { AccessError } from '../directory/access/errors.js';
import * as deliveries from '../directory/deliveries.service.js';
import type { AdminContext } from '../directory/access/types.js';
import { print } from './common.js';

export const DELIVERIES_HELP = `Usage: scim-bridge deliveries <subcommand> [--json]

  list                          Pending, retrying, parked and held deliveries, and recent calls
  retry <member|group> <id>     Retry a delivery now
  approve [<member|group> <id>] Approve a removal the mass-removal guard holds (all without an id)
  drop <member|group> <id>      Drop a pending delivery (the application is left as it is)
  reconcile                     Compare every member and group with the application again
                                (after a restore, or when it was emptied behind the bridge's back)`;

/** Returns the exit code: 0 done, 1 nothing to act on, 2 usage. */
export function deliveriesCommand(ctx: AdminContext, words: string[], json: boolean): number {
  const [sub, type, id] = words;
  const entity = type === 'member' || type === 'group' ? type : null;
  try {
    switch (sub) {
      case 'list': {
        const d = deliveries.listDeliveries(ctx, { limit: 20 });
        const r = d.reconcile;
        const text = [
          `target: ${d.target.kind}${d.target.url ? ` ${d.target.url}` : ''}; last success ${d.target.lastSuccessAt ?? 'never'}` +
            (d.target.lastError ? `; last error: ${d.target.lastError}` : ''),
          ...(r?.phase ? [`reconciling: ${r.done} of ${r.total} members and groups looked at (since ${r.startedAt})`] : []),
          d.pending.length
            ? d.pending
                .map((p) => `${p.state}\t${p.entityType} ${p.label ?? p.entityId} (${p.entityId})\tattempts ${p.attempts}${p.lastError ? `\t${p.lastError}` : ''}`)
                .join('\n')
            : 'Nothing pending.',
          ...(d.recent.length
            ? ['', 'recent calls:', ...d.recent.map((c) => `${c.startedAt}\t${c.outcome}\t${c.method} ${c.path}\t${c.status ?? '-'}\t${c.label ?? c.entityId}${c.detail ? `\t${c.detail}` : ''}`)]
            : []),
        ].join('\n');
        print(json, d, text);
        return 0;
      }
      case 'approve':
        if (!type) {
          const r = deliveries.approveHeldRemovals(ctx);
          print(json, r, `Approved ${r.approved} held removal(s).`);
          return 0;
        }
        if (!entity || !id) break;
        deliveries.retryDelivery(ctx, entity, id, true);
        print(json, { approved: 1 }, `Approved ${entity} ${id}.`);
        return 0;
      case 'reconcile': {
        if (type) break;
        const res = deliveries.reconcileAll(ctx);
        print(json, res, 'Reconciliation started: every member and group will be compared with the application.');
        return 0;
      }
      case 'retry':
      case 'drop':
        if (!entity || !id) break;
        if (sub === 'retry') deliveries.retryDelivery(ctx, entity, id);
        else deliveries.dropDelivery(ctx, entity, id);
        print(json, { [sub === 'retry' ? 'retried' : 'dropped']: 1 }, `${sub === 'retry' ? 'Retrying' : 'Dropped'} ${entity} ${id}.`);
        return 0;
    }
  } catch (err) {
    if (err instanceof AccessError && (err.code === 'not_found' || err.code === 'invalid_request')) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  process.stderr.write(`${DELIVERIES_HELP}\n`);
  return 2;
}
