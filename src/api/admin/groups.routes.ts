/**
 * The Groups API (TARGETS.md §A): groups with members and role bindings. Each route parses,
 * calls one function of the groups service, and renders.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import * as groups from '../../directory/access/groups.service.js';
import { membersSummary } from '../../directory/sync-log.js';
import type { AppEnv } from '../env.js';
import { audited } from './audit.js';
import { adminContext, requireScope } from './auth.js';
import { BindingInputSchema, BindingSchema, Id, bodyOf, errorResponses, json, pathParam } from './schemas.js';
import { adminApp, requireJson } from './validation.js';

const view = requireScope('organization:view');
const manage = requireScope('organization:manage');
const tags = ['Groups'];

export const MAX_PAGE_SIZE = 1000;
/** Bounds what one create may name; larger memberships are built with POST /members. */
export const MAX_CREATE_MEMBERS = 1000;
export const MAX_CREATE_BINDINGS = 100;

const GroupName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .openapi({ description: 'Trimmed; 1 to 100 characters.', example: 'Engineering' });

const GroupSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    externalId: z.string().nullable(),
    scimSource: z
      .string()
      .nullable()
      .openapi({ description: 'The IdP connection that owns the group ("okta", "azure-ad"), or null for a group made here.' }),
    memberCount: z.number().int(),
    bindings: z.array(BindingSchema),
    createdAt: z.string(),
  })
  .openapi('GroupSummary');

const GroupMemberSchema = z
  .object({ userId: z.string(), name: z.string().nullable(), email: z.string(), addedAt: z.string() })
  .openapi('GroupMember');

const GroupDetailSchema = GroupSummarySchema.extend({
  organizationId: z.string(),
  members: z.array(GroupMemberSchema),
}).openapi('GroupDetail');

const GroupCreatedSchema = z
  .object({ id: z.string(), name: z.string(), slug: z.string(), organizationId: z.string(), createdAt: z.string() })
  .openapi('GroupCreated');

const PaginationSchema = z
  .object({ page: z.number().int(), limit: z.number().int(), total: z.number().int(), totalPages: z.number().int() })
  .openapi('Pagination');

const GroupId = z.object({ id: pathParam('id', 'The group id (for a SCIM-pushed group, its SCIM id).') });

const ListQuery = z.object({
  page: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_000_000_000, 'must be at most 1000000000')
    .default(1),
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .default(50),
});

const CreateGroupBody = z
  .object({
    name: GroupName,
    bindings: z.array(BindingInputSchema).max(MAX_CREATE_BINDINGS, `must hold at most ${MAX_CREATE_BINDINGS} bindings`).optional(),
    memberIds: z
      .array(Id)
      .max(MAX_CREATE_MEMBERS, `must hold at most ${MAX_CREATE_MEMBERS} user ids`)
      .optional()
      .openapi({ description: 'User ids of members of the organization; an id that is not one is refused (400).' }),
  })
  .openapi('CreateGroup');

const listGroups = createRoute({
  method: 'get',
  path: '/api/groups',
  tags,
  summary: 'List groups',
  middleware: [view],
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ data: z.array(GroupSummarySchema), pagination: PaginationSchema }), 'A page of groups'),
    ...errorResponses(400, 401, 403),
  },
});

const createGroup = createRoute({
  method: 'post',
  path: '/api/groups',
  tags,
  summary: 'Create a group',
  middleware: [manage, requireJson],
  request: { body: bodyOf(CreateGroupBody) },
  responses: { 201: json(GroupCreatedSchema, 'The group was created'), ...errorResponses(400, 401, 403, 409) },
});

const getGroup = createRoute({
  method: 'get',
  path: '/api/groups/{id}',
  tags,
  summary: 'A group with its members and bindings',
  middleware: [view],
  request: { params: GroupId },
  responses: { 200: json(GroupDetailSchema, 'The group'), ...errorResponses(401, 403, 404) },
});

const renameGroup = createRoute({
  method: 'patch',
  path: '/api/groups/{id}',
  tags,
  summary: 'Rename a group (409 scim_managed_group for a SCIM-pushed one)',
  middleware: [manage, requireJson],
  request: { params: GroupId, body: bodyOf(z.object({ name: GroupName }).openapi('RenameGroup')) },
  responses: { 200: json(GroupDetailSchema, 'The renamed group'), ...errorResponses(400, 401, 403, 404, 409) },
});

const deleteGroup = createRoute({
  method: 'delete',
  path: '/api/groups/{id}',
  tags,
  summary: 'Delete a group with its memberships and bindings (409 scim_managed_group for a SCIM-pushed one)',
  middleware: [manage],
  request: { params: GroupId },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409) },
});

const listMembers = createRoute({
  method: 'get',
  path: '/api/groups/{id}/members',
  tags,
  summary: "A group's members",
  middleware: [view],
  request: { params: GroupId },
  responses: { 200: json(z.object({ data: z.array(GroupMemberSchema) }), 'The members'), ...errorResponses(401, 403, 404) },
});

