/**
 * A careful client of LangWatch's own SCIM server (`/api/scim/v2`, TARGETS.md §A1), in the
 * dialect it really speaks: only the `userName eq` / `displayName eq` filters, value-object
 * PATCHes for users, path-form PATCHes for groups, JSON booleans only, and no PUT (a PUT without
 * `members` empties a group, trap 11).
 *
 * Its credential is the bridge's own SCIM token (§A4 step 1): `settings.scimToken`
 * (TARGET_SCIM_TOKEN) when set, else the one kept in the bridge's database, else minted with the
 * organization API key and stored the moment LangWatch shows it (it is shown only once). A
 * minted token refused with 401 (revoked in LangWatch's settings) is forgotten and minted again,
 * once per call. 403 is a plan lapse: parked, never retried (§A1 "Authentication").
 */
import { TargetError } from '../errors.js';
import type { Answer, TargetHttp } from '../http.js';
import type { TargetSecrets } from '../types.js';
import { mintRefused, scimPlanLapsed, scimTokenRefused } from './errors.js';
import { ScimGroup, ScimGroupList, ScimTokenCreated, ScimUser, ScimUserList } from './schemas.js';

/** The name the minted token is kept under in the bridge's database (io.secrets). */
export const SCIM_TOKEN_SECRET = 'langwatch-scim-token';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BASE = '/api/scim/v2';
/** RFC 7644 §3.1; LangWatch parses the body whatever its type. */
const SCIM_JSON = 'application/scim+json';
/** §A1 trap 8: the server caps every page at 100. */
const PAGE = 100;

export type PatchOp = { op: 'add' | 'replace' | 'remove'; path?: string; value?: unknown };

/** `filter=userName eq "<v>"` spelled exactly as the server parses it (§A1 trap 1), percent-encoded (`+` as %2B). */
export const eqFilter = (attribute: 'userName' | 'displayName', value: string) =>
  `filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`;

/** A filter value the server can parse: its regex is `"([^"]+)"`, so no `"` and not empty. */
export const filterable = (value: string) => value.length > 0 && !value.includes('"');

export class ScimClient {
  constructor(
    private readonly rest: TargetHttp,
    private readonly secrets: TargetSecrets,
    private readonly configuredToken: string | null,
  ) {}

  /** The token to send, minting one when none is configured or stored. */
  private async token(): Promise<{ token: string; minted: boolean }> {
    if (this.configuredToken) return { token: this.configuredToken, minted: false };
    const stored = this.secrets.get(SCIM_TOKEN_SECRET);
    if (stored) return { token: stored, minted: true };
    const res = await this.rest.request('POST', '/api/scim-tokens', {
      body: { description: 'scim-bridge' },
      schema: ScimTokenCreated,
      expect: [402],
    });
    if (!res.ok) throw mintRefused();
    // Stored before anything else can fail: LangWatch shows the token only this once.
    this.secrets.set(SCIM_TOKEN_SECRET, res.body.token);
    return { token: res.body.token, minted: true };
  }

  /**
   * One SCIM call, authenticated. `send` makes the request with the statuses it must get back
   * (401 and 403 are always among them, and handled here); the others it expects are returned.
   * `remint: false` (a health check) reports a refused minted token instead of replacing it.
   */
  private async call<T>(
    method: string,
    path: string,
    send: (http: TargetHttp, url: string, expect: number[]) => Promise<Answer<T>>,
    remint = true,
  ): Promise<Answer<T>> {
    const call = `${this.rest.vendor} ${method} ${BASE}${path.split('?')[0]}`;
    for (let attempt = 0; ; attempt++) {
      const { token, minted } = await this.token();
      const res = await send(this.rest.withHeaders({ Authorization: `Bearer ${token}` }), BASE + path, [401, 403]);
      if (!res.ok && res.status === 401) {
        if (!remint && minted) return res;
        if (minted && attempt === 0) {
          // Revoked in LangWatch (or its organization re-created): mint a fresh one, once.
          this.secrets.delete(SCIM_TOKEN_SECRET);
          continue;
        }
        throw scimTokenRefused(call, !minted);
      }
      if (!res.ok && res.status === 403) throw scimPlanLapsed(call);
      return res;
    }
  }

  /**
   * Reads one row of users to check the token (checkCredentials), never minting: 'refused'
   * when LangWatch no longer takes the stored token (the next sync mints another). A refused
   * TARGET_SCIM_TOKEN and a lapsed plan throw, as in a sync.
   */
  async probe(): Promise<'ok' | 'refused'> {
    const res = await this.call(
      'GET',
      '/Users?count=1',
      (http, url, expect) => http.request('GET', url, { schema: ScimUserList, expect }),
      false,
    );
    return res.ok ? 'ok' : 'refused';
  }

  /** Whether a token is configured or stored (without minting one). */
  hasToken(): boolean {
    return Boolean(this.configuredToken ?? this.secrets.get(SCIM_TOKEN_SECRET));
  }

