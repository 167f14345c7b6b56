/**
 * Scopes: the teams and projects of the organization's application that a role binding can
 * name, so that the console offers a choice instead of a free-text id. Only a target that can
 * list them answers with them (LangSmith: its workspaces); the embedded target and LangWatch
 * answer `source: "none"`, and a binding's scope id stays free text.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { AccessError } from '../../directory/access/errors.js';
import { TargetError } from '../../sync/port.js';
import type { AppEnv } from '../env.js';
import { adminContext, requireScope } from './auth.js';
import { ErrorBody, errorResponses, json, ScopeTypeSchema } from './schemas.js';
import { adminApp } from './validation.js';

const ScopeSchema = z
  .object({
    scopeType: ScopeTypeSchema,
    scopeId: z.string().openapi({ description: "What a binding's scopeId holds to name this scope (LangSmith: the workspace id)." }),
    name: z.string().openapi({ description: 'What the application calls it.', example: 'Production' }),
  })
  .openapi('Scope');

const ScopesSchema = z
  .object({
    source: z.enum(['application', 'none']).openapi({
      description: "application: listed by the organization's application now (kept a minute); none: its target cannot list them.",
    }),
    scopes: z.array(ScopeSchema),
  })
  .openapi('Scopes');

const list = createRoute({
  method: 'get',
  path: '/api/scopes',
  tags: ['Groups'],
  summary: "The application's teams and projects a role binding can name, when its target can list them",
  middleware: [requireScope('organization:view')],
  responses: {
    200: json(ScopesSchema, 'The scopes, by name'),
    ...errorResponses(401, 403),
    502: json(ErrorBody, 'The application did not answer or refused the listing (`target_unavailable`, its reason in the message)'),
  },
});

export function scopesRoutes(): OpenAPIHono<AppEnv> {
  const app = adminApp();
  app.openapi(list, async (c) => {
    const { organizationId } = adminContext(c);
    const lister = c.get('deps').listScopes;
    let scopes;
    try {
      scopes = lister ? await lister(organizationId) : null;
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      throw new AccessError('target_unavailable', `The application's teams and projects could not be listed: ${err.message}`);
    }
    return c.json(scopes ? { source: 'application' as const, scopes } : { source: 'none' as const, scopes: [] }, 200);
  });
  return app;
}
