/**
 * The stand-in's refusals and the error bodies LangWatch answers them with, one flat shape per
 * family (TARGETS.md §A0 "Error bodies"), plus SCIM's own RFC 7644 shape (§A1 "Errors").
 *
 * - Groups (`/api/groups`): `{error:"<code>", message:"<sentence>", ...meta, tips?, docsUrl?,
 *   fault, reasons?}` (`handledErrorResponseBody`, platform/app/src/app/api/middleware/error-handler.ts).
 * - Organization and SCIM tokens: `{code, message:<code>, type:<code>, kind:<code>, meta,
 *   reasons, fault, tips?, docsUrl?}` plus `error:"<HTTP status text>"` only on the bare path
 *   (`formatError` / `finalizeErrorResponse`, packages/api/src/errors.ts).
 * - SCIM: `{schemas:[Error], status:"<n>", detail}` with `application/scim+json`, no `scimType`.
 */
import type { z } from 'zod';

export type Fault = 'customer' | 'platform';

/** One entry of a `reasons` chain, as `HandledError.serialize()` renders a schema failure. */
export interface Reason {
  code: string;
  kind: string;
  fault: Fault;
  meta: Record<string, unknown>;
}

/** A handled refusal: the code a caller branches on, the sentence, and the meta bag. */
export class LwError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly meta: Record<string, unknown> = {},
    readonly reasons: Reason[] = [],
  ) {
    super(message);
    this.name = 'LwError';
  }
}

/** A refusal answered in the SCIM error shape (TARGETS §A1 "Errors"). */
export class ScimFail extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ScimFail';
  }
}

/**
 * An answer with a fixed JSON body that is not a handled error: the Groups family's legacy auth
 * refusals (`{error:"Unauthorized", message}`), the flat 409 `Conflict` a uniqueness violation
 * becomes, and the 500s of unmapped failures.
 */
export class RawAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    super(text(body.message) ?? text(body.error) ?? String(status));
    this.name = 'RawAnswer';
  }
}

/** What the Prisma layer throws on a unique index: routes turn it into the flat 409 (TARGETS §A1 "Errors"). */
export class UniqueViolation extends Error {
  constructor(readonly field: string) {
    super(`Unique constraint violated on ${field}`);
    this.name = 'UniqueViolation';
  }
}

export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The remediation channel (`platform/app/src/server/app-layer/error-remediation.ts`) for the codes served here. */
const DOCS = 'https://docs.langwatch.ai';
const REMEDIATION: Record<string, { tips: string[]; docsUrl?: string }> = {
  validation_error: {
    tips: [
      'Read `reasons` — each entry names the offending field in meta.field and what was expected in meta.expected',
      'Fix those fields and send the request again; retrying it unchanged will fail identically',
    ],
  },
  malformed_request: {
    tips: [
      'The body could not be parsed at all — check for truncated JSON, a trailing comma, or a Content-Type that does not match what was sent',
    ],
  },
  enterprise_plan_required: {
    tips: [
      'This part of the API is available on the Enterprise plan; meta.feature names which capability was refused',
      "Talk to your account team or visit the pricing page to upgrade the organization's plan",
    ],
    docsUrl: `${DOCS}/pricing`,
  },
  insufficient_permissions: {
    tips: [
      'The credential lacks the permission named in meta.required_permission',
      'Ask an organization admin to grant that permission, or use an API key whose bindings include it',
    ],
    docsUrl: `${DOCS}/platform/rbac`,
  },
  role_binding_already_exists: {
    tips: [
      'An identical binding (same principal, role, and scope) already exists; treat this as already done',
      'List the role bindings to find the existing one if you need its id',
    ],
    docsUrl: `${DOCS}/platform/rbac`,
  },
  duplicate_invite: { tips: ['A pending invite for this email already exists; revoke it first, or treat this as already done'] },
  scim_token_not_found: {
    tips: ['Check the token id; the token may already be revoked', "List the organization's SCIM tokens to find the right id"],
    docsUrl: `${DOCS}/platform/scim`,
  },
};

function remediation(code: string): { tips?: string[]; docsUrl?: string } {
  const r = REMEDIATION[code];
  return r ? { tips: r.tips, ...(r.docsUrl ? { docsUrl: r.docsUrl } : {}) } : {};
}

/** TARGETS §A0 table, row "Groups": the code in `error`, meta keys spread at the top level. */
export function groupsBody(e: LwError): Record<string, unknown> {
  return {
    error: e.code,
    message: e.message,
    ...e.meta,
    ...remediation(e.code),
    fault: 'customer',
    ...(e.reasons.length ? { reasons: e.reasons } : {}),
  };
}

