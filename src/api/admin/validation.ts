import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AccessError } from '../../directory/access/errors.js';
import type { AppEnv } from '../env.js';

type Issue = z.core.$ZodIssue;

/** `bindings[0].customRoleId`: the field as a client would write it. */
function fieldPath(path: PropertyKey[], target: string): string {
  if (path.length === 0) return target === 'json' ? 'body' : target;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Zod's wording, made to read after a field name ("name: is required"). */
function describe(issue: Issue): string {
  // Only zod's own wording is reworded; a message a schema gave is used as it is.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const received = /received (\w+)$/.exec(issue.message)?.[1];
    if (received === 'undefined') return 'is required';
    const expected = `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    return received && received !== 'NaN' ? `must be ${expected}, not ${received}` : `must be ${expected}`;
  }
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message;
}

/** Every problem of a body or query string, each naming its field: "name: is required; limit: ...". */
export function describeIssues(issues: readonly Issue[], target: string): string {
  return issues.map((issue) => `${fieldPath(issue.path, target)}: ${describe(issue)}`).join('; ');
}

/**
 * A failed body, query or path validation becomes the house 400 through the one error funnel
 * (src/api/errors.ts), instead of the validator's own response shape.
 */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    throw new AccessError('invalid_request', describeIssues(result.error.issues, result.target));
  }
};

/** The JSON media types the route validators accept too (application/json, application/scim+json, ...). */
const JSON_MEDIA_TYPE = /^application\/([a-z.-]+\+)?json$/;

/**
 * For routes that take a body, after the scope check: the body must be declared JSON (415
 * otherwise) and parse as JSON (400 naming the problem otherwise). The parsed body is cached
 * by Hono, so the schema validator that follows reads it without parsing twice.
 */
export const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  const mediaType = c.req.header('content-type')?.split(';')[0]!.trim().toLowerCase();
  if (!mediaType || !JSON_MEDIA_TYPE.test(mediaType)) {
    throw new HTTPException(415, {
      message: `Content-Type ${mediaType ?? '(none)'} is not accepted; send the body as application/json.`,
    });
  }
  try {
    await c.req.json();
  } catch (err) {
    // Anything else (a body over the size limit) belongs to its own handler.
    if (!(err instanceof SyntaxError)) throw err;
    throw new AccessError('invalid_request', `body: is not valid JSON (${err.message}).`);
  }
  await next();
};

/** An OpenAPIHono for one area of the admin API, validating with the house hook. */
export function adminApp(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
