/**
 * Deliveries: downstream sync as an admin sees it (pending, retrying, parked, held for
 * approval, recent calls), with retry, approve and drop.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import * as deliveries from '../../directory/deliveries.service.js';
import type { AppEnv } from '../env.js';
import { audited } from './audit.js';
import { adminContext, requireScope } from './auth.js';
import { errorResponses, json, pathParam } from './schemas.js';
import { adminApp } from './validation.js';

const view = requireScope('organization:view');
const manage = requireScope('organization:manage');
const tags = ['Deliveries'];

const Entity = z.object({
  entityType: z.enum(['member', 'group']).openapi({ param: { name: 'entityType', in: 'path' } }),
  entityId: pathParam('entityId', 'The member userId or group id.'),
});

const PendingSchema = z
  .object({
    entityType: z.enum(['member', 'group']),
    entityId: z.string(),
    label: z.string().nullable().openapi({ description: "A member's email or a group's name" }),
    state: z.enum(['pending', 'retrying', 'parked', 'awaiting_approval']),
    attempts: z.number().int(),
    nextAttemptAt: z.string(),
    markedAt: z.string(),
    lastError: z.string().nullable(),
  })
  .openapi('PendingDelivery');

const CallSchema = z
  .object({
    id: z.number().int(),
    organizationId: z.string(),
    entityType: z.enum(['member', 'group']),
    entityId: z.string(),
    label: z.string().nullable(),
    method: z.string(),
    path: z.string(),
    status: z.number().int().nullable(),
    outcome: z.enum(['ok', 'retry', 'parked', 'drift']),
    detail: z.string().nullable(),
    startedAt: z.string(),
    durationMs: z.number().int(),
  })
  .openapi('DeliveryCall');

const DeliveriesSchema = z
  .object({
    target: z.object({
      kind: z.enum(['embedded', 'langwatch', 'langsmith']),
      url: z.string().nullable(),
      lastSuccessAt: z.string().nullable(),
      lastFailureAt: z.string().nullable(),
      lastError: z.string().nullable(),
    }),
    reconcile: z
      .object({
        phase: z.enum(['member', 'group']).nullable(),
        total: z.number().int(),
        done: z.number().int(),
        startedAt: z.string().nullable(),
        finishedAt: z.string().nullable(),
      })
      .nullable()
      .openapi({
        description: 'The last reconciliation pass (every member and group compared with the application); under way while phase is set',
      }),
    pending: z.array(PendingSchema),
    recent: z.array(CallSchema),
  })
  .openapi('Deliveries');

const list = createRoute({
  method: 'get',
  path: '/api/deliveries',
  tags,
  summary: 'Pending, retrying, parked and held deliveries, and the most recent calls to the target',
  middleware: [view],
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
  responses: { 200: json(DeliveriesSchema, 'Deliveries'), ...errorResponses(400, 401, 403) },
});

const retry = createRoute({
  method: 'post',
  path: '/api/deliveries/{entityType}/{entityId}/retry',
  tags,
  summary: 'Retry a retrying or parked delivery now',
  middleware: [manage],
  request: { params: Entity },
  responses: { 204: { description: 'Due now' }, ...errorResponses(400, 401, 403, 404) },
});

const approve = createRoute({
  method: 'post',
  path: '/api/deliveries/{entityType}/{entityId}/approve',
  tags,
  summary: 'Approve a removal the mass-removal guard holds back',
  middleware: [manage],
  request: { params: Entity },
  responses: { 204: { description: 'Approved and due now' }, ...errorResponses(400, 401, 403, 404) },
});

const approveAll = createRoute({
  method: 'post',
  path: '/api/deliveries/approve',
  tags,
  summary: 'Approve every removal the mass-removal guard holds back',
  middleware: [manage],
  responses: { 200: json(z.object({ approved: z.number().int() }), 'How many were approved'), ...errorResponses(401, 403) },
});

const reconcile = createRoute({
  method: 'post',
  path: '/api/deliveries/reconcile',
  tags,
  summary: 'Compare every member and group with the application again (after a restore, or when it was emptied)',
  middleware: [manage],
  responses: {
    202: json(z.object({ started: z.boolean() }), 'The pass is under way; see reconcile in GET /api/deliveries'),
    ...errorResponses(400, 401, 403),
  },
});

const drop = createRoute({
  method: 'delete',
  path: '/api/deliveries/{entityType}/{entityId}',
  tags,
  summary: 'Drop a pending delivery (the application is left as it is)',
  middleware: [manage],
  request: { params: Entity },
  responses: { 204: { description: 'Dropped' }, ...errorResponses(400, 401, 403, 404) },
});

export function deliveriesRoutes(): OpenAPIHono<AppEnv> {
  const app = adminApp();
  app.openapi(list, (c) => c.json(deliveries.listDeliveries(adminContext(c), c.req.valid('query')), 200));
  app.openapi(approveAll, (c) =>
    c.json(
      audited(
        c,
        200,
        () => deliveries.approveHeldRemovals(adminContext(c)),
        (r) => ({ summary: { change: { approved: r.approved } } }),
      ),
      200,
    ),
  );
  app.openapi(reconcile, (c) =>
    c.json(
      audited(c, 202, () => deliveries.reconcileAll(adminContext(c))),
      202,
    ),
  );
  app.openapi(retry, (c) => {
    const { entityType, entityId } = c.req.valid('param');
    audited(c, 204, () => deliveries.retryDelivery(adminContext(c), entityType, entityId));
    return c.body(null, 204);
  });
  app.openapi(approve, (c) => {
    const { entityType, entityId } = c.req.valid('param');
    audited(c, 204, () => deliveries.retryDelivery(adminContext(c), entityType, entityId, true));
    return c.body(null, 204);
  });
  app.openapi(drop, (c) => {
    const { entityType, entityId } = c.req.valid('param');
    audited(c, 204, () => deliveries.dropDelivery(adminContext(c), entityType, entityId));
    return c.body(null, 204);
  });
  return app;
}