  /** The rows `userName eq "<email>"` returns; the caller decides whether to trust them (trap 1). */
  async usersNamed(email: string): Promise<{ totalResults: number; users: ScimUser[] }> {
    const res = await this.call('GET', `/Users?${eqFilter('userName', email)}&count=${PAGE}`, (http, url, expect) =>
      http.request('GET', url, { schema: ScimUserList, expect }),
    );
    const body = ok(res);
    return { totalResults: body.totalResults, users: body.Resources };
  }

  async getUser(id: string): Promise<ScimUser | null> {
    const res = await this.call('GET', `/Users/${encodeURIComponent(id)}`, (http, url, expect) =>
      http.request('GET', url, { schema: ScimUser, expect: [...expect, 404] }),
    );
    return res.ok ? res.body : null;
  }

  /**
   * §A4 step 3: POST with the lower-cased email (trap 7: POST stores `userName` as sent, and a
   * second case of an address would become a second account). `active` is not read on create.
   * 409 (already a member, no id in the body) is returned as null: the caller looks them up.
   */
  async createUser(email: string, name: { givenName: string; familyName: string } | null): Promise<ScimUser | null> {
    const body = { schemas: [USER_SCHEMA], userName: email, ...(name ? { name } : {}) };
    const res = await this.call('POST', '/Users', (http, url, expect) =>
      http.request('POST', url, { body, schema: ScimUser, expect: [...expect, 409], contentType: SCIM_JSON }),
    );
    return res.ok ? res.body : null;
  }

  /** A user PATCH; null when the user is gone (404). */
  async patchUser(id: string, operations: PatchOp[]): Promise<ScimUser | null> {
    const body = { schemas: [PATCH_OP], Operations: operations };
    const res = await this.call('PATCH', `/Users/${encodeURIComponent(id)}`, (http, url, expect) =>
      http.request('PATCH', url, { body, schema: ScimUser, expect: [...expect, 404], contentType: SCIM_JSON }),
    );
    return res.ok ? res.body : null;
  }

  /** Account-wide: revokes bindings, removes the membership and deactivates the account (§A1). 404 = done. */
  async deleteUser(id: string): Promise<void> {
    await this.call('DELETE', `/Users/${encodeURIComponent(id)}`, (http, url, expect) =>
      http.request('DELETE', url, { expect: [...expect, 404] }),
    );
  }

  /** §A4 step 7: create with members; 409 (a SCIM group of exactly this name exists) is null. */
  async createGroup(displayName: string, memberIds: string[]): Promise<ScimGroup | null> {
    const body = { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value })) };
    const res = await this.call('POST', '/Groups', (http, url, expect) =>
      http.request('POST', url, { body, schema: ScimGroup, expect: [...expect, 409], contentType: SCIM_JSON }),
    );
    return res.ok ? res.body : null;
  }

  /**
   * The SCIM groups whose name folds to `displayName` (the filter ignores case, trap 12), without
   * their members. A name the filter cannot carry (a `"`) is found by paging every SCIM group.
   */
  async groupsNamed(displayName: string): Promise<{ id: string; displayName: string }[]> {
    const wanted = displayName.toLowerCase();
    const filter = filterable(displayName) ? `${eqFilter('displayName', displayName)}&` : '';
    const found: { id: string; displayName: string }[] = [];
    for (let start = 1; ;) {
      const path = `/Groups?${filter}excludedAttributes=members&startIndex=${start}&count=${PAGE}`;
      const res = await this.call('GET', path, (http, url, expect) => http.request('GET', url, { schema: ScimGroupList, expect }));
      const body = ok(res);
      found.push(...body.Resources.filter((g) => g.displayName.toLowerCase() === wanted));
      start += body.Resources.length;
      if (body.Resources.length === 0 || start > body.totalResults) return found;
    }
  }

  /** A group PATCH; LangWatch answers the group with all its members. Null when the group is gone. */
  async patchGroup(id: string, operations: PatchOp[]): Promise<ScimGroup | null> {
    const body = { schemas: [PATCH_OP], Operations: operations };
    const res = await this.call('PATCH', `/Groups/${encodeURIComponent(id)}`, (http, url, expect) =>
      http.request('PATCH', url, { body, schema: ScimGroup, expect: [...expect, 404], contentType: SCIM_JSON }),
    );
    return res.ok ? res.body : null;
  }

  /** Revokes the group's bindings, deletes memberships and group (§A1). 404 = done. */
  async deleteGroup(id: string): Promise<void> {
    await this.call('DELETE', `/Groups/${encodeURIComponent(id)}`, (http, url, expect) =>
      http.request('DELETE', url, { expect: [...expect, 404] }),
    );
  }
}

/** The body of an answer that can only be a success (call() throws or handles every refusal it was not told to return). */
function ok<T>(res: Answer<T>): T {
  if (res.ok) return res.body;
  throw new TargetError(`LangWatch answered ${res.status} where only a success was possible`, true, res.status, null, res.code);
}

/**
 * Removing one member: `members[value eq "<id>"]`, one per operation (an `or` removes nothing,
 * §A1 group PATCH table). An id that cannot sit inside the quotes uses the value-list form.
 */
export const removeMemberOp = (id: string): PatchOp =>
  filterable(id) ? { op: 'remove', path: `members[value eq "${id}"]` } : { op: 'remove', path: 'members', value: [{ value: id }] };
