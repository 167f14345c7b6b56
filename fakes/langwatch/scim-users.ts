/**
 * SCIM `/Users` (TARGETS.md §A1 "Users: what the server does"), following
 * `platform/app/ee/scim/scim.service.ts` and `UserService` in langwatch/langwatch, traps included.
 */
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { ScimFail } from './errors.js';
import type { Organization, User } from './model.js';
import {
  CORE_USER,
  ENTERPRISE_USER,
  eqFilter,
  listResponse,
  pageSize,
  parseScim,
  PatchRequest,
  positiveInteger,
  readScimJson,
  scimJson,
  UserRequest,
  type PatchOperation,
  type ScimEnv,
} from './scim-shared.js';
import type { LangWatchState } from './state.js';

/** TARGETS §A1 "Shapes", User: the name split at the first space; no externalId, location or version. */
export function scimUser(user: User) {
  const name = user.name ?? '';
  const space = name.indexOf(' ');
  return {
    schemas: [CORE_USER],
    id: user.id,
    userName: user.email ?? '',
    name: space === -1 ? { givenName: name, familyName: '' } : { givenName: name.slice(0, space), familyName: name.slice(space + 1) },
    emails: [{ primary: true, value: user.email ?? '', type: 'work' }],
    // TARGETS §A1 trap 13: only the account-wide flag shows, never the REST `disabledAt`.
    active: user.deactivatedAt === null,
    meta: { resourceType: 'User', created: user.createdAt, lastModified: user.updatedAt },
  };
}

/** TARGETS §A1 "POST": `given family`, else the part of `userName` before `@`. */
function nameFrom(req: UserRequest): string {
  const parts = [req.name?.givenName, req.name?.familyName].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : (req.userName.split('@')[0] ?? req.userName);
}

/** `undefined` when the enterprise extension is absent, null when it clears the department. */
function costCenterOf(req: UserRequest): string | null | undefined {
  const ext = req[ENTERPRISE_USER];
  if (!ext || !('costCenter' in ext)) return undefined;
  return ext.costCenter ?? null;
}

/**
 * TARGETS §A1 trap 8: `/Users` has no order (no `orderBy` in `listUsers`). The stand-in sorts
 * by a hash of the id, so the order is stable but unrelated to creation: a client cannot rely on it.
 */
const unordered = (userId: string) => createHash('sha256').update(`lw-scim-order:${userId}`).digest('hex');

export function registerScimUsers(app: Hono<ScimEnv>, state: LangWatchState): void {
  const member = (org: Organization, id: string) => {
    if (!org.members.has(id)) throw new ScimFail(404, 'User not found');
    return state.user(id)!;
  };
  const setCostCenter = (org: Organization, userId: string, costCenter: string | null | undefined) => {
    if (costCenter === undefined) return;
    const m = org.members.get(userId);
    if (m) m.department = typeof costCenter === 'string' && costCenter.trim() !== '' ? costCenter.trim() : null;
  };
  /** The organization-scoped MEMBER grant a SCIM push asserts (`reconcileOrganizationMembership`). */
  const grantMembership = (org: Organization, userId: string) => {
    const has = org.userBindings.some(
      (b) => b.userId === userId && b.scopeType === 'ORGANIZATION' && b.scopeId === org.id && b.role === 'MEMBER',
    );
    if (!has) org.userBindings.push({ ...state.newBinding({ role: 'MEMBER', scopeType: 'ORGANIZATION', scopeId: org.id }), userId });
  };

  // TARGETS §A1 "GET /Users": every member of the organization, the REST-disabled included.
  app.get('/Users', (c) => {
    const org = c.get('scimOrg');
    const startIndex = positiveInteger(c.req.query('startIndex'), 1);
    const count = pageSize(c.req.query('count'));
    const wanted = eqFilter('userName', c.req.query('filter'))?.toLowerCase() ?? null;
    const rows = [...org.members.keys()]
      .map((id) => state.user(id)!)
      // TARGETS §A1 trap 1 and 7: the filter ignores case; an unknown filter filters nothing.
      .filter((u) => wanted === null || (u.email ?? '').toLowerCase() === wanted)
      .sort((a, b) => (unordered(a.id) < unordered(b.id) ? -1 : 1));
    return scimJson(c, listResponse(rows.slice(startIndex - 1, startIndex - 1 + count).map(scimUser), rows.length, startIndex, count));
  });

  app.post('/Users', async (c) => {
    const org = c.get('scimOrg');
    const body = await readScimJson(c);
    if (body === null) throw new ScimFail(400, 'Invalid JSON in request body');
    const req = parseScim(UserRequest, body);
    // TARGETS §A1 trap 7: looked up and stored exactly as sent, under a case-sensitive unique index.
    const existing = state.userByEmail(req.userName);
    if (existing) {
      // TARGETS §A1 "POST" / trap 9: an existing member is 409 without the id.
      if (org.members.has(existing.id)) throw new ScimFail(409, 'User already exists in this organization');
      // An existing account joins as MEMBER, is reactivated, and keeps its own name (trap 5, trap 9).
      state.addMembership(org, existing.id, 'MEMBER');
      grantMembership(org, existing.id);
      if (existing.deactivatedAt !== null) state.reactivate(existing);
      setCostCenter(org, existing.id, costCenterOf(req));
      return scimJson(c, scimUser(existing), 201);
    }
    // `emails[]` and `active` are not read on create; `externalId` is not stored (trap 2).
    const user = state.createUser({ email: req.userName, name: nameFrom(req) });
    state.addMembership(org, user.id, 'MEMBER');
    grantMembership(org, user.id);
    setCostCenter(org, user.id, costCenterOf(req));
    return scimJson(c, scimUser(user), 201);
  });

  app.get('/Users/:id', (c) => scimJson(c, scimUser(member(c.get('scimOrg'), c.req.param('id')))));

  // TARGETS §A1 "PUT": the whole resource; name reset, email lowercased, `active` omitted = true.
  app.put('/Users/:id', async (c) => {
    const org = c.get('scimOrg');
    const user = member(org, c.req.param('id'));
    const body = await readScimJson(c);
    if (body === null) throw new ScimFail(400, 'Invalid JSON in request body');
    const req = parseScim(UserRequest, body);
    // A taken address throws UniqueViolation: the flat REST 409 (TARGETS §A1 "Errors").
    state.updateProfile(user, { name: nameFrom(req), email: req.userName });
    const active = req.active !== false;
    if (active && user.deactivatedAt !== null) state.reactivate(user);
    else if (!active && user.deactivatedAt === null) state.deactivate(user);
    setCostCenter(org, user.id, costCenterOf(req));
    return scimJson(c, scimUser(user));
  });

  app.patch('/Users/:id', async (c) => {
    const org = c.get('scimOrg');
    const user = member(org, c.req.param('id'));
    const body = await readScimJson(c);
    if (body === null) throw new ScimFail(400, 'Invalid JSON in request body');
    const { Operations } = parseScim(PatchRequest, body);
    // Applied one by one with no transaction: a failing operation keeps the earlier ones' effects.
    for (const op of Operations) applyUserPatch(state, org, user, op, setCostCenter);
    return scimJson(c, scimUser(user));
  });

  // TARGETS §A1 "DELETE": bindings revoked, membership deleted, account deactivated; group rows stay.
  app.delete('/Users/:id', (c) => {
    const org = c.get('scimOrg');
    const user = member(org, c.req.param('id'));
    org.userBindings = org.userBindings.filter((b) => b.userId !== user.id);
    org.members.delete(user.id);
    state.deactivate(user);
    return c.body(null, 204);
  });
}

