/**
 * A small client for the LangWatch stand-in's tests: one real server on 127.0.0.1, port 0,
 * reset before each test; plain fetch calls that return status, headers and parsed body.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { startLangWatchFake, type RunningLangWatchFake } from '../../fakes/langwatch/server.js';
import type { SeededOrganization } from '../../fakes/langwatch/state.js';

// Response bodies are whatever the server sent; the assertions are the type check here.
export type Json = any;

export interface Reply {
  status: number;
  body: Json;
  headers: Headers;
  text: string;
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface Ctx {
  fake: RunningLangWatchFake;
  org: SeededOrganization;
  /** A SCIM token minted for `org` in the last reset. */
  scimToken: string;
}

/** Starts one stand-in for the file and resets it (and mints a SCIM token) before every test. */
export function useLangWatchFake(): Ctx {
  const ctx = {} as Ctx;
  beforeAll(async () => {
    ctx.fake = await startLangWatchFake({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await ctx.fake?.close();
  });
  beforeEach(async () => {
    const reset = await raw(ctx, 'POST', '/_fake/reset');
    expect(reset.status).toBe(200);
    ctx.org = ctx.fake.organization;
    const minted = await raw(ctx, 'POST', `/_fake/organizations/${ctx.org.organizationId}/scim-tokens`, { body: { description: 'tests' } });
    expect(minted.status).toBe(201);
    ctx.scimToken = minted.body.token;
  });
  return ctx;
}

/** One request. `auth` is the whole Authorization header (null: none); `raw` sends text as is. */
export async function raw(
  ctx: Ctx,
  method: string,
  path: string,
  opts: {
    body?: unknown;
    raw?: string;
    auth?: string | null;
    contentType?: string | null;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth) headers.authorization = opts.auth;
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const type = opts.contentType === undefined ? (payload === undefined ? null : 'application/json') : opts.contentType;
  if (type) headers['content-type'] = type;
  const res = await fetch(`${ctx.fake.url}${path}`, { method, headers, body: payload, signal: opts.signal });
  const text = await res.text();
  let body: Json = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body, headers: res.headers, text };
}

/** A REST call with the organization's manage key (or `key`). */
export const rest = (ctx: Ctx, method: string, path: string, body?: unknown, key?: string | null) =>
  raw(ctx, method, path, { body, auth: key === null ? null : `Bearer ${key ?? ctx.org.apiKey}` });

/** A SCIM call with the organization's SCIM token (or `token`). */
export const scim = (ctx: Ctx, method: string, path: string, body?: unknown, token?: string | null) =>
  raw(ctx, method, `/api/scim/v2${path}`, {
    body,
    auth: token === null ? null : `Bearer ${token ?? ctx.scimToken}`,
    contentType: body === undefined ? null : 'application/scim+json',
  });

export const control = (ctx: Ctx, method: string, path: string, body?: unknown) => raw(ctx, method, path, { body });

export async function dump(ctx: Ctx): Promise<Json> {
  return (await control(ctx, 'GET', `/_fake/state?organizationId=${ctx.org.organizationId}`)).body.organizations[0];
}

/** A member put straight into the organization through the control API; its userId. */
export async function seedMember(ctx: Ctx, email: string | null, extra: Record<string, unknown> = {}, orgId?: string): Promise<string> {
  const r = await control(ctx, 'POST', `/_fake/organizations/${orgId ?? ctx.org.organizationId}/members`, { email, ...extra });
  expect(r.status, r.text).toBe(201);
  return r.body.userId as string;
}

/** SCIM POST /Users; its id. */
export async function scimUser(ctx: Ctx, userName: string, name?: { givenName?: string; familyName?: string }): Promise<string> {
  const r = await scim(ctx, 'POST', '/Users', { schemas: [USER_SCHEMA], userName, ...(name ? { name } : {}) });
  expect(r.status, r.text).toBe(201);
  return r.body.id as string;
}

/** SCIM POST /Groups; its id. */
export async function scimGroup(ctx: Ctx, displayName: string, memberIds: string[] = []): Promise<string> {
  const r = await scim(ctx, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value })) });
  expect(r.status, r.text).toBe(201);
  return r.body.id as string;
}

export const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

/** A SCIM error body: the status as a string, no scimType, `application/scim+json`. */
export function expectScimError(r: Reply, status: number, detail?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/scim+json');
  expect(r.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(r.body.status).toBe(String(status));
  expect(r.body).not.toHaveProperty('scimType');
  if (detail !== undefined) expect(r.body.detail).toBe(detail);
}

/** The Groups family's flat body: the code in `error`. */
export function expectGroupsError(r: Reply, status: number, code: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.body.error).toBe(code);
  expect(typeof r.body.message).toBe('string');
}

/** The organization family's body: the code in `code` (and `message`, `kind`, `type`). */
export function expectOrgError(r: Reply, status: number, code: string, versioned = false) {
  expect(r.status, r.text).toBe(status);
  expect(r.body).toMatchObject({ code, message: code, kind: code, type: code });
  if (versioned) expect(r.body).not.toHaveProperty('error');
  else expect(typeof r.body.error).toBe('string');
}
