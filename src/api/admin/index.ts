/**
 * The admin API: LangWatch-shaped Groups, Members and Invites (TARGETS.md §A) over the access
 * model, behind admin keys, with its OpenAPI 3.1 document generated from the same schemas.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../env.js';
import { adminAudit } from './audit.js';
import { adminAuth } from './auth.js';
import { connectionsRoutes } from './connections.routes.js';
import { deliveriesRoutes } from './deliveries.routes.js';
import { syncLogsRoutes } from './sync-logs.routes.js';
import { groupsRoutes } from './groups.routes.js';
import { invitesRoutes } from './invites.routes.js';
import { membersRoutes } from './members.routes.js';
import { scopesRoutes } from './scopes.routes.js';
import { json } from './schemas.js';
import { adminApp } from './validation.js';

/** Admin bodies are small (at most 1000 member ids or 50 invites); anything bigger is refused while it streams. */
export const MAX_ADMIN_BODY_BYTES = 1024 * 1024;

export const OPENAPI_PATH = '/api/openapi.json';

const openapiRoute = createRoute({
  method: 'get',
  path: OPENAPI_PATH,
  tags: ['Meta'],
  summary: 'This document (no key needed)',
  security: [],
  responses: { 200: json(z.record(z.string(), z.unknown()), 'The OpenAPI 3.1 document of the admin API') },
});

export function adminRoutes(): OpenAPIHono<AppEnv> {
  const app = adminApp();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An admin key: the one of BRIDGE_ADMIN_KEY, or one made with `scim-bridge keys create`.',
  });

  // Registered before the auth middleware below, so it answers without a key. Generated once,
  // on first request, when every route below is registered.
  let document: Record<string, unknown> | undefined;
  app.openapi(openapiRoute, (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'scim-bridge admin API',
        version: '1',
        description:
          'Groups, members and invites of the organization the admin key belongs to, shaped like the LangWatch APIs. ' +
          'Errors are {"error":{"code","message"}}. organization:view reads; organization:manage writes (and reads).',
      },
      security: [{ bearerAuth: [] }],
    }) as unknown as Record<string, unknown>;
    return c.json(document, 200);
  });

  app.use('/api/*', adminAuth);
  // Before the body limit and the routes' own checks, so that their refusals are audited too.
  app.use('/api/*', adminAudit);
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_ADMIN_BODY_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: `The request body exceeds ${MAX_ADMIN_BODY_BYTES} bytes.` });
      },
    }),
  );
  app.route('/', groupsRoutes());
  app.route('/', membersRoutes());
  app.route('/', invitesRoutes());
  app.route('/', deliveriesRoutes());
  app.route('/', connectionsRoutes());
  app.route('/', syncLogsRoutes());
  app.route('/', scopesRoutes());
  return app;
}
