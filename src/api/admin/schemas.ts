/**
 * The zod schemas the admin routes validate with and the OpenAPI document is generated from.
 * Request schemas are the boundary (TARGETS.md §A); response schemas describe what the access
 * services return (src/directory/access/types.ts), so a drift between the two fails the type check.
 */
import { z } from '@hono/zod-openapi';
import { BINDING_ROLES, ORG_ROLES, SCOPE_TYPES } from '../../directory/access/types.js';

// ---- shared pieces -------------------------------------------------------------------------

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string().openapi({ example: 'name: is required' }),
    }),
  })
  .openapi('Error');

const ERROR_DESCRIPTIONS = {
  400: 'The body, query string or a named id is not valid (`invalid_request`, the message names the field)',
  401: 'No admin key, or an unknown or revoked one (`unauthorized`)',
  403: 'The key lacks the scope this route needs (`forbidden`)',
  404: "No such resource in the key's organization (`not_found`)",
  409: 'Refused by a rule of the access model (the code says which)',
} as const;

type ErrorResponse = { description: string; content: { 'application/json': { schema: typeof ErrorBody } } };

/** The error responses a route can give, in the house shape. */
export function errorResponses<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]): Record<S, ErrorResponse> {
  const out = {} as Record<S, ErrorResponse>;
  for (const s of statuses) out[s] = { description: ERROR_DESCRIPTIONS[s], content: { 'application/json': { schema: ErrorBody } } };
  return out;
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const bodyOf = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const pathParam = (name: string, description: string) =>
  z
    .string()
    .min(1)
    .openapi({ param: { name, in: 'path' }, description });

/** Ids a client names in a body: the same shape as path ids. */
export const Id = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

// ---- roles and bindings --------------------------------------------------------------------

export const OrgRoleSchema = z.enum(ORG_ROLES).openapi('OrgRole');
export const BindingRoleSchema = z.enum(BINDING_ROLES).openapi('BindingRole');
export const ScopeTypeSchema = z.enum(SCOPE_TYPES).openapi('ScopeType');

const CustomRoleId = Id.nullable().optional();

/** CUSTOM needs a customRoleId and only CUSTOM may carry one. */
function checkCustomRole(v: { role: string; customRoleId?: string | null | undefined }, ctx: z.RefinementCtx) {
  if (v.role === 'CUSTOM' && !v.customRoleId) {
    ctx.addIssue({ code: 'custom', path: ['customRoleId'], message: 'is required when role is CUSTOM' });
  } else if (v.role !== 'CUSTOM' && v.customRoleId) {
    ctx.addIssue({ code: 'custom', path: ['customRoleId'], message: 'is only allowed when role is CUSTOM' });
  }
}

export const BindingInputSchema = z
  .object({
    role: BindingRoleSchema,
    customRoleId: CustomRoleId.openapi({ description: 'Required when role is CUSTOM, refused otherwise.' }),
    scopeType: ScopeTypeSchema,
    scopeId: Id.optional().openapi({
      description: "The team or project id; for ORGANIZATION it may be omitted (it is the organization's id).",
    }),
  })
  .superRefine((v, ctx) => {
    checkCustomRole(v, ctx);
    if (v.scopeType !== 'ORGANIZATION' && !v.scopeId) {
      ctx.addIssue({ code: 'custom', path: ['scopeId'], message: `is required for a ${v.scopeType} binding` });
    }
  })
  .openapi('BindingInput');

export const BindingSchema = z
  .object({
    id: z.string(),
    role: BindingRoleSchema,
    customRoleId: z.string().nullable(),
    customRoleName: z.string().nullable(),
    scopeType: ScopeTypeSchema,
    scopeId: z.string(),
  })
  .openapi('Binding');

export const TeamGrantInputSchema = z
  .object({ teamId: Id, role: BindingRoleSchema, customRoleId: CustomRoleId })
  .superRefine(checkCustomRole)
  .openapi('TeamGrantInput');

export const TeamGrantSchema = z
  .object({ teamId: z.string(), role: BindingRoleSchema, customRoleId: z.string().nullable() })
  .openapi('TeamGrant');
