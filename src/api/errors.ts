import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ScimError, toScimErrorBody } from '../scim/errors.js';
import type { AppEnv } from './env.js';
import { scimJson } from './scim/respond.js';

const isScimPath = (c: Context) => new URL(c.req.url).pathname.startsWith('/scim/');

/**
 * The one place errors become responses. SCIM paths answer with the SCIM Error schema; other
 * paths with `{"error":{"code","message"}}`. Anything unexpected is logged with its cause and
 * answered with a generic 500 that reveals nothing.
 */
export function onError(err: Error, c: Context<AppEnv>): Response {
  let scim: ScimError;
  if (err instanceof ScimError) {
    scim = err;
  } else if (err instanceof HTTPException) {
    scim = new ScimError(err.status, err.message || 'Request refused.');
  } else {
    c.get('deps').logger.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    scim = new ScimError(500, 'Internal error; the request id in the X-Request-Id header identifies it in the logs.');
  }
  if (isScimPath(c)) return scimJson(c, scim.status, toScimErrorBody(scim), scim.headers);
  return c.json({ error: { code: scim.scimType ?? `http_${scim.status}`, message: scim.detail } }, scim.status as 400, scim.headers);
}

export function notFound(c: Context<AppEnv>): Response {
  const path = new URL(c.req.url).pathname;
  return onError(ScimError.notFound(`No such endpoint: ${c.req.method} ${path}.`), c);
}
