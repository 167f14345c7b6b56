/**
 * What the SCIM Users and Groups routes share (TARGETS.md §A1): the answer helpers with
 * `application/scim+json`, the request schemas of `platform/app/ee/scim/scim.types.ts`, and the
 * paging rules of `platform/app/ee/scim/routes.ts`.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { ScimFail, scimIssueText } from './errors.js';
import type { Organization } from './model.js';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export interface ScimEnv {
  Variables: { scimOrg: Organization };
}

/** TARGETS §A1 "Errors": every SCIM answer but discovery is `application/scim+json`. */
export function scimJson(c: Context, data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), { status, headers: { 'Content-Type': 'application/scim+json' } });
}

/** `parseJsonBody`: the body as JSON whatever the Content-Type, or null when it does not parse. */
export async function readScimJson(c: Context): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text()) as unknown;
  } catch {
    return null;
  }
}

/** A schema failure answers 400 with zod's own issue text as `detail` (TARGETS §A1 "Errors", row 400). */
export function parseScim<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ScimFail(400, scimIssueText(parsed.error));
  return parsed.data;
}

/**
 * TARGETS §A1 "PATCH": `op` is lowercased when it is a string, then must be add, replace or
 * remove (capitalised ops from Entra work since 2026-08-17). `path` must be a string if present.
 */
export const PatchRequest = z.object({
  schemas: z.array(z.string()),
  Operations: z.array(
    z.object({
      op: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['replace', 'add', 'remove'])),
      path: z.string().optional(),
      value: z.unknown().optional(),
    }),
  ),
});
export type PatchOperation = z.output<typeof PatchRequest>['Operations'][number];

/** TARGETS §A1 "POST": `schemas` and an email `userName` are required; unknown keys pass through. */
export const UserRequest = z
  .object({
    schemas: z.array(z.string()),
    userName: z.email(),
    name: z.object({ givenName: z.string().optional(), familyName: z.string().optional() }).optional(),
    emails: z.array(z.object({ primary: z.boolean().optional(), value: z.string(), type: z.string().optional() })).optional(),
    active: z.boolean().optional(),
    [ENTERPRISE_USER]: z.looseObject({ costCenter: z.string().nullish() }).optional(),
  })
  .loose();
export type UserRequest = z.output<typeof UserRequest>;

/** TARGETS §A1 Groups: `externalId` and other unknown keys are stripped (always null). */
export const GroupRequest = z.object({
  schemas: z.array(z.string()),
  displayName: z.string(),
  members: z.array(z.object({ value: z.string(), display: z.string().optional() })).optional(),
});

/** `positiveIntegerQuery`: parseInt, and anything that is not a positive integer falls back. */
export function positiveInteger(raw: string | undefined, fallback: number): number {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** TARGETS §A1 trap 8: the page cap is 100, and a missing or bad `count` is 100 too. */
export const MAX_PAGE_SIZE = 100;
export function pageSize(raw: string | undefined): number {
  return Math.min(positiveInteger(raw, MAX_PAGE_SIZE), MAX_PAGE_SIZE);
}

/** TARGETS §A1 "ListResponse": `itemsPerPage` echoes the page size asked for (after the cap). */
export function listResponse(resources: unknown[], total: number, startIndex: number, count: number) {
  return { schemas: [LIST_RESPONSE], totalResults: total, startIndex, itemsPerPage: count, Resources: resources };
}

/**
 * TARGETS §A1 trap 1: only `userName eq "<v>"` / `displayName eq "<v>"` spelled exactly so
 * (attribute case, double quotes, no `"` inside, nothing after) filters; anything else is null,
 * which the callers read as "no filter" and answer an unfiltered page.
 */
export function eqFilter(attribute: 'userName' | 'displayName', filter: string | undefined): string | null {
  if (!filter) return null;
  const m = new RegExp(`^${attribute}\\s+eq\\s+"([^"]+)"$`).exec(filter);
  return m?.[1] ?? null;
}

/** `excludedAttributes=members` is the only attribute option honoured (TARGETS §A1 "Groups"). */
export function excludesMembers(c: Context): boolean {
  return (c.req.query('excludedAttributes') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .includes('members');
}