const addMember = createRoute({
  method: 'post',
  path: '/api/groups/{id}/members',
  tags,
  summary: 'Add a member of the organization to a group (409 scim_managed_group for a SCIM-pushed one)',
  middleware: [manage, requireJson],
  request: { params: GroupId, body: bodyOf(z.object({ userId: Id }).openapi('AddGroupMember')) },
  responses: { 201: json(GroupMemberSchema, 'The membership'), ...errorResponses(400, 401, 403, 404, 409) },
});

const removeMember = createRoute({
  method: 'delete',
  path: '/api/groups/{id}/members/{userId}',
  tags,
  summary: 'Remove a member from a group (409 scim_managed_group for a SCIM-pushed one)',
  middleware: [manage],
  request: { params: GroupId.extend({ userId: pathParam('userId', 'The member to remove.') }) },
  responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404, 409) },
});

const listBindings = createRoute({
  method: 'get',
  path: '/api/groups/{id}/bindings',
  tags,
  summary: "A group's role bindings",
  middleware: [view],
  request: { params: GroupId },
  responses: { 200: json(z.object({ data: z.array(BindingSchema) }), 'The bindings'), ...errorResponses(401, 403, 404) },
});

const addBinding = createRoute({
  method: 'post',
  path: '/api/groups/{id}/bindings',
  tags,
  summary: 'Add a role binding (allowed on SCIM-pushed groups too)',
  middleware: [manage, requireJson],
  request: { params: GroupId, body: bodyOf(BindingInputSchema) },
  responses: { 201: json(BindingSchema, 'The binding'), ...errorResponses(400, 401, 403, 404, 409) },
});

const removeBinding = createRoute({
  method: 'delete',
  path: '/api/groups/{id}/bindings/{bindingId}',
  tags,
  summary: 'Remove a role binding',
  middleware: [manage],
  request: { params: GroupId.extend({ bindingId: pathParam('bindingId', 'The binding to remove.') }) },
  responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404) },
});

export function groupsRoutes(): OpenAPIHono<AppEnv> {
  const app = adminApp();
  app.openapi(listGroups, (c) => c.json(groups.listGroups(adminContext(c), c.req.valid('query')), 200));
  app.openapi(createGroup, (c) => {
    const input = c.req.valid('json');
    const created = audited(
      c,
      201,
      () => groups.createGroup(adminContext(c), input),
      (g) => ({
        resourceId: g.id,
        resourceName: g.name,
        summary: { ...membersSummary([...new Set(input.memberIds ?? [])], []), change: { bindings: input.bindings?.length ?? 0 } },
      }),
    );
    return c.json(created, 201);
  });
  app.openapi(getGroup, (c) => c.json(groups.getGroup(adminContext(c), c.req.valid('param').id), 200));
  app.openapi(renameGroup, (c) => {
    const { name } = c.req.valid('json');
    return c.json(
      audited(
        c,
        200,
        () => groups.renameGroup(adminContext(c), c.req.valid('param').id, name),
        () => ({ summary: { change: { name } } }),
      ),
      200,
    );
  });
  app.openapi(deleteGroup, (c) => {
    audited(c, 204, () => groups.deleteGroup(adminContext(c), c.req.valid('param').id));
    return c.body(null, 204);
  });
  app.openapi(listMembers, (c) => c.json({ data: groups.listGroupMembers(adminContext(c), c.req.valid('param').id) }, 200));
  app.openapi(addMember, (c) => {
    const { userId } = c.req.valid('json');
    const member = audited(
      c,
      201,
      () => groups.addGroupMember(adminContext(c), c.req.valid('param').id, userId),
      () => ({
        summary: membersSummary([userId], []),
      }),
    );
    return c.json(member, 201);
  });
  app.openapi(removeMember, (c) => {
    const { id, userId } = c.req.valid('param');
    audited(
      c,
      204,
      () => groups.removeGroupMember(adminContext(c), id, userId),
      () => ({ summary: membersSummary([], [userId]) }),
    );
    return c.body(null, 204);
  });
  app.openapi(listBindings, (c) => c.json({ data: groups.listBindings(adminContext(c), c.req.valid('param').id) }, 200));
  app.openapi(addBinding, (c) => {
    const binding = audited(
      c,
      201,
      () => groups.addBinding(adminContext(c), c.req.valid('param').id, c.req.valid('json')),
      (b) => ({
        summary: { change: bindingChange(b) },
      }),
    );
    return c.json(binding, 201);
  });
  app.openapi(removeBinding, (c) => {
    const { id, bindingId } = c.req.valid('param');
    audited(
      c,
      204,
      () => groups.removeBinding(adminContext(c), id, bindingId),
      () => ({ summary: { change: { bindingId } } }),
    );
    return c.body(null, 204);
  });
  return app;
}

/** A binding as the log shows it: its id, role and scope. */
const bindingChange = (b: { id: string; role: string; customRoleId: string | null; scopeType: string; scopeId: string }) => ({
  bindingId: b.id,
  role: b.role,
  customRoleId: b.customRoleId,
  scopeType: b.scopeType,
  scopeId: b.scopeId,
});
