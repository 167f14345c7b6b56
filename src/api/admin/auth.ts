import type { Context, MiddlewareHandler } from 'hono';
import { AccessError } from '../../directory/access/errors.js';
import type { AdminContext } from '../../directory/access/types.js';
import { authenticateAdminKey, type AdminScope } from '../../store/admin-keys.repo.js';
import type { AppEnv } from '../env.js';
import { recordRefusedAuthentication } from '../refused-auth.js';

/**
 * Resolves `Authorization: Bearer <admin key>` (or a console session) to the organization and scopes of a live key.
 * A missing, unknown or revoked key is 401, logged within bounds (src/api/refused-auth.ts); every later step sees
 * only that organization.
 */
export const adminAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  // Without a key, another credential may stand in: the admin console's session cookie, which
  // src/app.ts wires in as `adminSession` (the admin API imports nothing of the console).
  const session = match ? null : (c.get('deps').adminSession?.(c) ?? null);
  if (session) {
    c.set('admin', session);
    await next();
    return;
  }
  const key = match ? authenticateAdminKey(c.get('deps').db, match[1]!) : null;
  if (!key) {
    const refusal = match
      ? new AccessError('unauthorized', 'The admin key is not valid: it is unknown or has been revoked.')
      : new AccessError('unauthorized', 'An admin key is required: send Authorization: Bearer <key>.');
    recordRefusedAuthentication(c, 'admin', refusal.message);
    throw refusal;
  }
  c.set('admin', { organizationId: key.organizationId, scopes: key.scopes, keyId: key.keyId });
  await next();
};

/** organization:manage is a superset of organization:view. */
const GRANTS: Record<AdminScope, AdminScope[]> = {
  'organization:view': ['organization:view', 'organization:manage'],
  'organization:manage': ['organization:manage'],
};

/** 403 unless the caller's key carries `scope` (or one that implies it). */
export function requireScope(scope: AdminScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get('admin').scopes.some((s) => GRANTS[scope].includes(s))) {
      throw new AccessError('forbidden', `This admin key lacks the ${scope} scope this request needs.`);
    }
    await next();
  };
}

/** What the access services need: the database and the caller's organization, nothing else. */
export function adminContext(c: Context<AppEnv>): AdminContext {
  return { db: c.get('deps').db, organizationId: c.get('admin').organizationId };
}
