/**
 * The audit of the admin API (and so of the console, which calls these routes): every write,
 * done or refused, is an `admin` entry of the sync log with the key that made it. The
 * middleware opens the request's draft and, when the route did not log the write itself, logs
 * the refusal (403, 400, 404, 409, ...) with the code and message the admin was told. Routes
 * run their service call through `audited`, which holds the change and its entry in one
 * transaction (src/directory/sync-log-admin.ts). No answer leaves before that commit.
 */
import type { Context, MiddlewareHandler } from 'hono';
import {
  auditedAdminWrite,
  keyActor,
  logAdminAfterwards,
  logAdminRefusal,
  type AdminLogDraft,
  type AdminOutcome,
  type AdminResourceType,
} from '../../directory/sync-log-admin.js';
import { groupCommit } from '../../store/group-commit.js';
import type { AppEnv } from '../env.js';
import { UNMATCHED_ROUTE, routeTemplate } from '../metrics.js';

interface ActionSpec {
  action: string;
  resourceType: AdminResourceType | null;
  /** The path parameter naming the resource; `entityId` takes its type from `entityType`. */
  param?: string;
}

/** Every write route of the admin API, by method and template, and what it is called in the log. */
export const ADMIN_ACTIONS: Record<string, ActionSpec> = {
  'POST /api/groups': { action: 'group.create', resourceType: 'Group' },
  'PATCH /api/groups/:id': { action: 'group.rename', resourceType: 'Group', param: 'id' },
  'DELETE /api/groups/:id': { action: 'group.delete', resourceType: 'Group', param: 'id' },
  'POST /api/groups/:id/members': { action: 'group.member.add', resourceType: 'Group', param: 'id' },
  'DELETE /api/groups/:id/members/:userId': { action: 'group.member.remove', resourceType: 'Group', param: 'id' },
  'POST /api/groups/:id/bindings': { action: 'group.binding.add', resourceType: 'Group', param: 'id' },
  'DELETE /api/groups/:id/bindings/:bindingId': { action: 'group.binding.remove', resourceType: 'Group', param: 'id' },
  'PATCH /api/organization/members/:userId': { action: 'member.update', resourceType: 'Member', param: 'userId' },
  'DELETE /api/organization/members/:userId': { action: 'member.remove', resourceType: 'Member', param: 'userId' },
  'POST /api/organization/invites': { action: 'invite.create', resourceType: 'Member' },
  'POST /api/deliveries/approve': { action: 'delivery.approve_all', resourceType: null },
  'POST /api/deliveries/reconcile': { action: 'delivery.reconcile', resourceType: null },
  'POST /api/deliveries/:entityType/:entityId/retry': { action: 'delivery.retry', resourceType: null, param: 'entityId' },
  'POST /api/deliveries/:entityType/:entityId/approve': { action: 'delivery.approve', resourceType: null, param: 'entityId' },
  'DELETE /api/deliveries/:entityType/:entityId': { action: 'delivery.drop', resourceType: null, param: 'entityId' },
};

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_ID = 200;

/** One draft per request; the Context is the same object from this middleware to the handler. */
const drafts = new WeakMap<Context, AdminLogDraft>();

/** Path parameters by the template's names, read from the path (middleware runs before the handler's params exist). */
function paramsOf(template: string, path: string): Record<string, string> {
  const names = template.split('/');
  const parts = path.split('/');
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    const value = parts[i];
    if (!n.startsWith(':') || value === undefined) return;
    try {
      out[n.slice(1)] = decodeURIComponent(value).slice(0, MAX_ID);
    } catch {
      out[n.slice(1)] = value.slice(0, MAX_ID);
    }
  });
  return out;
}

function draftOf(c: Context<AppEnv>): AdminLogDraft {
  const { db } = c.get('deps');
  const admin = c.get('admin');
  const path = new URL(c.req.url).pathname;
  const template = routeTemplate(c);
  const spec = ADMIN_ACTIONS[`${c.req.method} ${template}`];
  const params = paramsOf(template, path);
  const entity = params.entityType === 'member' ? 'Member' : params.entityType === 'group' ? 'Group' : null;
  // Like adminAuth: a well-formed bearer header is the API; otherwise the console's session.
  const via = /^Bearer\s+\S+\s*$/i.test(c.req.header('authorization') ?? '') ? 'api' : 'console';
  return {
    organizationId: admin.organizationId,
    requestId: c.get('requestId'),
    method: c.req.method,
    path: path.slice(0, 500),
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    startedMs: performance.now(),
    at: new Date().toISOString(),
    actor: keyActor(db, admin.organizationId, admin.keyId, via),
    // A write route this table does not know yet is still logged, by its method and template.
    action: spec?.action ?? `${c.req.method.toLowerCase()} ${template}`,
    resourceType: spec ? (spec.resourceType ?? entity) : null,
    resourceId: spec?.param ? (params[spec.param] ?? null) : null,
    written: false,
  };
}

/** The code and message the admin was told, from the error body the one error funnel rendered. */
async function refusalOf(c: Context<AppEnv>): Promise<{ status: number; code: string | null; message: string | null }> {
  const status = c.res.status;
  try {
    const body = (await c.res.clone().json()) as { error?: { code?: unknown; message?: unknown } } | null;
    const code = typeof body?.error?.code === 'string' ? body.error.code : null;
    const message = typeof body?.error?.message === 'string' ? body.error.message : null;
    return { status, code, message };
  } catch {
    return { status, code: null, message: null };
  }
}

/** After adminAuth: the audit of every write (see the module comment). */
export const adminAudit: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Reads are not audited; nor is a path no route knows (a 404 of the not-found handler).
  if (!WRITES.has(c.req.method) || routeTemplate(c) === UNMATCHED_ROUTE) return next();
  const draft = draftOf(c);
  drafts.set(c, draft);
  await next();
  const { db } = c.get('deps');
  if (!draft.written) {
    if (c.res.status >= 400) logAdminRefusal(db, draft, await refusalOf(c));
    else logAdminAfterwards(db, draft, c.res.status);
  }
  // "Acknowledged means on disk", as for SCIM writes: the change and its entry are committed.
  await groupCommit(db).durable();
};

/**
 * Runs a route's service call with its entry in one transaction. `about` says what the entry
 * should name besides the route's resource: a created id, a name, the plain values changed.
 */
export function audited<T>(
  c: Context<AppEnv>,
  status: number,
  fn: () => T,
  about: (result: T) => Omit<AdminOutcome, 'status'> = () => ({}),
): T {
  const draft = drafts.get(c);
  // Without the middleware (a route mounted elsewhere) there is nothing to log into.
  if (!draft) return fn();
  return auditedAdminWrite(c.get('deps').db, draft, () => {
    const result = fn();
    return { result, outcome: { status, ...about(result) } };
  });
}
