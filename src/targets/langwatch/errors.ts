/**
 * How LangWatch says no, in its three error families (TARGETS.md §A0 "Error bodies", §A1
 * "Errors"), read into the `{code, message}` every parked reason carries:
 *
 *   Groups `/api/groups`               {"error":"<code>", "message":"<sentence>", …}
 *   organization, SCIM tokens          {"code":"<code>", "message":"<code>", "meta":{…}, "reasons"?:[…]}
 *   SCIM `/api/scim/v2` (RFC 7644)     {"schemas":[…Error], "status":"<n>", "detail":"…"}
 *
 * plus the flat `{"error":"Conflict","message":…}` and `{"error":"Internal server error"}` that
 * the SCIM routes let through (§A1 "Errors", rows 409-flat and 500). A body of no known shape
 * falls back to the generic reader, so a proxy's HTML page still gives a readable reason.
 */
import { z } from 'zod';
import { TargetError } from '../errors.js';
import { genericReason, type ErrorReason } from '../http.js';

const ScimErrorBody = z.object({ detail: z.string(), scimType: z.string().optional() });
const FlatErrorBody = z.object({ error: z.string(), message: z.string().optional() });
const OrgErrorBody = z.object({
  code: z.string().min(1),
  message: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  reasons: z.array(z.object({ code: z.string().optional(), meta: z.record(z.string(), z.unknown()).optional() })).optional(),
});

/** Codes are snake_case words (`group_member_already_added`); "Conflict" or "Internal server error" are status texts. */
const looksLikeCode = (s: string) => /^[a-z][a-z0-9_]*$/.test(s);

/** `/api/organization`, `/api/organization/2026-08-07/…`, `/api/scim-tokens/latest/…` (§A0 "Versioning"). */
const isOrganizationFamily = (path: string) => /^\/api\/(organization|scim-tokens)(\/|$)/.test(path);

function flat(body: unknown): ErrorReason | null {
  const b = FlatErrorBody.safeParse(body);
  if (!b.success) return null;
  const { error, message } = b.data;
  if (looksLikeCode(error)) return { code: error, message: message ?? null };
  return { code: null, message: message ? `${error}: ${message}` : error };
}

const primitive = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The organization family repeats the code as the message: the detail is in `meta` and `reasons`. */
function organization(body: unknown): ErrorReason | null {
  const b = OrgErrorBody.safeParse(body);
  if (!b.success) return null;
  const { code, message, meta, reasons } = b.data;
  const details: string[] = [];
  if (message && message !== code) details.push(message);
  for (const [k, v] of Object.entries(meta ?? {})) if (primitive(v)) details.push(`${k}: ${String(v)}`);
  for (const r of reasons ?? []) {
    const field = r.meta?.field;
    const why = r.meta?.message;
    if (primitive(field) && primitive(why)) details.push(`${String(field)}: ${String(why)}`);
    else if (r.code) details.push(r.code);
  }
  return { code, message: details.length ? details.join('; ') : null };
}

/** The `readError` the registry gives LangWatch's TargetHttp. */
export function langWatchErrorReason(path: string, body: unknown): ErrorReason {
  if (path.startsWith('/api/scim/v2')) {
    const scim = ScimErrorBody.safeParse(body);
    if (scim.success) return { code: scim.data.scimType ?? null, message: scim.data.detail };
    return flat(body) ?? genericReason(path, body);
  }
  if (isOrganizationFamily(path)) return organization(body) ?? flat(body) ?? genericReason(path, body);
  if (path.startsWith('/api/groups')) return flat(body) ?? genericReason(path, body);
  return genericReason(path, body);
}

// ---- refusals the adapter raises itself: all parked (not retried) with a reason to act on ----

/** TARGETS.md §A0 "Plan gate" / §A4 step 1: minting a SCIM token needs the Enterprise plan. */
export const mintRefused = () =>
  new TargetError(
    "LangWatch POST /api/scim-tokens: 402 enterprise_plan_required: SCIM provisioning needs LangWatch's Enterprise plan; " +
      'upgrade the plan and retry, or set TARGET_LANGWATCH_MODE=invite.',
    false,
    402,
    null,
    'enterprise_plan_required',
  );

/** TARGETS.md §A1 "Authentication": a valid token on a plan that is not Enterprise (a lapse) is 403 on every call. */
export const scimPlanLapsed = (call: string) =>
  new TargetError(
    `${call}: 403 scim_plan_required: SCIM provisioning requires an Enterprise plan (the LangWatch plan lapsed); ` +
      'not retried until the plan is restored and an admin retries, or set TARGET_LANGWATCH_MODE=invite.',
    false,
    403,
    null,
    'scim_plan_required',
  );

export const scimTokenRefused = (call: string, configured: boolean) =>
  new TargetError(
    configured
      ? `${call}: 401 scim_token_invalid: LangWatch does not accept TARGET_SCIM_TOKEN; generate a new one (Settings → SCIM) or unset it to let the bridge mint its own.`
      : `${call}: 401 scim_token_invalid: LangWatch refused a SCIM token the bridge had just minted.`,
    false,
    401,
    null,
    'scim_token_invalid',
  );

/** A refusal the adapter decides on itself (a guard, a setting missing): parked with its code. */
export const refusal = (message: string, code: string) => new TargetError(message, false, null, null, code);
