/**
 * The Members API (TARGETS.md §A): the people of the organization, by user id. Each route
 * parses, calls one function of the members service, and renders.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import * as members from '../../directory/access/members.service.js';
import type { AppEnv } from '../env.js';
import { audited } from './audit.js';
import { adminContext, requireScope } from './auth.js';
import {
  BindingRoleSchema,
  BindingSchema,
  OrgRoleSchema,
  ScopeTypeSchema,
  TeamGrantSchema,
  bodyOf,
  errorResponses,
  json,
  pathParam,
} from './schemas.js';
import { adminApp, requireJson } from './validation.js';

const view = requireScope('organization:view');
const manage = requireScope('organization:manage');
const tags = ['Members'];

const MemberSummarySchema = z
  .object({
    userId: z.string(),
    name: z.string().nullable(),
    email: z.string(),
    role: OrgRoleSchema,
    status: z.enum(['active', 'disabled']),
    disabledBy: z
      .array(z.enum(['admin', 'idp']))
      .openapi({ description: "Why disabled: an admin's lock-out, the IdP's deactivation, or both." }),
    scimSources: z.array(z.string()).openapi({ description: 'The IdP sources that push this person; empty for a member added here.' }),
    createdAt: z.string(),
  })
  .openapi('MemberSummary');

const MemberDetailSchema = MemberSummarySchema.extend({
  teams: z.array(TeamGrantSchema).openapi({ description: 'The teams the member reaches through group bindings and direct grants.' }),
}).openapi('MemberDetail');

const AccessSourceSchema = z
  .object({
    role: BindingRoleSchema,
    customRoleId: z.string().nullable(),
    via: z.enum(['organizationRole', 'group', 'direct']),
    bindingId: z.string().optional(),
    groupId: z.string().optional(),
    groupName: z.string().optional(),
    scimSource: z.string().nullable().optional(),
  })
  .openapi('AccessSource');

const AccessReportSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    organizationRole: OrgRoleSchema,
    status: z.enum(['active', 'disabled']),
    groups: z.array(z.object({ id: z.string(), name: z.string(), scimSource: z.string().nullable(), bindings: z.array(BindingSchema) })),
    directGrants: z.array(BindingSchema),
    effective: z.array(
      z.object({
        scopeType: ScopeTypeSchema,
        scopeId: z.string(),
        role: z
          .enum(['ADMIN', 'MEMBER', 'VIEWER'])
          .nullable()
          .openapi({ description: 'The highest built-in role on the scope, or null when only custom roles apply.' }),
        customRoleIds: z.array(z.string()),
        sources: z.array(AccessSourceSchema),
      }),
    ),
  })
  .openapi('AccessReport');

const UserId = z.object({ userId: pathParam('userId', 'The member (for an IdP-pushed person, the SCIM id of their first identity).') });

const ListQuery = z.object({
  includeDisabled: z.enum(['true', 'false']).optional().openapi({ description: 'true to list disabled members too (default false).' }),
});

/** Exactly one change per request, as the LangWatch API takes it. */
const UpdateMemberBody = z
  .object({ role: OrgRoleSchema.optional(), disabled: z.boolean().optional() })
  .superRefine((v, ctx) => {
    const given = (v.role !== undefined ? 1 : 0) + (v.disabled !== undefined ? 1 : 0);
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: given === 0 ? 'give exactly one of role or disabled' : 'give exactly one of role or disabled, not both',
      });
    }
  })
  .openapi('UpdateMember', { description: 'Exactly one of `{role}` or `{disabled}`.' });

const listMembers = createRoute({
  method: 'get',
  path: '/api/organization/members',
  tags,
  summary: 'The members of the organization with role and status',
  middleware: [view],
  request: { query: ListQuery },
  responses: { 200: json(z.object({ data: z.array(MemberSummarySchema) }), 'The members'), ...errorResponses(400, 401, 403) },
});

const getMember = createRoute({
  method: 'get',
  path: '/api/organization/members/{userId}',
  tags,
  summary: 'One member and the teams they reach',
  middleware: [view],
  request: { params: UserId },
  responses: { 200: json(MemberDetailSchema, 'The member'), ...errorResponses(401, 403, 404) },
});

const updateMember = createRoute({
  method: 'patch',
  path: '/api/organization/members/{userId}',
  tags,
  summary: "Change a member's organization role, or disable / re-enable them",
  middleware: [manage, requireJson],
  request: { params: UserId, body: bodyOf(UpdateMemberBody) },
  responses: { 200: json(MemberDetailSchema, 'The member after the change'), ...errorResponses(400, 401, 403, 404, 409) },
});

const removeMember = createRoute({
  method: 'delete',
  path: '/api/organization/members/{userId}',
  tags,
  summary: 'Remove a member from the organization and its teams (409 scim_managed_member for an IdP-pushed one)',
  middleware: [manage],
  request: { params: UserId },
  responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404, 409) },
});

const getAccess = createRoute({
  method: 'get',
  path: '/api/organization/members/{userId}/access',
  tags,
  summary: 'What the member reaches and why: groups, bindings, direct grants',
  middleware: [view],
  request: { params: UserId },
  responses: { 200: json(AccessReportSchema, 'The access report'), ...errorResponses(401, 403, 404) },
});

export function membersRoutes(): OpenAPIHono<AppEnv> {
  const app = adminApp();
  app.openapi(listMembers, (c) =>
    c.json({ data: members.listMembers(adminContext(c), { includeDisabled: c.req.valid('query').includeDisabled === 'true' }) }, 200),
  );
  app.openapi(getMember, (c) => c.json(members.getMember(adminContext(c), c.req.valid('param').userId), 200));
  app.openapi(updateMember, (c) => {
    const { role, disabled } = c.req.valid('json');
    // The schema guarantees exactly one of the two.
    const change = role !== undefined ? { role } : { disabled: disabled! };
    const logged: Record<string, string | boolean> = role !== undefined ? { role } : { disabled: disabled! };
    return c.json(
      audited(
        c,
        200,
        () => members.updateMember(adminContext(c), c.req.valid('param').userId, change),
        () => ({ summary: { change: logged } }),
      ),
      200,
    );
  });
  app.openapi(removeMember, (c) => {
    audited(c, 204, () => members.removeMember(adminContext(c), c.req.valid('param').userId));
    return c.body(null, 204);
  });
  app.openapi(getAccess, (c) => c.json(members.getAccess(adminContext(c), c.req.valid('param').userId), 200));
  return app;
}
