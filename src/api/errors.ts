import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AccessError } from '../directory/access/errors.js';
import { ScimError, toScimErrorBody } from '../scim/errors.js';
import type { AppEnv } from './env.js';
import { scimJson } from './scim/respond.js';

const isScimPath = (c: Context) => new URL(c.req.url).pathname.startsWith('/scim/');

/** The `code` of a non-SCIM refusal that carries none of its own (404 endpoint, 415, ...). */
const HTTP_CODES: Partial<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  500: 'internal_error',
};

/** RFC 6750 §3: a 401 names the scheme the client must use. */
const ADMIN_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="admin"' };

/**
 * The one place errors become responses. SCIM paths answer with the SCIM Error schema; other
 * paths with `{"error":{"code","message"}}`. Anything unexpected is logged with its cause and
 * answered with a generic 500 that reveals nothing.
 */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof AccessError && !isScimPath(c)) {
    const headers = err.code === 'unauthorized' ? ADMIN_CHALLENGE : {};
    return c.json({ error: { code: err.code, message: err.message } }, err.status as 400, headers);
  }
  let scim: ScimError;
  if (err instanceof ScimError) {
    scim = err;
  } else if (err instanceof AccessError) {
    scim = new ScimError(err.status, err.message);
  } else if (err instanceof HTTPException) {
    scim = new ScimError(err.status, err.message || 'Request refused.');
  } else {
    c.get('deps').logger.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    scim = new ScimError(500, 'Internal error; the request id in the X-Request-Id header identifies it in the logs.');
  }
  if (isScimPath(c)) return scimJson(c, scim.status, toScimErrorBody(scim), scim.headers);
  const code = scim.scimType ?? HTTP_CODES[scim.status] ?? `http_${scim.status}`;
  return c.json({ error: { code, message: scim.detail } }, scim.status as 400, scim.headers);
}

export function notFound(c: Context<AppEnv>): Response {
  const path = new URL(c.req.url).pathname;
  return onError(ScimError.notFound(`No such endpoint: ${c.req.method} ${path}.`), c);
}