/** One PATCH operation on a user (TARGETS §A1 "PATCH"), with its silent no-ops (trap 3). */
function applyUserPatch(
  state: LangWatchState,
  org: Organization,
  user: User,
  op: PatchOperation,
  setCostCenter: (org: Organization, userId: string, v: string | null | undefined) => void,
): void {
  // The enterprise costCenter: add/replace/remove, as a qualified path or inside a value object.
  if (op.path === `${ENTERPRISE_USER}:costCenter`) {
    setCostCenter(org, user.id, op.op === 'remove' ? null : typeof op.value === 'string' ? op.value : null);
  } else if (op.value !== null && typeof op.value === 'object') {
    const ext = (op.value as Record<string, unknown>)[ENTERPRISE_USER] as { costCenter?: string | null } | undefined;
    if (ext && 'costCenter' in ext) setCostCenter(org, user.id, ext.costCenter ?? null);
  }

  // TARGETS §A1 trap 3: add and remove of core attributes change nothing, and answer 200.
  if (op.op !== 'replace') return;

  // TARGETS §A1 trap 4: false or "false" deactivates; any other value reactivates ("False" too).
  if (op.path === 'active') {
    if (op.value === false || op.value === 'false') state.deactivate(user);
    else state.reactivate(user);
    return;
  }
  // A scalar replace on any other path (`userName`, `name.givenName`, `emails[...]`) is a silent no-op.
  if (op.value === null || op.value === undefined || typeof op.value !== 'object') return;

  const value = op.value as Record<string, unknown>;
  const updates: { name?: string; email?: string } = {};
  if ('active' in value) {
    // Only a JSON false deactivates here; the string "false" reactivates.
    if (value.active === false) state.deactivate(user);
    else state.reactivate(user);
  }
  if ('userName' in value && typeof value.userName === 'string') updates.email = value.userName;
  if ('name' in value && typeof value.name === 'object') {
    // `name: null` is read as an object and fails unmapped: a 500.
    if (value.name === null) throw new TypeError("Cannot read properties of null (reading 'givenName')");
    const n = value.name as Record<string, unknown>;
    const parts = [n.givenName, n.familyName].filter(Boolean);
    if (parts.length > 0) updates.name = parts.join(' ');
  } else if ('name.givenName' in value || 'name.familyName' in value) {
    const given = typeof value['name.givenName'] === 'string' ? value['name.givenName'] : null;
    const family = typeof value['name.familyName'] === 'string' ? value['name.familyName'] : null;
    const parts = [given, family].filter(Boolean);
    if (parts.length > 0) updates.name = parts.join(' ');
  }
  // TARGETS §A1 "PATCH": userName lowercased; a taken one is the flat 409, a blank one a 500.
  if (Object.keys(updates).length > 0) state.updateProfile(user, updates);
}
