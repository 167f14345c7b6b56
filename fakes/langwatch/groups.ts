/**
 * REST Groups `/api/groups` (TARGETS.md §A2), after `platform/app/src/app/api/groups/[[...route]]/app.ts`,
 * `server/app-layer/groups/group.service.ts`, `…/groups/errors.ts` and the Prisma repository:
 * every route needs `organization:manage` and the `GROUPS` plan; errors use the Groups body.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { LwError } from './errors.js';
import { BINDING_ROLES, SCOPE_TYPES, slugify, textOrder, type Binding, type BindingInput, type Group, type Organization } from './model.js';
import { body, orgAuth, planGate, query, requirePermission, type RestEnv } from './rest.js';
import type { LangWatchState } from './state.js';

const BindingBody = z.object({
  role: z.enum(BINDING_ROLES),
  customRoleId: z.string().optional(),
  scopeType: z.enum(SCOPE_TYPES),
  scopeId: z.string().min(1, 'scopeId is required'),
});
const CreateGroup = z.object({
  name: z.string().trim().min(1, 'name is required').max(100),
  bindings: z.array(BindingBody).optional(),
  memberIds: z.array(z.string()).optional(),
});
const Rename = z.object({ name: z.string().trim().min(1).max(100) });
const AddMember = z.object({ userId: z.string().min(1, 'userId is required') });
/** TARGETS §A2 "GET": page ≥ 1 (default 1), limit 1..1000 (default 50). */
const Page = z.object({
  page: z.coerce.number().int().positive().optional().default(1),
  limit: z.coerce.number().int().positive().max(1000).optional().default(50),
});

// The handled errors of `server/app-layer/groups/errors.ts` and `role-bindings/errors.ts`.
const notFound = (id?: string) =>
  new LwError(404, 'group_not_found', `Group not found: ${id ?? ''}`, { id: id ?? '', ...(id ? { groupId: id } : {}) });
const scimManaged = (groupId: string) =>
  new LwError(409, 'scim_managed_group', 'This group is managed by your identity provider, so it is renamed, changed and removed there', {
    groupId,
  });
const notInOrganization = (userId?: string) =>
  new LwError(422, 'user_not_in_organization', 'That user is not a member of this organization', userId ? { userId } : {});

