import { Hono, type Context } from 'hono';
import type { ScimContext } from '../../directory/context.js';
import * as groupsService from '../../directory/groups.service.js';
import { pagingNumber, type ListParams } from '../../directory/query.js';
import * as usersService from '../../directory/users.service.js';
import { ScimError } from '../../scim/errors.js';
import { notModified } from '../../scim/preconditions.js';
import { parseProjection, project, wants, type Projection } from '../../scim/projection.js';
import { etag, listResponse, location, renderGroup, renderUser, type ResourceState } from '../../scim/render.js';
import { SEARCH_REQUEST_SCHEMA, type ResourceKind } from '../../scim/schema-defs.js';
import type { AppEnv } from '../env.js';
import { readJson, scimJson } from './respond.js';

/** The calls one resource type needs; Users and Groups differ only in these. */
interface Resource<View> {
  kind: ResourceKind;
  /** The attribute that costs a join to produce; skipped when the projection excludes it. */
  related: 'groups' | 'members';
  state(view: View): ResourceState;
  render(view: View, baseUrl: string): Record<string, unknown>;
  get(ctx: ScimContext, id: string, withRelated: boolean): View;
  list(ctx: ScimContext, params: ListParams, withRelated: boolean): { views: View[]; total: number; startIndex: number };
  create(ctx: ScimContext, body: unknown): View;
  replace(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): View;
  /** Returns the view to answer with, or null for 204 No Content. */
  patch(ctx: ScimContext, id: string, body: unknown, ifMatch: string | undefined, wantBody: boolean): View | null;
  remove(ctx: ScimContext, id: string, ifMatch?: string): void;
}

export const userResource: Resource<usersService.UserView> = {
  kind: 'User',
  related: 'groups',
  state: (v) => v.user,
  render: (v, baseUrl) => renderUser(v.user, v.groups, baseUrl),
  get: usersService.getUser,
  list: usersService.listUsers,
  create: usersService.createUser,
  replace: usersService.replaceUser,
  // Entra's SCIM Validator expects 200 with the user after a user PATCH (RFC 7644 §3.5.2 allows it).
  patch: (ctx, id, body, ifMatch) => usersService.patchUser(ctx, id, body, ifMatch),
  remove: usersService.deleteUser,
};

export const groupResource: Resource<groupsService.GroupView> = {
  kind: 'Group',
  related: 'members',
  state: (v) => v.group,
  render: (v, baseUrl) => renderGroup(v.group, v.members, baseUrl),
  get: groupsService.getGroup,
  list: groupsService.listGroups,
  create: groupsService.createGroup,
  replace: groupsService.replaceGroup,
  // Entra recommends 204 for group PATCH so that a group of 50,000 is never sent back; the
  // resource is returned only when the client asks for it with attributes/excludedAttributes.
  patch: (ctx, id, body, ifMatch, wantBody) => {
    const { group } = groupsService.patchGroup(ctx, id, body, ifMatch);
    return wantBody ? groupsService.getGroup(ctx, group.id, true) : null;
  },
  remove: groupsService.deleteGroup,
};

export function baseUrlOf(c: Context<AppEnv>): string {
  const configured = c.get('deps').config.PUBLIC_URL;
  const origin = configured ? configured.replace(/\/+$/, '') : new URL(c.req.url).origin;
  return `${origin}/scim/v2`;
}

export function scimContext(c: Context<AppEnv>): ScimContext {
  return { db: c.get('deps').db, connection: c.get('connection'), log: c.get('log') };
}

/** Query parameter names compared case-insensitively: clients vary (`excludedattributes`). */
export function queryParams(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.query())) out[k.toLowerCase()] = v;
  return out;
}

/**
 * A list parameter as text. Only strings, numbers and booleans convert: `String()` of a JSON
 * object whose `toString` key holds a non-function throws a TypeError (a 500).
 */
export function paramText(v: unknown, name = 'A list parameter'): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw ScimError.invalidValue(`${name} must be a string, not ${Array.isArray(v) ? 'an array' : 'an object'}.`);
}

