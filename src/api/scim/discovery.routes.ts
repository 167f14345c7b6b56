import { Hono } from 'hono';
import { ScimError } from '../../scim/errors.js';
import { resourceTypes, schemas, serviceProviderConfig } from '../../scim/discovery.js';
import { listResponse } from '../../scim/render.js';
import type { AppEnv } from '../env.js';
import { BULK_LIMITS } from './bulk.routes.js';
import { MAX_COUNT } from '../../directory/query.js';
import { baseUrlOf } from './resources.routes.js';
import { scimJson } from './respond.js';

const readOnly = () => {
  throw ScimError.methodNotAllowed(['GET']);
};

/**
 * Discovery endpoints. They describe only the bridge's capabilities, never a tenant's data,
 * so they answer without a token (RFC 7644 §4 leaves that to the service provider).
 */
export function discoveryRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limits = { maxResults: MAX_COUNT, bulkMaxOperations: BULK_LIMITS.maxOperations, bulkMaxPayloadSize: BULK_LIMITS.maxPayloadSize };

  app.get('/ServiceProviderConfig', (c) => scimJson(c, 200, serviceProviderConfig(baseUrlOf(c), limits)));

  app.get('/ResourceTypes', (c) => {
    const all = resourceTypes(baseUrlOf(c));
    return scimJson(c, 200, listResponse(all, all.length, 1));
  });
  app.get('/ResourceTypes/:name', (c) => {
    const name = c.req.param('name').toLowerCase();
    const found = resourceTypes(baseUrlOf(c)).find((r) => r.id.toLowerCase() === name);
    if (!found) throw ScimError.notFound(`ResourceType ${c.req.param('name')} not found.`);
    return scimJson(c, 200, found);
  });

  app.get('/Schemas', (c) => {
    const all = schemas(baseUrlOf(c));
    return scimJson(c, 200, listResponse(all, all.length, 1));
  });
  app.get('/Schemas/:id', (c) => {
    const id = c.req.param('id').toLowerCase();
    const found = schemas(baseUrlOf(c)).find((s) => s.id.toLowerCase() === id);
    if (!found) throw ScimError.notFound(`Schema ${c.req.param('id')} not found.`);
    return scimJson(c, 200, found);
  });

  for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:name', '/Schemas', '/Schemas/:id']) {
    app.on(['POST', 'PUT', 'PATCH', 'DELETE'], path, readOnly);
  }
  return app;
}
