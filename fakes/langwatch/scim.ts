/**
 * LangWatch's SCIM 2.0 server at `/api/scim/v2` (TARGETS.md §A1), after
 * `platform/app/ee/scim/routes.ts`: unauthenticated discovery, the bearer-token check with its
 * exact refusals, the plan check on every call, then Users (scim-users.ts) and Groups
 * (scim-groups.ts). There is no /Bulk, /.search or /Me.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { ScimFail } from './errors.js';
import { CORE_GROUP, CORE_USER, LIST_RESPONSE, MAX_PAGE_SIZE, type ScimEnv } from './scim-shared.js';
import { registerScimGroups } from './scim-groups.js';
import { registerScimUsers } from './scim-users.js';
import type { LangWatchState } from './state.js';

export const SCIM_BASE = '/api/scim/v2';

const resourceType = (id: 'User' | 'Group', schema: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
  id,
  name: id,
  endpoint: `${SCIM_BASE}/${id}s`,
  schema,
  meta: { resourceType: 'ResourceType', location: `${SCIM_BASE}/ResourceTypes/${id}` },
});

const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  mutability: 'readWrite',
  returned: 'default',
  ...extra,
});

const SCHEMAS = [
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: CORE_USER,
    name: 'User',
    description: 'User Account',
    attributes: [
      attribute('userName', 'string', { required: true, caseExact: false, uniqueness: 'server' }),
      attribute('name', 'complex', { subAttributes: [attribute('givenName', 'string'), attribute('familyName', 'string')] }),
      attribute('emails', 'complex', { multiValued: true }),
      attribute('active', 'boolean'),
    ],
    meta: { resourceType: 'Schema', location: `${SCIM_BASE}/Schemas/${CORE_USER}` },
  },
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: CORE_GROUP,
    name: 'Group',
    description: 'Group (maps to a LangWatch access group)',
    attributes: [
      attribute('displayName', 'string', { required: true, caseExact: false, uniqueness: 'none' }),
      attribute('members', 'complex', {
        multiValued: true,
        subAttributes: [
          attribute('value', 'string', { required: true, mutability: 'immutable', description: 'The user ID of the group member' }),
          attribute('display', 'string', { mutability: 'readOnly' }),
        ],
      }),
    ],
    meta: { resourceType: 'Schema', location: `${SCIM_BASE}/Schemas/${CORE_GROUP}` },
  },
];

export function createScimApp(state: LangWatchState): Hono<ScimEnv> {
  const app = new Hono<ScimEnv>();

  // TARGETS §A1 "Endpoints", discovery: no auth, `application/json`.
  app.get('/ServiceProviderConfig', (c) =>
    c.json({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      documentationUri: 'https://docs.langwatch.ai/scim',
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: MAX_PAGE_SIZE },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'Authentication scheme using the OAuth Bearer Token standard',
        },
      ],
    }),
  );
  app.get('/ResourceTypes', (c) =>
    c.json({
      schemas: [LIST_RESPONSE],
      totalResults: 2,
      itemsPerPage: 2,
      startIndex: 1,
      Resources: [resourceType('User', CORE_USER), resourceType('Group', CORE_GROUP)],
    }),
  );
  app.get('/Schemas', (c) => c.json({ schemas: [LIST_RESPONSE], totalResults: 2, itemsPerPage: 2, startIndex: 1, Resources: SCHEMAS }));

  /**
   * TARGETS §A1 "Authentication on every SCIM call": exactly `Bearer ` (case-sensitive) or 401
   * "Bearer token is required"; an unknown token (an organization API key included) 401 "Bearer
   * token is not valid"; a real token on a plan that is not Enterprise 403, checked on every
   * call, with nothing written. `lastUsedAt` moves only on entitled calls.
   */
  const auth: MiddlewareHandler<ScimEnv> = async (c, next) => {
    const header = c.req.header('authorization');
    if (!header?.startsWith('Bearer ')) throw new ScimFail(401, 'Bearer token is required');
    const found = state.findScimToken(header.slice(7));
    if (!found) throw new ScimFail(401, 'Bearer token is not valid');
    if (!found.org.settings.plan) throw new ScimFail(403, 'SCIM provisioning requires an Enterprise plan');
    found.record.lastUsedAt = state.now();
    c.set('scimOrg', found.org);
    await next();
  };
  for (const path of ['/Users', '/Users/:id', '/Groups', '/Groups/:id']) app.use(path, auth);

  registerScimUsers(app, state);
  registerScimGroups(app, state);
  return app;
}
