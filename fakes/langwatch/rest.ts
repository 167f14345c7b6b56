/**
 * What the REST families share (TARGETS.md §A0): organization-key authentication, the
 * permission check, the Enterprise plan gate, and request validation, each refusing in the
 * family's own words. The order is fixed as LangWatch fixes it (`createManagementService`,
 * managed-service.ts; groups-app): 401, then 403, then 402, then 400/422.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { z } from 'zod';
import { LwError, RawAnswer, schemaFailures, STATUS_TEXT } from './errors.js';
import type { ApiKey, KeyScope, Organization } from './model.js';
import type { LangWatchState } from './state.js';

export type Family = 'groups' | 'organization';

export interface RestEnv {
  Bindings: HttpBindings;
  Variables: { org: Organization; key: ApiKey; versioned: boolean };
}

/** The middlewares of one guarded organization endpoint: version headers, org-key auth, the permission, the plan gate. */
export type Guard = (
  permission: KeyScope,
) => readonly [MiddlewareHandler<RestEnv>, MiddlewareHandler<RestEnv>, MiddlewareHandler<RestEnv>, MiddlewareHandler<RestEnv>];

/**
 * The credential, as `extractCredentials` (auth-middleware.ts) finds it: a non-empty Bearer
 * token, else the token half of Basic `base64(projectId:token)`, else `X-Auth-Token` (TARGETS §A0 "Auth").
 */
function credential(c: Context): string | null {
  const header = c.req.header('authorization') ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (bearer) return bearer;
  if (/^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && decoded.slice(colon + 1)) return decoded.slice(colon + 1);
  }
  return c.req.header('x-auth-token')?.trim() || null;
}

/**
 * 401. Groups answers the legacy flat body `{error:"Unauthorized", message}`; the organization
 * family throws `missing_credentials` / `invalid_credentials` in its own shape. A SCIM token is
 * not an API key, so it is refused here too (TARGETS §A0 "Auth").
 */
export function orgAuth(state: LangWatchState, family: Family): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const token = credential(c);
    const refuse = (code: string, message: string): never => {
      if (family === 'groups') throw new RawAnswer(401, { error: 'Unauthorized', message });
      throw new LwError(401, code, message);
    };
    if (!token) refuse('missing_credentials', 'Authentication required. Use Authorization: Bearer <api-key>.');
    const found = state.authenticate(token!);
    if (!found) return refuse('invalid_credentials', 'Invalid credentials.');
    c.set('org', found.org);
    c.set('key', found.key);
    await next();
  };
}

/** 403 `insufficient_permissions` (organization family) or the legacy `{error:"Forbidden"}` (Groups). */
export function requirePermission(permission: KeyScope, family: Family): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const scopes = c.get('key').scopes;
    // organization:manage implies organization:view.
    const ok = scopes.includes(permission) || (permission === 'organization:view' && scopes.includes('organization:manage'));
    if (!ok) {
      const message = `Insufficient permissions. Required: ${permission}`;
      if (family === 'groups') throw new RawAnswer(403, { error: 'Forbidden', message });
      throw new LwError(403, 'insufficient_permissions', message, { required_permission: permission });
    }
    await next();
  };
}

const PLAN_MESSAGES = {
  GROUPS: 'Groups require an Enterprise plan',
  MANAGEMENT_API: 'The management API requires an Enterprise plan',
  SCIM: 'SCIM provisioning requires an Enterprise plan',
} as const;

/** TARGETS §A0 "Plan gate": 402 `enterprise_plan_required` with `meta.feature`, after 401 and 403. */
export function planGate(feature: keyof typeof PLAN_MESSAGES): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    if (!c.get('org').settings.plan) throw new LwError(402, 'enterprise_plan_required', PLAN_MESSAGES[feature], { feature });
    await next();
  };
}

/** Hono's validator reads a body as JSON only under a JSON Content-Type; otherwise it validates `{}`. */
const JSON_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/;

function refuseSchema(family: Family, target: 'json' | 'query', error: z.ZodError): never {
  const reasons = schemaFailures(error, family === 'groups');
  if (family === 'groups') {
    // platform/app/src/server/api/validation.ts `RequestValidationError`.
    const noun = target === 'json' ? 'request body' : 'query parameters';
    throw new LwError(
      422,
      'validation_error',
      `The ${noun} didn't match the expected shape.`,
      { target, fields: reasons.map((r) => r.meta.field) },
      reasons,
    );
  }
  // packages/api/src/errors.ts `validationErrorFromZod`: no meta, the reasons carry it all.
  throw new LwError(422, 'validation_error', 'Validation error', {}, reasons);
}

/**
 * TARGETS §A0 "Validation": a body that parses but fails its schema is 422 `validation_error`
 * with `reasons`; a JSON Content-Type with a body that is not JSON is 400.
 */
export async function body<T extends z.ZodType>(c: Context<RestEnv>, family: Family, schema: T): Promise<z.output<T>> {
  let value: unknown = {};
  if (JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    try {
      value = JSON.parse(await c.req.text()) as unknown;
    } catch {
      if (family === 'groups') {
        throw new LwError(400, 'malformed_request', 'The request body could not be parsed.', {
          target: 'json',
          detail: 'Malformed JSON in request body',
        });
      }
      // An HTTPException reaches `formatError` as `http_error` with its own message.
      const versioned = c.get('versioned');
      throw new RawAnswer(400, {
        ...(versioned ? {} : { error: STATUS_TEXT[400] }),
        code: 'http_error',
        message: 'Malformed JSON in request body',
        kind: 'http_error',
        type: 'http_error',
      });
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) refuseSchema(family, 'json', parsed.error);
  return parsed.data;
}

export function query<T extends z.ZodType>(c: Context<RestEnv>, family: Family, schema: T): z.output<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) refuseSchema(family, 'query', parsed.error);
  return parsed.data;
}

/**
 * TARGETS §A0 "Versioning": the organization and SCIM-token families answer at the bare path
 * (`X-API-Version-Status: unversioned`), at `/2026-08-07/` (`stable`) and `/latest/` (`latest`),
 * the versioned mounts also with `X-API-Version`. Only the bare path adds `error` to error bodies.
 */
export function versionHeaders(version: string | null): MiddlewareHandler<RestEnv> {
  const status = version === null ? 'unversioned' : version === 'latest' ? 'latest' : 'stable';
  return async (c, next) => {
    c.set('versioned', version !== null);
    const stamp = (headers: Headers) => {
      headers.set('X-API-Version-Status', status);
      if (version !== null) headers.set('X-API-Version', version);
    };
    c.header('X-API-Version-Status', status);
    if (version !== null) c.header('X-API-Version', version);
    try {
      await next();
    } finally {
      stamp(c.res.headers);
    }
  };
}