export function createGroupsApp(state: LangWatchState): Hono<RestEnv> {
  const app = new Hono<RestEnv>();
  // TARGETS §A0 "Permissions" and "Plan gate": 401, then 403 (manage, even to read), then 402 GROUPS.
  app.use('*', orgAuth(state, 'groups'), requirePermission('organization:manage', 'groups'), planGate('GROUPS'));

  const find = (org: Organization, id: string, withId: boolean): Group => {
    const g = org.groups.get(id);
    if (!g) throw notFound(withId ? id : undefined);
    return g;
  };
  const bindingView = (org: Organization, b: Binding) => ({
    id: b.id,
    role: b.role,
    customRoleId: b.customRoleId,
    customRoleName: state.customRoleName(org, b.customRoleId),
    scopeType: b.scopeType,
    scopeId: b.scopeId,
  });
  /** Membership rows of people still in the organization: the repository joins on `orgMemberships`. */
  const members = (org: Organization, g: Group) =>
    [...g.members.keys()]
      .filter((id) => org.members.has(id))
      .map((userId) => ({ userId, name: state.user(userId)?.name ?? null, email: state.user(userId)?.email ?? null }));

  /** CUSTOM needs a customRoleId (422 `custom_role_id_required`) of this organization (422 `custom_role_not_assignable`). */
  const checkCustomRoles = (org: Organization, bindings: BindingInput[]) => {
    const custom = bindings.filter((b) => b.role === 'CUSTOM');
    if (custom.some((b) => !b.customRoleId))
      throw new LwError(422, 'custom_role_id_required', 'A CUSTOM binding has to name which custom role it grants');
    const bad = custom.find((b) => !org.customRoles.some((r) => r.id === b.customRoleId));
    if (bad)
      throw new LwError(422, 'custom_role_not_assignable', 'That custom role cannot be granted here', { customRoleId: bad.customRoleId });
  };
  /** `RoleBinding_group_*_role_scope_key`: one binding per group, role (or custom role) and scope. */
  const sameBinding = (a: Binding, b: BindingInput) =>
    a.role === b.role &&
    a.scopeType === b.scopeType &&
    a.scopeId === b.scopeId &&
    (a.role !== 'CUSTOM' || a.customRoleId === (b.customRoleId ?? null));

  // TARGETS §A2 "GET /api/groups": sorted by name, pagination {page, limit, total} and no totalPages.
  app.get('/', (c) => {
    const org = c.get('org');
    const { page, limit } = query(c, 'groups', Page);
    const all = [...org.groups.values()].sort((a, b) => textOrder(a.name, b.name) || a.seq - b.seq);
    const data = all.slice((page - 1) * limit, page * limit).map((g) => ({
      id: g.id,
      name: g.name,
      slug: g.slug,
      externalId: g.externalId,
      scimSource: g.scimSource,
      memberCount: members(org, g).length,
      bindings: g.bindings.map((b) => bindingView(org, b)),
      createdAt: g.createdAt,
    }));
    return c.json({ data, pagination: { page, limit, total: all.length } });
  });

  // TARGETS §A2 "POST": 201 {id,name,slug,organizationId,createdAt}; checked members, roles, scopes; no scimSource.
  app.post('/', async (c) => {
    const org = c.get('org');
    const b = await body(c, 'groups', CreateGroup);
    const memberIds = [...new Set(b.memberIds ?? [])];
    if (memberIds.some((id) => !org.members.has(id))) throw notInOrganization();
    const bindings = b.bindings ?? [];
    checkCustomRoles(org, bindings);
    const badScope = bindings.find((x) => !state.scopeInOrganization(org, x.scopeType, x.scopeId));
    if (badScope)
      throw new LwError(422, 'scope_not_in_organization', 'That scope does not belong to this organization', {
        scopeType: badScope.scopeType,
      });
    const g = state.createGroupRow(org, { name: b.name, slug: state.uniqueSlug(org, slugify(b.name), 2), scimSource: null });
    for (const id of memberIds) g.members.set(id, state.now());
    for (const x of bindings) if (!g.bindings.some((y) => sameBinding(y, x))) g.bindings.push(state.newBinding(x));
    return c.json({ id: g.id, name: g.name, slug: g.slug, organizationId: org.id, createdAt: g.createdAt }, 201);
  });

  // TARGETS §A2 "GET /api/groups/{id}": no organizationId, memberCount or createdAt.
  app.get('/:id', (c) => {
    const org = c.get('org');
    const g = find(org, c.req.param('id'), true);
    return c.json({
      id: g.id,
      name: g.name,
      slug: g.slug,
      externalId: g.externalId,
      scimSource: g.scimSource,
      members: members(org, g),
      bindings: g.bindings.map((b) => bindingView(org, b)),
    });
  });

  // TARGETS §A2 "PATCH": 409 `scim_managed_group` for a group with a scimSource.
  app.patch('/:id', async (c) => {
    const org = c.get('org');
    const { name } = await body(c, 'groups', Rename);
    const g = find(org, c.req.param('id'), false);
    if (g.scimSource) throw scimManaged(g.id);
    g.name = name;
    g.slug = state.uniqueSlug(org, slugify(name), 2, g.id);
    g.updatedAt = state.now();
    return c.json({ id: g.id, name: g.name, slug: g.slug });
  });

  // TARGETS §A2 "DELETE": a SCIM-managed group cannot be deleted over REST either; else bindings and memberships go too.
  app.delete('/:id', (c) => {
    const org = c.get('org');
    const g = find(org, c.req.param('id'), false);
    if (g.scimSource) throw scimManaged(g.id);
    org.groups.delete(g.id);
    return c.json({ success: true });
  });

  app.get('/:id/members', (c) => {
    const org = c.get('org');
    return c.json({ data: members(org, find(org, c.req.param('id'), true)) });
  });

  // TARGETS §A2 "POST …/members": 201; 409 scim_managed_group; 422 user_not_in_organization; 409 group_member_already_added.
  app.post('/:id/members', async (c) => {
    const org = c.get('org');
    const { userId } = await body(c, 'groups', AddMember);
    const g = find(org, c.req.param('id'), false);
    if (g.scimSource) throw scimManaged(g.id);
    if (!org.members.has(userId)) throw notInOrganization(userId);
    if (g.members.has(userId)) throw new LwError(409, 'group_member_already_added', 'That member is already in this group', { userId });
    g.members.set(userId, state.now());
    return c.json({ success: true }, 201);
  });

  // TARGETS §A2 "DELETE …/members/{userId}": a userId not in the group fails unmapped → 500.
  app.delete('/:id/members/:userId', (c) => {
    const org = c.get('org');
    const g = find(org, c.req.param('id'), false);
    // The service passes a sentence where the group id belongs, so it lands in `groupId`.
    if (g.scimSource)
      throw new LwError(409, 'scim_managed_group', scimManaged(g.id).message, {
        groupId: 'Cannot manually remove members from a SCIM-managed group',
      });
    if (!g.members.delete(c.req.param('userId'))) throw new Error('P2025: No record was found for a delete.');
    return c.json({ success: true });
  });

  app.get('/:id/bindings', (c) => {
    const org = c.get('org');
    return c.json({ data: find(org, c.req.param('id'), true).bindings.map((b) => bindingView(org, b)) });
  });

  // TARGETS §A2 "POST …/bindings": no SCIM lock; 422 scope/custom role; 409 role_binding_already_exists.
  app.post('/:id/bindings', async (c) => {
    const org = c.get('org');
    const input = await body(c, 'groups', BindingBody);
    const g = find(org, c.req.param('id'), false);
    if (!state.scopeInOrganization(org, input.scopeType, input.scopeId)) {
      throw new LwError(422, 'scope_not_in_organization', 'That scope does not belong to this organization', {
        scopeType: 'Scope does not belong to this organization',
      });
    }
    checkCustomRoles(org, [input]);
    if (g.bindings.some((x) => sameBinding(x, input))) {
      throw new LwError(409, 'role_binding_already_exists', 'An identical role binding already exists', {
        scopeType: input.scopeType,
        scopeId: input.scopeId,
      });
    }
    const binding = state.newBinding(input);
    g.bindings.push(binding);
    return c.json({ id: binding.id, role: binding.role, scopeType: binding.scopeType, scopeId: binding.scopeId }, 201);
  });

  // TARGETS §A2 "DELETE …/bindings/{bindingId}": 404 role_binding_not_found, also for another group's binding.
  app.delete('/:id/bindings/:bindingId', (c) => {
    const org = c.get('org');
    const g = find(org, c.req.param('id'), true);
    const bindingId = c.req.param('bindingId');
    const i = g.bindings.findIndex((b) => b.id === bindingId);
    if (i < 0) throw new LwError(404, 'role_binding_not_found', `Role binding not found: ${bindingId}`, { id: bindingId, bindingId });
    g.bindings.splice(i, 1);
    return c.json({ success: true });
  });
  return app;
}
