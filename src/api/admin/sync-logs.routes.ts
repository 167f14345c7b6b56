/**
 * The sync log: one entry per SCIM request and per admin action, filtered and paged newest
 * first by a cursor, one entry with the calls it caused downstream, and exports as NDJSON or
 * CSV (streamed). `kind=scim` is IdP traffic, `kind=admin` what admins did (API, console, CLI).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import * as syncLogs from '../../directory/sync-log.service.js';
import type { AppEnv } from '../env.js';
import { adminContext, requireScope } from './auth.js';
import { errorResponses, json } from './schemas.js';
import { adminApp } from './validation.js';

const view = requireScope('organization:view');
const tags = ['Sync log'];

const Filters = z.object({
  kind: z.enum(['scim', 'admin']).optional().openapi({
    description: 'scim: what the IdPs sent; admin: what admins did through the admin API, the console or the CLI. Both when absent.',
  }),
  source: z.string().max(64).optional().openapi({ description: 'The connection source: okta, azure-ad, ...' }),
  connectionId: z.string().max(200).optional(),
  resourceType: z.enum(['User', 'Group']).optional(),
  resourceId: z.string().max(200).optional(),
  user: z.string().max(300).optional().openapi({ description: 'A userName or email (case-insensitive).' }),
  group: z.string().max(300).optional().openapi({ description: 'A group id or displayName (case-insensitive).' }),
  outcome: z
    .enum(['success', 'failed', 'pending'])
    .optional()
    .openapi({ description: 'pending: what it caused downstream is not delivered yet.' }),
  from: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  q: z.string().max(300).optional().openapi({ description: 'Text in the request path.' }),
});

const filtersOf = (f: z.infer<typeof Filters>) => ({
  ...f,
  ...(f.from ? { from: new Date(f.from).toISOString() } : {}),
  ...(f.to ? { to: new Date(f.to).toISOString() } : {}),
});

const Summary = z
  .object({
    changed: z.array(z.string()).optional(),
    membersAdded: z.array(z.string()).optional(),
    membersRemoved: z.array(z.string()).optional(),
    membersAddedCount: z.number().int().optional(),
    membersRemovedCount: z.number().int().optional(),
    activation: z.enum(['activated', 'deactivated']).nullable().optional(),
    operations: z.number().int().optional(),
    change: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .openapi({ description: "An admin change's plain values: a new name, a role, a binding's scope." }),
    invited: z.array(z.string()).optional().openapi({ description: 'The emails an admin invited.' }),
    repeated: z.number().int().optional().openapi({
      description: 'Refused authentications from the same address folded into this entry (at most one entry per address a minute).',
    }),
  })
  .openapi('SyncLogSummary');

const Actor = z
  .object({
    keyId: z.string().nullable().openapi({ description: 'The admin key (null for the CLI).' }),
    name: z.string().nullable().openapi({ description: "The key's name, or cli:<user> for the command line." }),
    via: z.enum(['api', 'console', 'cli']),
  })
  .openapi('SyncLogActor');

const Entry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    organizationId: z.string(),
    connectionId: z.string().nullable(),
    source: z.string().nullable(),
    requestId: z.string(),
    method: z.string(),
    path: z.string(),
    resourceType: z.string().nullable(),
    resourceId: z.string().nullable(),
    action: z.string(),
    status: z.number().int(),
    scimType: z.string().nullable(),
    outcome: z.enum(['success', 'failed']),
    durationMs: z.number().nullable(),
    userAgent: z.string().nullable(),
    summary: Summary,
    kind: z.enum(['scim', 'admin']),
    detail: z
      .string()
      .nullable()
      .openapi({ description: 'On a refusal: the message the client was told (a SCIM detail, an admin error message).' }),
    errorCode: z
      .string()
      .nullable()
      .openapi({ description: 'On a refused admin action: the error code (scim_managed_group, forbidden, ...).' }),
    resourceName: z
      .string()
      .nullable()
      .openapi({ description: 'What the entry is about in words: a userName, displayName, group name, member email or key name.' }),
    actor: Actor.nullable().openapi({ description: 'Who made an admin change: the key (never its secret) and how it came.' }),
    clientIp: z.string().nullable().openapi({ description: 'For a request refused for authentication: the peer address.' }),
    forwardedFor: z.string().nullable().openapi({ description: 'X-Forwarded-For as received (a claim).' }),
    downstream: z.enum(['pending', 'done']).openapi({ description: 'Whether what the request caused is still waiting to be delivered.' }),
  })
  .openapi('SyncLogEntry');

const list = createRoute({
  method: 'get',
  path: '/api/sync-logs',
  tags,
  summary: 'Sync log entries (SCIM requests and admin actions), newest first',
  middleware: [view],
  request: {
    query: Filters.extend({
      cursor: z.coerce.number().int().min(1).optional().openapi({ description: 'nextCursor of the previous page.' }),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
  },
  responses: {
    200: json(z.object({ data: z.array(Entry), nextCursor: z.number().int().nullable() }), 'A page of entries'),
    ...errorResponses(400, 401, 403),
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/api/sync-logs/export',
  tags,
  summary: 'Every matching entry as NDJSON or CSV, streamed',
  middleware: [view],
  request: { query: Filters.extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') }) },
  responses: {
    200: {
      description: 'The entries, newest first',
      content: { 'application/x-ndjson': { schema: z.string() }, 'text/csv': { schema: z.string() } },
    },
    ...errorResponses(400, 401, 403),
  },
});

const one = createRoute({
  method: 'get',
  path: '/api/sync-logs/{id}',
  tags,
  summary: 'One entry, with the entities it marked and the calls they caused downstream',
  middleware: [view],
  request: {
    params: z.object({
      id: z.coerce
        .number()
        .int()
        .min(1)
        .openapi({ param: { name: 'id', in: 'path' } }),
    }),
  },
  responses: {
    200: json(
      Entry.extend({
        effects: z.array(z.object({ entityType: z.string(), entityId: z.string() })),
        deliveries: z.array(z.record(z.string(), z.unknown())),
      }),
      'The entry and its downstream calls',
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

export function syncLogsRoutes(): OpenAPIHono<AppEnv> {
  const app = adminApp();
  app.openapi(list, (c) => {
    c.get('deps').syncLog.flush();
    const { cursor, limit, ...filters } = c.req.valid('query');
    return c.json(syncLogs.listSyncLogs(adminContext(c), filtersOf(filters), cursor ?? null, limit), 200);
  });
  app.openapi(exportRoute, (c) => {
    c.get('deps').syncLog.flush();
    const { format, ...filters } = c.req.valid('query');
    const lines = syncLogs.exportSyncLogs(adminContext(c), filtersOf(filters), format);
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      pull(controller) {
        const next = lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
        'Content-Disposition': `attachment; filename="sync-log.${format === 'csv' ? 'csv' : 'ndjson'}"`,
      },
    });
  });
  app.openapi(one, (c) => {
    c.get('deps').syncLog.flush();
    return c.json(syncLogs.getSyncLog(adminContext(c), c.req.valid('param').id) as never, 200);
  });
  return app;
}
