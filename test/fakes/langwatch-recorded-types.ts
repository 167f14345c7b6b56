/**
 * The shape of a recorded request/answer pair for the LangWatch stand-in: what LangWatch's own
 * tests and docs (langwatch/langwatch, cited per row in `source`) send and what they expect
 * back. langwatch-recorded.test.ts replays every row against the stand-in.
 */
import { expect } from 'vitest';
import type { SeededOrganization } from '../../fakes/langwatch/state.js';
import { control, rest, scim, seedMember, scimGroup, scimUser, type Ctx, type Json, type Reply } from './langwatch-client.js';

export type Vars = Record<string, string>;

/** Who sends the request: the manage key (a service key), the view key, a personal key made in `given`, the SCIM token, nobody, or a literal header. */
export type Credential = 'manage' | 'view' | 'scim' | 'none' | { var: string } | { header: string };

export interface Row {
  /** `<path in langwatch/langwatch> › <test name or doc section>`. */
  source: string;
  /** What the source test seeds first; returns the ids the request and the checks use. */
  given?: (g: Given) => Vars | void | Promise<Vars | void>;
  request: {
    method: string;
    path: string | ((v: Vars) => string);
    as: Credential;
    body?: unknown;
    bodyOf?: (v: Vars) => unknown;
    raw?: string;
  };
  expect: {
    status: number;
    /** Matched with toMatchObject: the salient fields only. */
    body?: unknown;
    bodyOf?: (v: Vars) => unknown;
    contentType?: string;
    /** Response headers, by lowercase name. */
    headers?: Record<string, string>;
    /** Keys the body must not have. */
    absent?: string[];
  };
  /** What the source test checks afterwards (state written or not, a follow-up read). */
  after?: (g: Given, v: Vars, reply: Reply) => void | Promise<void>;
}

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const ops = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

/** The seeding helpers a row's `given` and `after` use. */
export class Given {
  constructor(readonly ctx: Ctx) {}
  get org(): SeededOrganization {
    return this.ctx.org;
  }
  member(email: string | null, extra: Record<string, unknown> = {}, orgId?: string) {
    return seedMember(this.ctx, email, extra, orgId);
  }
  scimUser(userName: string, name?: { givenName?: string; familyName?: string }) {
    return scimUser(this.ctx, userName, name);
  }
  scimGroup(name: string, members: string[] = []) {
    return scimGroup(this.ctx, name, members);
  }
  /** A group made as the source tests make them (`prisma.group.create`), possibly with a scimSource. */
  async group(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await control(this.ctx, 'POST', `/_fake/organizations/${this.org.organizationId}/groups`, { name, ...extra });
    expect(r.status, r.text).toBe(201);
    return r.body.id as string;
  }
  async otherOrg(name = 'Other Org'): Promise<SeededOrganization> {
    return (await control(this.ctx, 'POST', '/_fake/organizations', { name })).body as SeededOrganization;
  }
  async team(name: string): Promise<string> {
    return (await control(this.ctx, 'POST', `/_fake/organizations/${this.org.organizationId}/teams`, { name })).body.id as string;
  }
  /** A personal key acting as `userId` (the source suites' `adminToken`), so the self guards apply. */
  async personalKey(userId: string): Promise<string> {
    return (await control(this.ctx, 'POST', `/_fake/organizations/${this.org.organizationId}/keys`, { userId })).body.token as string;
  }
  async advanceClock(advanceMs: number): Promise<void> {
    expect((await control(this.ctx, 'POST', '/_fake/clock', { advanceMs })).status).toBe(200);
  }
  async settings(patch: Record<string, unknown>): Promise<void> {
    expect((await control(this.ctx, 'PATCH', '/_fake/settings', patch)).status).toBe(200);
  }
  rest(method: string, path: string, body?: unknown, key?: string) {
    return rest(this.ctx, method, path, body, key);
  }
  scim(method: string, path: string, body?: unknown, token?: string) {
    return scim(this.ctx, method, path, body, token);
  }
  async state(): Promise<Json> {
    return (await control(this.ctx, 'GET', '/_fake/state')).body;
  }
  async members(groupId: string): Promise<string[]> {
    return ((await scim(this.ctx, 'GET', `/Groups/${groupId}`)).body.members as { value: string }[]).map((m) => m.value).sort();
  }
  async invite(email: string, teamId = this.org.teams[0]!.id): Promise<Json> {
    const r = await rest(this.ctx, 'POST', '/api/organization/invites', {
      invites: [{ email, role: 'MEMBER', teams: [{ teamId, role: 'MEMBER' }] }],
    });
    expect(r.status, r.text).toBe(201);
    return r.body.invites[0];
  }
}
