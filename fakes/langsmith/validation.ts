/**
 * Request parsing the way FastAPI does it, so that every invalid body, path or query is the one
 * documented error, **422 `{detail:[{loc,msg,type,...}]}`** (TARGETS.md §B Conventions, ls-spec
 * `HTTPValidationError`). The field rules are the ls-spec schemas' (see the `*Body` schemas in the
 * route files); this module only turns zod issues into pydantic v2's wording.
 *
 * Two FastAPI behaviours a client meets here (framework behaviour, inferred, not LangSmith docs):
 * - no schema sets `additionalProperties:false` (§B Conventions), so unknown body fields are
 *   accepted and dropped: zod objects below are not `.strict()`;
 * - unknown query parameters are ignored: `?emails[]=a@x` is not `?emails=a@x`, and the list
 *   comes back unfiltered.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { readJson } from '../faults.js';
import { toFastApi, ValidationFailure, type PydanticParams } from './errors.js';

const UUID_MSG = 'Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]';
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A UUID as pydantic reads one (hyphens optional, any case), in canonical lower-case form. */
export function parseUuid(value: string): string | null {
  const v = value.trim();
  if (!UUID_RE.test(v)) return null;
  const hex = v.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Ctx = z.core.$RefinementCtx;
function pydantic(ctx: Ctx, type: string, message: string, extra?: Record<string, unknown>): typeof z.NEVER {
  const params: PydanticParams = { pydantic: { type, ...(extra ? { ctx: extra } : {}) } };
  ctx.addIssue({ code: 'custom', message, params });
  return z.NEVER;
}

/** `format: uuid` (ls-spec): a string pydantic can read as a UUID, canonicalised. */
export const Uuid = z
  .string()
  .transform((v, ctx) => parseUuid(v) ?? pydantic(ctx, 'uuid_parsing', UUID_MSG, { error: 'invalid character' }));

/** `anyOf: [T, null]` with no default (ls-spec): null is the same as absent. */
export const optional = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

/** ls-spec `WorkspaceCreate`/`WorkspacePatch.display_name`: `minLength: 1`, `pattern: ^[a-zA-Z0-9\-_ '@()]+$`. */
const DISPLAY_NAME_PATTERN = "^[a-zA-Z0-9\\-_ '@()]+$";
export const DisplayName = z.string().transform((v, ctx) => {
  if (v.length < 1) return pydantic(ctx, 'string_too_short', 'String should have at least 1 character', { min_length: 1 });
  if (!new RegExp(DISPLAY_NAME_PATTERN).test(v)) {
    return pydantic(ctx, 'string_pattern_mismatch', `String should match pattern '${DISPLAY_NAME_PATTERN}'`, {
      pattern: DISPLAY_NAME_PATTERN,
    });
  }
  return v;
});

// ---- query parameters (always strings on the wire) -----------------------------------------

/** `type: integer, minimum, maximum, default` (ls-spec), parsed from the query string. */
export const queryInt = (min: number, max: number | null, dflt: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return dflt;
      if (!/^\s*[-+]?\d+\s*$/.test(v))
        return pydantic(ctx, 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer');
      const n = Number(v);
      if (n < min) return pydantic(ctx, 'greater_than_equal', `Input should be greater than or equal to ${min}`, { ge: min });
      if (max !== null && n > max) return pydantic(ctx, 'less_than_equal', `Input should be less than or equal to ${max}`, { le: max });
      return n;
    });

const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);
/** `type: boolean` from the query string, with pydantic's accepted spellings. */
export const queryBool = <D extends boolean | null>(dflt: D) =>
  z
    .string()
    .optional()
    .transform((v, ctx): boolean | D => {
      if (v === undefined) return dflt;
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      return pydantic(ctx, 'bool_parsing', 'Input should be a valid boolean, unable to interpret input');
    });

/** `type: array, items: uuid` from repeated query parameters. */
export const queryUuids = z.array(Uuid).default([]);
export const queryStrings = z.array(z.string()).default([]);
export const queryEnum = <T extends string>(values: readonly [T, ...T[]], dflt: T) =>
  z
    .string()
    .optional()
    .transform((v, ctx): T => {
      if (v === undefined) return dflt;
      if ((values as readonly string[]).includes(v)) return v as T;
      const expected = values
        .map((x) => `'${x}'`)
        .join(', ')
        .replace(/, ([^,]*)$/, ' or $1');
      return pydantic(ctx, 'enum', `Input should be ${expected}`, { expected });
    });

// ---- parsers ---------------------------------------------------------------------------------

/**
 * The JSON body checked against `schema`, or a ValidationFailure listing every problem at once,
 * as FastAPI does: no body (`missing`), unreadable JSON (`json_invalid`), wrong fields.
 */
export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const raw = await readJson(c);
  if (!raw.ok) {
    throw new ValidationFailure([
      raw.empty
        ? { type: 'missing', loc: ['body'], msg: 'Field required', input: null }
        : { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } },
    ]);
  }
  const parsed = schema.safeParse(raw.value, { reportInput: true });
  if (!parsed.success) throw new ValidationFailure(parsed.error.issues.map((i) => toFastApi(i, 'body', raw.value)));
  return parsed.data;
}

/**
 * The query string checked against `schema`. Names in `arrays` are read as repeated parameters
 * (`?emails=a&emails=b`); every other name takes its last value, as Starlette does.
 */
export function parseQuery<T extends z.ZodType>(c: Context, schema: T, arrays: readonly string[] = []): z.output<T> {
  const raw: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    raw[name] = arrays.includes(name) ? values : values[values.length - 1];
  }
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ValidationFailure(parsed.error.issues.map((i) => toFastApi(i, 'query', raw)));
  return parsed.data;
}

/** A path parameter declared `format: uuid` (ls-spec): 422 `uuid_parsing` otherwise. */
export function pathUuid(c: Context, name: string): string {
  const value = c.req.param(name) ?? '';
  const id = parseUuid(value);
  if (id === null)
    throw new ValidationFailure([
      { type: 'uuid_parsing', loc: ['path', name], msg: UUID_MSG, input: value, ctx: { error: 'invalid character' } },
    ]);
  return id;
}
