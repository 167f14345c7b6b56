/**
 * `scim-bridge deliveries`: what downstream sync is waiting on, and what an admin can do about
 * it. It works on the database; a running bridge's worker picks the change up at its next pass.
 */
import { auditedCliWrite, cliDraft } from '../directory/sync-log-admin.js';
import { AccessError } from '../directory/access/errors.js';
import * as deliveries from '../directory/deliveries.service.js';
import type { AdminContext } from '../directory/access/types.js';
import { DEFAULT_ORGANIZATION_ID } from '../store/connections.repo.js';
import { JSON_OPTION, UsageError, type CommandSpec, type Input } from './args.js';
import { EXIT, cliConfig, flag, print, withDb } from './common.js';

type Entity = 'member' | 'group';
const ENTITY_ARG = { name: 'member|group', missing: 'say what the delivery is about: member or group', choices: ['member', 'group'] };
const ID_ARG = { name: 'id', missing: 'give the id of the member or group, as scim-bridge deliveries list shows it' };

/** The first argument, which the grammar has checked is one of ENTITY_ARG's choices. */
const entityOf = (input: Input): Entity => (input.positionals[0] === 'group' ? 'group' : 'member');

function list(ctx: AdminContext, json: boolean): number {
  const d = deliveries.listDeliveries(ctx, { limit: 20 });
  const r = d.reconcile;
  const text = [
    `target: ${d.target.kind}${d.target.url ? ` ${d.target.url}` : ''}; last success ${d.target.lastSuccessAt ?? 'never'}` +
      (d.target.lastError ? `; last error: ${d.target.lastError}` : ''),
    ...(r?.phase ? [`reconciling: ${r.done} of ${r.total} members and groups looked at (since ${r.startedAt})`] : []),
    d.pending.length
      ? d.pending
          .map(
            (p) =>
              `${p.state}\t${p.entityType} ${p.label ?? p.entityId} (${p.entityId})\tattempts ${p.attempts}${p.lastError ? `\t${p.lastError}` : ''}`,
          )
          .join('\n')
      : 'Nothing pending.',
    ...(d.recent.length
      ? [
          '',
          'recent calls:',
          ...d.recent.map(
            (c) =>
              `${c.startedAt}\t${c.outcome}\t${c.method} ${c.path}\t${c.status ?? '-'}\t${c.label ?? c.entityId}${c.detail ? `\t${c.detail}` : ''}`,
          ),
        ]
      : []),
  ].join('\n');
  print(json, d, text);
  return EXIT.ok;
}

/** Runs `fn` on the database; a delivery that is not there is exit 1 with its message. */
/**
 * Runs one subcommand on the database. A change (`action`, as the admin API names it) is
 * audited like the API's: one transaction with its `admin` entry in the sync log.
 */
function act(input: Input, fn: (ctx: AdminContext, json: boolean) => number, action?: { name: string; resourceId?: string }): number {
  const json = flag(input.values, 'json');
  return withDb(cliConfig(), (db) => {
    const ctx = { db, organizationId: DEFAULT_ORGANIZATION_ID };
    try {
      if (!action) return fn(ctx, json);
      const draft = cliDraft(
        DEFAULT_ORGANIZATION_ID,
        input.path.replace(/^scim-bridge /, ''),
        action.name,
        null,
        action.resourceId ?? null,
      );
      return auditedCliWrite(db, draft, () => ({ result: fn(ctx, json), outcome: { resourceId: action.resourceId ?? null } }));
    } catch (err) {
      if (err instanceof AccessError && (err.code === 'not_found' || err.code === 'invalid_request')) {
        process.stderr.write(`${err.message}\n`);
        return EXIT.failure;
      }
      throw err;
    }
  });
}

function approve(input: Input): number {
  if (input.positionals.length === 0) {
    return act(
      input,
      (ctx, json) => {
        const r = deliveries.approveHeldRemovals(ctx);
        print(json, r, `Approved ${r.approved} held removal(s).`);
        return EXIT.ok;
      },
      { name: 'delivery.approve_all' },
    );
  }
  const entity = entityOf(input);
  const id = input.positionals[1];
  if (id === undefined) throw new UsageError(input.path, ID_ARG.missing);
  return act(
    input,
    (ctx, json) => {
      deliveries.retryDelivery(ctx, entity, id, true);
      print(json, { approved: 1 }, `Approved ${entity} ${id}.`);
      return EXIT.ok;
    },
    { name: 'delivery.approve', resourceId: id },
  );
}

function retryOrDrop(sub: 'retry' | 'drop', input: Input): number {
  const entity = entityOf(input);
  const id = input.positionals[1]!;
  return act(
    input,
    (ctx, json) => {
      if (sub === 'retry') deliveries.retryDelivery(ctx, entity, id);
      else deliveries.dropDelivery(ctx, entity, id);
      print(json, { [sub === 'retry' ? 'retried' : 'dropped']: 1 }, `${sub === 'retry' ? 'Retrying' : 'Dropped'} ${entity} ${id}.`);
      return EXIT.ok;
    },
    { name: `delivery.${sub}`, resourceId: id },
  );
}

export const DELIVERIES_COMMAND: CommandSpec = {
  name: 'deliveries',
  summary: 'List, retry, approve or drop deliveries to the target',
  description: `List, retry, approve or drop deliveries to the target.
These work on the database; a running bridge's worker picks the change up at its next pass.
Exit codes: 0 done, 1 nothing to act on, 2 usage error.`,
  subcommands: [
    {
      name: 'list',
      summary: 'Pending, retrying, parked and held deliveries, and recent calls (people by email)',
      options: { json: JSON_OPTION },
      run: (input) => act(input, (ctx, json) => list(ctx, json)),
    },
    {
      name: 'retry',
      summary: 'Retry a delivery now',
      args: [ENTITY_ARG, ID_ARG],
      options: { json: JSON_OPTION },
      run: (input) => retryOrDrop('retry', input),
    },
    {
      name: 'approve',
      summary: 'Approve a removal the mass-removal guard holds (all of them without an id)',
      args: [
        { ...ENTITY_ARG, optional: true },
        { ...ID_ARG, optional: true },
      ],
      options: { json: JSON_OPTION },
      run: approve,
    },
    {
      name: 'drop',
      summary: 'Drop a pending delivery (the application is left as it is)',
      args: [ENTITY_ARG, ID_ARG],
      options: { json: JSON_OPTION },
      run: (input) => retryOrDrop('drop', input),
    },
    {
      name: 'reconcile',
      summary:
        "Compare every member and group with the application again\n(after a restore, or when it was emptied behind the bridge's back)",
      options: { json: JSON_OPTION },
      run: (input) =>
        act(
          input,
          (ctx, json) => {
            const res = deliveries.reconcileAll(ctx);
            print(json, res, 'Reconciliation started: every member and group will be compared with the application.');
            return EXIT.ok;
          },
          { name: 'delivery.reconcile' },
        ),
    },
  ],
};
