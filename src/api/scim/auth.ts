import type { MiddlewareHandler } from 'hono';
import { ScimError } from '../../scim/errors.js';
import { authenticateToken, touchToken } from '../../store/connections.repo.js';
import type { AppEnv } from '../env.js';
import { recordRefusedAuthentication } from '../refused-auth.js';

/** Last-use times are written at most once a minute per token, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const lastTouched = new Map<string, number>();

/**
 * Resolves `Authorization: Bearer <token>` to the connection whose SCIM namespace it opens.
 * A refusal is logged (address, path, the detail the client is told; never the token).
 */
export const scimAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const { db } = c.get('deps');
  const connection = match ? authenticateToken(db, match[1]!) : null;
  if (!connection) {
    const refusal = match ? ScimError.unauthorized('The bearer token is not valid for this bridge.') : ScimError.unauthorized();
    recordRefusedAuthentication(c, 'scim', refusal.detail);
    throw refusal;
  }
  const nowMs = Date.now();
  if (nowMs - (lastTouched.get(connection.tokenId) ?? 0) > TOUCH_INTERVAL_MS) {
    lastTouched.set(connection.tokenId, nowMs);
    touchToken(db, connection.tokenId, connection.id, new Date(nowMs).toISOString());
  }
  c.set('connection', connection);
  await next();
};