/**
 * TARGETS §A0 table, row "Organization, SCIM tokens": `message` repeats the code (the server's
 * sentence is never sent), `meta` and `reasons` always present, `error` only on the bare path.
 */
export function organizationBody(e: LwError, versioned: boolean): Record<string, unknown> {
  return {
    ...(versioned ? {} : { error: STATUS_TEXT[e.status] ?? 'Error' }),
    code: e.code,
    message: e.code,
    meta: e.meta,
    reasons: e.reasons,
    fault: e.status >= 500 ? 'platform' : 'customer',
    ...remediation(e.code),
    kind: e.code,
    type: e.code,
  };
}

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** TARGETS §A1 "Endpoints": `status` is a string and there is no `scimType`. */
export function scimBody(status: number, detail: string): Record<string, unknown> {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail };
}

/** The 500 `handleError` answers for anything unmapped (TARGETS §A1 "Errors", row 500). */
export const INTERNAL_500 = { error: 'Internal server error', message: 'An unknown error occurred' };

// ---- schema failures -------------------------------------------------------------------------

type Issue = z.core.$ZodIssue;

/**
 * A zod issue in the vocabulary LangWatch's (zod 3) schemas report it with, so `meta.type` and
 * `meta.message` read as the real server's do: `invalid_enum_value`, `invalid_string`, "Required".
 * Messages written into a schema on purpose (e.g. "name is required") are kept as they are.
 */
function zod3(issue: Issue): { type: string; message: string; expected?: unknown; received?: unknown } {
  const msg = issue.message;
  const isDefault = /^(Invalid input|Invalid option|Too small|Too big|Invalid email|Invalid string|Invalid)/.test(msg);
  switch (issue.code) {
    case 'invalid_type': {
      const received = /received (\w+)/.exec(msg)?.[1] ?? 'unknown';
      if (!isDefault) return { type: 'invalid_type', message: msg, expected: issue.expected, received };
      return {
        type: 'invalid_type',
        message: received === 'undefined' ? 'Required' : `Expected ${issue.expected}, received ${received}`,
        expected: issue.expected,
        received,
      };
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      return {
        type: 'invalid_enum_value',
        message: isDefault ? `Invalid enum value. Expected ${values.map((v) => `'${v}'`).join(' | ')}` : msg,
        expected: values,
      };
    }
    case 'invalid_format':
      return { type: 'invalid_string', message: isDefault ? `Invalid ${issue.format}` : msg };
    case 'too_small':
    case 'too_big': {
      if (!isDefault) return { type: issue.code, message: msg };
      const bound = issue.code === 'too_small' ? 'at least' : 'at most';
      const n = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const what =
        issue.origin === 'string'
          ? `String must contain ${bound} ${n} character(s)`
          : issue.origin === 'array'
            ? `Array must contain ${bound} ${n} element(s)`
            : `Number must be ${issue.code === 'too_small' ? 'greater' : 'less'} than or equal to ${n}`;
      return { type: issue.code, message: what };
    }
    default:
      return { type: issue.code, message: msg };
  }
}

const fieldOf = (issue: Issue) => (issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)');

/**
 * The `reasons` of a 422 `validation_error`. The Groups family's validator
 * (`platform/app/src/server/api/validation.ts`) adds `expected`/`received`; the organization
 * family's (`validationErrorFromZod`, packages/api/src/errors.ts) keeps field, type and message.
 */
export function schemaFailures(error: z.ZodError, detailed: boolean): Reason[] {
  return error.issues.map((issue) => {
    const v = zod3(issue);
    const meta: Record<string, unknown> = { field: fieldOf(issue), type: v.type, message: v.message };
    if (detailed && v.expected !== undefined) meta.expected = v.expected;
    if (detailed && v.received !== undefined) meta.received = v.received;
    return { code: 'schema_failure', kind: 'schema_failure', fault: 'customer', meta };
  });
}

/** The text SCIM routes put in `detail` for a schema failure: zod's own message (`parsed.error.message`). */
export function scimIssueText(error: z.ZodError): string {
  return JSON.stringify(
    error.issues.map((issue) => {
      const v = zod3(issue);
      return { code: v.type, path: issue.path, message: v.message };
    }),
    null,
    2,
  );
}

/** `{error:{code,message}}`: the control API's own house shape, unchanged for older tests. */
export function controlBody(code: string, message: string, meta?: Record<string, unknown>) {
  return { error: { code, message, ...(meta ? { meta } : {}) } };
}
