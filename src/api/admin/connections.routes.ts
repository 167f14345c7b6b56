/**
 * Connections: the organization's IdP connections as an admin sees them (which IdPs push, since
 * when, when each last called, and how many live tokens each has). Tokens are made, rotated and
 * revoked with `scim-bridge connections`; their secrets are never shown again.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { listConnections, listTokens } from '../../store/connections.repo.js';
import type { AppEnv } from '../env.js';
import { adminContext, requireScope } from './auth.js';
import { errorResponses, json } from './schemas.js';
import { adminApp } from './validation.js';

const ConnectionSchema = z
  .object({
    id: z.string(),
    source: z.string().openapi({ description: 'The IdP: the scimSource of what it pushes.', example: 'okta' }),
    createdAt: z.string(),
    lastUsedAt: z
      .string()
      .nullable()
      .openapi({ description: 'The last SCIM call with one of its tokens (recorded at most once a minute).' }),
    liveTokens: z.number().int().openapi({ description: 'Tokens not revoked.' }),
  })
  .openapi('Connection');

const list = createRoute({
  method: 'get',
  path: '/api/connections',
  tags: ['Connections'],
  summary: "The organization's SCIM connections, with their last use and number of live tokens",
  middleware: [requireScope('organization:view')],
  responses: { 200: json(z.object({ data: z.array(ConnectionSchema) }), 'Connections, by source'), ...errorResponses(401, 403) },
});

export function connectionsRoutes(): OpenAPIHono<AppEnv> {
  const app = adminApp();
  app.openapi(list, (c) => {
    const { db, organizationId } = adminContext(c);
    const data = listConnections(db, organizationId).map((conn) => ({
      id: conn.id,
      source: conn.source,
      createdAt: conn.createdAt,
      lastUsedAt: conn.lastUsedAt,
      liveTokens: listTokens(db, conn.id).filter((t) => !t.revokedAt).length,
    }));
    return c.json({ data }, 200);
  });
  return app;
}