export function listParamsFrom(source: Record<string, unknown>): ListParams {
  const str = (v: unknown) => paramText(v);
  const params: ListParams = {};
  const filter = str(source.filter);
  const sortBy = str(source.sortby);
  const sortOrder = str(source.sortorder);
  const startIndex = pagingNumber('startIndex', source.startindex);
  const count = pagingNumber('count', source.count);
  if (filter !== undefined) params.filter = filter;
  if (sortBy !== undefined) params.sortBy = sortBy;
  if (sortOrder !== undefined) params.sortOrder = sortOrder;
  if (startIndex !== undefined) params.startIndex = startIndex;
  if (count !== undefined) params.count = count;
  return params;
}

/** Lower-cases the keys of a SearchRequest body, after checking it is one. */
export function searchRequestParams(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw ScimError.invalidSyntax('A SearchRequest must be a JSON object.');
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k.toLowerCase()] = v;
  const schemas = out.schemas;
  if (Array.isArray(schemas) && schemas.length > 0 && !schemas.includes(SEARCH_REQUEST_SCHEMA)) {
    throw ScimError.invalidSyntax(`A SearchRequest must carry the schema ${SEARCH_REQUEST_SCHEMA}.`);
  }
  for (const key of ['attributes', 'excludedattributes']) {
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map((v) => paramText(v, key)).join(',');
  }
  return out;
}

function projectionFrom(kind: ResourceKind, source: Record<string, unknown>): Projection {
  const str = (v: unknown) => paramText(v);
  return parseProjection(kind, str(source.attributes), str(source.excludedattributes));
}

export function runList<View>(c: Context<AppEnv>, r: Resource<View>, source: Record<string, unknown>): Response {
  const projection = projectionFrom(r.kind, source);
  const result = r.list(scimContext(c), listParamsFrom(source), wants(projection, r.related));
  const baseUrl = baseUrlOf(c);
  const resources = result.views.map((v) => project(r.render(v, baseUrl), projection));
  return scimJson(c, 200, listResponse(resources, result.total, result.startIndex));
}

function answer<View>(c: Context<AppEnv>, r: Resource<View>, status: number, view: View, projection: Projection) {
  const state = r.state(view);
  const headers: Record<string, string> = { ETag: etag(state.version) };
  if (status === 201) headers.Location = location(baseUrlOf(c), r.kind, state.id);
  return scimJson(c, status, project(r.render(view, baseUrlOf(c)), projection), headers);
}

export function resourceRoutes<View>(r: Resource<View>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => runList(c, r, queryParams(c)));

  app.post('/.search', async (c) => runList(c, r, searchRequestParams(await readJson(c))));

  app.get('/:id', (c) => {
    const projection = projectionFrom(r.kind, queryParams(c));
    const view = r.get(scimContext(c), c.req.param('id'), wants(projection, r.related));
    const version = r.state(view).version;
    if (notModified(c.req.header('if-none-match'), version)) {
      return new Response(null, { status: 304, headers: { ETag: etag(version) } });
    }
    return answer(c, r, 200, view, projection);
  });

  app.post('/', async (c) => {
    const projection = projectionFrom(r.kind, queryParams(c));
    const view = r.create(scimContext(c), await readJson(c));
    return answer(c, r, 201, view, projection);
  });

  app.put('/:id', async (c) => {
    const projection = projectionFrom(r.kind, queryParams(c));
    const view = r.replace(scimContext(c), c.req.param('id'), await readJson(c), c.req.header('if-match'));
    return answer(c, r, 200, view, projection);
  });

  app.patch('/:id', async (c) => {
    const query = queryParams(c);
    const projection = projectionFrom(r.kind, query);
    const wantBody = query.attributes !== undefined || query.excludedattributes !== undefined;
    const view = r.patch(scimContext(c), c.req.param('id'), await readJson(c), c.req.header('if-match'), wantBody);
    if (view === null) return new Response(null, { status: 204 });
    return answer(c, r, 200, view, projection);
  });

  app.delete('/:id', (c) => {
    r.remove(scimContext(c), c.req.param('id'), c.req.header('if-match'));
    return new Response(null, { status: 204 });
  });

  app.on(['PUT', 'PATCH', 'DELETE'], '/', () => {
    throw ScimError.methodNotAllowed(['GET', 'POST']);
  });

  return app;
}
