/**
 * How the LangSmith stand-in refuses (TARGETS.md §B "Conventions" and "Unknown").
 *
 * LangSmith is a FastAPI application. The only error its published API description declares is
 * **422 `{detail:[{loc,msg,type}]}`** for a request that fails validation (§B Conventions,
 * ls-spec `HTTPValidationError` / `ValidationError`); that one is reproduced field for field
 * (pydantic v2 also sends `input`, and `ctx` for bounded values).
 *
 * Every other refusal (401, 403 beyond the X-Tenant-Id case of §B Keys, 404, 409, 400) has **no
 * documented status or body**. The stand-in answers them with FastAPI's default
 * `HTTPException` body, `{"detail": "<message>"}`, and picks a plausible status for each case.
 * Those choices are this project's, not LangSmith's: a client (and a test of the bridge) must not
 * depend on them beyond "some 4xx", and settles what happened by reading the lists again
 * (§B Unknown).
 */
import type { z } from 'zod';

/** A refusal whose status and body LangSmith does not document (§B Unknown); rendered `{detail}`. */
export class LangSmithError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'LangSmithError';
  }
}

/** A request that names something that does not exist (a body field, not the path): 400, not documented. */
export const badReference = (detail: string) => new LangSmithError(400, detail);
/** A path id that names nothing: 404, not documented (§B Unknown: "a DELETE of an unknown identity (404?)"). */
export const notFound = (detail: string) => new LangSmithError(404, detail);
/** "Already there" (a re-invite, a second workspace membership): 409, not documented (§B Unknown). */
export const conflict = (detail: string) => new LangSmithError(409, detail);
/** A key that may not do this: 403, not documented except for the X-Tenant-Id case (§B Keys). */
export const forbidden = (detail: string) => new LangSmithError(403, detail);

// ---- 422: the documented error ---------------------------------------------------------------

export type Loc = (string | number)[];

/** One item of `detail` in a 422 (ls-spec `ValidationError`: loc, msg, type; pydantic v2 adds input, ctx). */
export interface FastApiError {
  type: string;
  loc: Loc;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** Thrown by the parsers in validation.ts; rendered as `422 {"detail": errors}`. */
export class ValidationFailure extends Error {
  constructor(readonly errors: FastApiError[]) {
    super('validation failed');
    this.name = 'ValidationFailure';
  }
}

/** What a zod refinement attaches so that its issue renders as a given pydantic error. */
export interface PydanticParams {
  pydantic: { type: string; ctx?: Record<string, unknown> };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** A zod issue in pydantic's words (type, msg), located under `where` ("body", "query", "path"). */
export function toFastApi(issue: z.core.$ZodIssue, where: string, root: unknown): FastApiError {
  const loc: Loc = [where, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  const input = valueAt(root, issue.path);
  if (issue.code === 'custom' && issue.params && 'pydantic' in issue.params) {
    const p = (issue.params as PydanticParams).pydantic;
    return { type: p.type, loc, msg: issue.message, input, ...(p.ctx ? { ctx: p.ctx } : {}) };
  }
  if (issue.code === 'invalid_type') {
    if (input === undefined) return { type: 'missing', loc, msg: 'Field required', input: valueAt(root, issue.path.slice(0, -1)) ?? null };
    switch (issue.expected) {
      case 'string':
        return { type: 'string_type', loc, msg: 'Input should be a valid string', input };
      case 'array':
        return { type: 'list_type', loc, msg: 'Input should be a valid list', input };
      case 'object':
        return { type: 'model_attributes_type', loc, msg: 'Input should be a valid dictionary or object to extract fields from', input };
      case 'boolean':
        return { type: 'bool_type', loc, msg: 'Input should be a valid boolean', input };
      default:
        return { type: 'value_error', loc, msg: issue.message, input };
    }
  }
  return { type: 'value_error', loc, msg: `Value error, ${issue.message}`, input };
}
