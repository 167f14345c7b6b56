/**
 * Recorded pairs for LangWatch's SCIM server and SCIM-token family (TARGETS.md §A1), written
 * from langwatch/langwatch's own tests and docs; where a trap has no test, from the code path
 * that makes it (named in `source`). Each row is one request and the answer LangWatch gives.
 */
import { expect } from 'vitest';
import { GROUP, ops, SCIM_ERROR, USER, type Given, type Row, type Vars } from './langwatch-recorded-types.js';

const T = 'platform/app/ee/scim/__tests__';
const PLAN = `${T}/scim-plan-lapse.integration.test.ts`;
const DISCOVERY = `${T}/scim-discovery-policy.integration.test.ts`;
const CAP = `${T}/scim-page-size-cap.unit.test.ts`;
const CASING = `${T}/scim-patch-op-casing.unit.test.ts`;
const MEMBERSHIP = `${T}/scim-group-patch-membership.unit.test.ts`;
const SERVICE = `${T}/scim.service.unit.test.ts`;
const TOKENS = 'platform/app/src/app/api/scim-tokens/__tests__/scim-tokens-rest-api.integration.test.ts';
const USERS_CODE = 'platform/app/ee/scim/scim.service.ts';
const GROUPS_CODE = 'platform/app/ee/scim/scim-group.service.ts';

const scimError = (status: number, detail?: string) => ({ schemas: [SCIM_ERROR], status: String(status), ...(detail ? { detail } : {}) });
const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER], userName, ...extra });

/** scim-group-patch-membership's fixture: a group holding user-1 and user-2, user-3 in the organization. */
async function engineering(g: Given): Promise<Vars> {
  const [u1, u2, u3] = [await g.scimUser('user-1@acme.test'), await g.scimUser('user-2@acme.test'), await g.scimUser('user-3@acme.test')];
  return { u1, u2, u3, group: await g.scimGroup('Engineering', [u1, u2]) };
}
/** A PATCH of that group. */
const patchEngineering = (
  source: string,
  operations: unknown[] | ((v: Vars) => unknown[]),
  members: (v: Vars) => string[],
  name = 'Engineering',
): Row => ({
  source: `${MEMBERSHIP} › ${source}`,
  given: engineering,
  request: {
    method: 'PATCH',
    path: (v) => `/api/scim/v2/Groups/${v.group}`,
    as: 'scim',
    bodyOf: (v) => ops(...(typeof operations === 'function' ? operations(v) : operations)),
  },
  expect: { status: 200, body: { displayName: name } },
  after: async (g, v) => expect(await g.members(v.group!)).toEqual([...members(v)].sort()),
});
const untouched = (v: Vars) => [v.u1!, v.u2!];

export const SCIM_ROWS: Row[] = [
  // ---- authentication, plan, discovery -----------------------------------------------------
  {
    source: `${PLAN} › serves the identity provider on Enterprise and refuses the same token once the plan lapses (entitled)`,
    request: { method: 'GET', path: '/api/scim/v2/Users', as: 'scim' },
    expect: { status: 200, contentType: 'application/scim+json' },
  },
  {
    source: `${PLAN} › serves the identity provider on Enterprise and refuses the same token once the plan lapses (lapsed)`,
    given: async (g) => g.settings({ plan: false }),
    request: { method: 'GET', path: '/api/scim/v2/Users', as: 'scim' },
    expect: {
      status: 403,
      contentType: 'application/scim+json',
      body: scimError(403, 'SCIM provisioning requires an Enterprise plan'),
      absent: ['scimType'],
    },
  },
  {
    source: `${PLAN} › serves the identity provider on Enterprise and refuses the same token once the plan lapses (nothing provisioned)`,
    given: async (g) => g.settings({ plan: false }),
    request: {
      method: 'POST',
      path: '/api/scim/v2/Users',
      as: 'scim',
      body: user('never-provisioned@example.com', { name: { givenName: 'Never', familyName: 'Provisioned' }, active: true }),
    },
    expect: { status: 403, body: scimError(403) },
    after: async (g) =>
      expect((await g.state()).users.some((u: { email: string }) => u.email === 'never-provisioned@example.com')).toBe(false),
  },
  {
    source: `${PLAN} › keeps answering 401 for a token that never existed`,
    request: { method: 'GET', path: '/api/scim/v2/Users', as: { header: 'Bearer not-a-real-token' } },
    expect: { status: 401, body: scimError(401, 'Bearer token is not valid') },
  },
  ...['/api/scim/v2/ServiceProviderConfig', '/api/scim/v2/ResourceTypes', '/api/scim/v2/Schemas'].map((path): Row => ({
    source: `${DISCOVERY} › answers %s without credentials, and declares itself public (${path})`,
    request: { method: 'GET', path, as: 'none' },
    expect: { status: 200, contentType: 'application/json', body: { schemas: [expect.stringMatching(/^urn:ietf:params:scim:/)] } },
  })),
  {
    source: `${DISCOVERY} › refuses an anonymous call to a provisioning route`,
    request: { method: 'GET', path: '/api/scim/v2/Users', as: 'none' },
    expect: { status: 401, contentType: 'application/scim+json', body: scimError(401, 'Bearer token is required') },
  },
  {
    source: 'docs/api-reference/scim/overview.mdx › Authentication ("Organization API keys do not work here")',
    request: { method: 'GET', path: '/api/scim/v2/Users', as: 'manage' },
    expect: { status: 401, body: scimError(401, 'Bearer token is not valid') },
  },
  // ---- paging ---------------------------------------------------------------------------
  {
    source: `${CAP} › serves /Users at the cap rather than the number asked for`,
    request: { method: 'GET', path: '/api/scim/v2/Users?count=1000000', as: 'scim' },
    expect: { status: 200, body: { itemsPerPage: 100, startIndex: 1 } },
  },
  {
    source: `${CAP} › serves /Groups at the cap rather than the number asked for`,
    request: { method: 'GET', path: '/api/scim/v2/Groups?count=1000000', as: 'scim' },
    expect: { status: 200, body: { itemsPerPage: 100, startIndex: 1 } },
  },
  {
    source: `${CAP} › serves the page size the caller asked for`,
    request: { method: 'GET', path: '/api/scim/v2/Users?count=25', as: 'scim' },
    expect: { status: 200, body: { itemsPerPage: 25, totalResults: 1 } },
  },
  {
    source: `${CAP} › falls back to the published maximum`,
    request: { method: 'GET', path: '/api/scim/v2/Users', as: 'scim' },
    expect: { status: 200, body: { itemsPerPage: 100 } },
  },
  {
    source: `${CAP} › publishes the same maximum the list handlers apply`,
    request: { method: 'GET', path: '/api/scim/v2/ServiceProviderConfig', as: 'none' },
    expect: {
      status: 200,
      body: {
        filter: { supported: true, maxResults: 100 },
        patch: { supported: true },
        bulk: { supported: false },
        sort: { supported: false },
        etag: { supported: false },
      },
    },
  },
  // ---- users ----------------------------------------------------------------------------
  {
    source: `${SERVICE} › createUser() when the user does not exist creates a new user and adds them to the organization`,
    request: {
      method: 'POST',
      path: '/api/scim/v2/Users',
      as: 'scim',
      body: user('alice@acme.com', { name: { givenName: 'Alice', familyName: 'Smith' } }),
    },
    expect: {
      status: 201,
      body: {
        schemas: [USER],
        userName: 'alice@acme.com',
        name: { givenName: 'Alice', familyName: 'Smith' },
        emails: [{ primary: true, value: 'alice@acme.com', type: 'work' }],
        active: true,
        meta: { resourceType: 'User' },
      },
      absent: ['externalId'],
    },
  },
  {
    source: `${SERVICE} › toScimUser() when user has a single name without spaces uses the full name as givenName with empty familyName`,
    request: { method: 'POST', path: '/api/scim/v2/Users', as: 'scim', body: user('alice@acme.com', { name: { givenName: 'Alice' } }) },
    expect: { status: 201, body: { name: { givenName: 'Alice', familyName: '' } } },
  },
  {
    source: `${SERVICE} › createUser() when the user already exists in the organization returns a 409 SCIM error (trap 9: no id)`,
    given: async (g) => ({ id: await g.member('alice@acme.com') }),
    request: { method: 'POST', path: '/api/scim/v2/Users', as: 'scim', body: user('alice@acme.com') },
    expect: { status: 409, body: scimError(409, 'User already exists in this organization'), absent: ['id'] },
  },
  {
    source: `${SERVICE} › createUser() when the user exists but not in the organization adds them to the organization (trap 9: name not applied, reactivated)`,
    given: async (g) => ({
      id: await g.member('alice@acme.com', { name: 'Alice Original', deactivated: true }, (await g.otherOrg()).organizationId),
    }),
    request: {
      method: 'POST',
      path: '/api/scim/v2/Users',
      as: 'scim',
      body: user('alice@acme.com', { name: { givenName: 'Other', familyName: 'Name' } }),
    },
    expect: { status: 201, bodyOf: (v) => ({ id: v.id, name: { givenName: 'Alice', familyName: 'Original' }, active: true }) },
  },
  {
    source: `${SERVICE} › getUser() when the user does not belong to the organization returns a 404 SCIM error`,
    given: async (g) => ({ id: (await g.otherOrg()).admin.userId }),
    request: { method: 'GET', path: (v) => `/api/scim/v2/Users/${v.id}`, as: 'scim' },
    expect: { status: 404, body: scimError(404, 'User not found') },
  },
  {
    source: `${SERVICE} › listUsers() when filtering by userName passes the email filter to the query (the match ignores case)`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com'), other: await g.member('bob@acme.com') }),
    request: { method: 'GET', path: `/api/scim/v2/Users?filter=${encodeURIComponent('userName eq "ALICE@acme.com"')}`, as: 'scim' },
    expect: { status: 200, bodyOf: (v) => ({ totalResults: 1, Resources: [{ id: v.id }] }) },
  },
  {
    source: `${USERS_CODE} parseUserNameFilter (TARGETS §A1 trap 1: any other filter is an unfiltered page)`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com'), other: await g.member('bob@acme.com') }),
    request: { method: 'GET', path: `/api/scim/v2/Users?filter=${encodeURIComponent('externalId eq "00u1abcd"')}`, as: 'scim' },
    expect: { status: 200, body: { totalResults: 3, itemsPerPage: 100 } },
  },
  {
    source: `${USERS_CODE} parseUserNameFilter (TARGETS §A1 trap 1: attribute case and a trailing space defeat the filter)`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com') }),
    request: { method: 'GET', path: `/api/scim/v2/Users?filter=${encodeURIComponent('USERNAME eq "alice@acme.com" ')}`, as: 'scim' },
    expect: { status: 200, body: { totalResults: 2 } },
  },
  {
    source: `${USERS_CODE} createUser + platform/app/src/server/users/user.service.ts findByEmail (TARGETS §A1 trap 7: another case is another account)`,
    given: async (g) => ({ lower: await g.member('alice@acme.com') }),
    request: { method: 'POST', path: '/api/scim/v2/Users', as: 'scim', body: user('Alice@Acme.com') },
    expect: { status: 201, body: { userName: 'Alice@Acme.com' } },
    after: (_g, v, reply) => expect(reply.body.id).not.toBe(v.lower),
  },
  {
    source: `${CASING} › when the operation deactivates a user deactivates the user`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com') }),
    request: {
      method: 'PATCH',
      path: (v) => `/api/scim/v2/Users/${v.id}`,
      as: 'scim',
      body: ops({ op: 'Replace', path: 'active', value: false }),
    },
    expect: { status: 200, body: { active: false } },
  },
  {
    source: `${CASING} › given an identity provider sends the RFC lowercase op value still accepts it (value-object form)`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com') }),
    request: {
      method: 'PATCH',
      path: (v) => `/api/scim/v2/Users/${v.id}`,
      as: 'scim',
      body: ops({ op: 'replace', value: { active: false } }),
    },
    expect: { status: 200, body: { active: false } },
  },
  {
    source: `${CASING} › given an op value that is not a SCIM operation is rejected`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com') }),
    request: { method: 'PATCH', path: (v) => `/api/scim/v2/Users/${v.id}`, as: 'scim', body: ops({ op: 'Delete', value: {} }) },
    expect: { status: 400, body: scimError(400) },
  },
  {
    source: `${USERS_CODE} updateUser path "active" (TARGETS §A1 trap 4: "False" reactivates)`,
    given: async (g) => ({ id: await g.member('alice@acme.com', { deactivated: true }) }),
    request: {
      method: 'PATCH',
      path: (v) => `/api/scim/v2/Users/${v.id}`,
      as: 'scim',
      body: ops({ op: 'replace', path: 'active', value: 'False' }),
    },
    expect: { status: 200, body: { active: true } },
  },
  {
    source: `${USERS_CODE} updateUser (TARGETS §A1 trap 3: a replace with path userName is a silent no-op)`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com') }),
    request: {
      method: 'PATCH',
      path: (v) => `/api/scim/v2/Users/${v.id}`,
      as: 'scim',
      body: ops({ op: 'replace', path: 'userName', value: 'new@acme.com' }),
    },
    expect: { status: 200, body: { userName: 'alice@acme.com' } },
  },
  {
    source: `${USERS_CODE} updateUser (TARGETS §A1 trap 3: add of a core attribute is a silent no-op)`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com', { givenName: 'Alice' }) }),
    request: {
      method: 'PATCH',
      path: (v) => `/api/scim/v2/Users/${v.id}`,
      as: 'scim',
      body: ops({ op: 'add', path: 'name.familyName', value: 'Smith' }),
    },
    expect: { status: 200, body: { name: { givenName: 'Alice', familyName: '' } } },
  },
  {
    source: `${SERVICE} › replaceUser() when replacing with active: false deactivates the user`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com') }),
    request: { method: 'PUT', path: (v) => `/api/scim/v2/Users/${v.id}`, as: 'scim', body: user('Alice@Acme.com', { active: false }) },
    expect: { status: 200, body: { active: false, userName: 'alice@acme.com', name: { givenName: 'Alice', familyName: '' } } },
  },
  {
    source:
      'platform/app/src/app/api/middleware/error-handler.ts determineErrorResponse P2002 (TARGETS §A1 "Errors": PUT onto a taken userName)',
    given: async (g) => ({ id: await g.scimUser('alice@acme.com'), taken: await g.member('bob@acme.com') }),
    request: { method: 'PUT', path: (v) => `/api/scim/v2/Users/${v.id}`, as: 'scim', body: user('bob@acme.com') },
    expect: { status: 409, contentType: 'application/json', body: { error: 'Conflict', message: 'Unique constraint violated on email' } },
  },
  {
    source: `${SERVICE} › deleteUser() when the user belongs to the organization deactivates the user (soft delete)`,
    given: async (g) => {
      const id = await g.scimUser('alice@acme.com');
      return { id, group: await g.scimGroup('Staff', [id]) };
    },
    request: { method: 'DELETE', path: (v) => `/api/scim/v2/Users/${v.id}`, as: 'scim' },
    expect: { status: 204 },
    after: async (g, v) => {
      const s = await g.state();
      expect(s.users.find((u: { id: string }) => u.id === v.id).deactivated).toBe(true);
      expect(s.organizations[0].members.some((m: { userId: string }) => m.userId === v.id)).toBe(false);
      // TARGETS §A1 "DELETE": the group membership row stays (ledger.ts offboardMember).
      expect(await g.members(v.group!)).toEqual([v.id]);
      expect((await g.scim('DELETE', `/Users/${v.id}`)).status).toBe(404);
    },
  },
  {
    source: `${SERVICE} › deleteUser() (TARGETS §A1 trap 6: no guard, the last admin included)`,
    given: (g) => ({ id: g.org.admin.userId }),
    request: { method: 'DELETE', path: (v) => `/api/scim/v2/Users/${v.id}`, as: 'scim' },
    expect: { status: 204 },
  },
  {
    source: 'docs/platform/scim.mdx › Deprovisioning (TARGETS §A1 trap 5: deactivation is account-wide)',
    given: async (g) => {
      const other = await g.otherOrg();
      const id = await g.member('alice@acme.com');
      await g.member('alice@acme.com', {}, other.organizationId);
      return { id, other: other.organizationId };
    },
    request: {
      method: 'PATCH',
      path: (v) => `/api/scim/v2/Users/${v.id}`,
      as: 'scim',
      body: ops({ op: 'replace', path: 'active', value: false }),
    },
    expect: { status: 200, body: { active: false } },
    after: async (g, v) => {
      const other = (await g.state()).organizations.find((o: { id: string }) => o.id === v.other);
      expect(other.members.find((m: { userId: string }) => m.userId === v.id).deactivated).toBe(true);
    },
  },
  {
    source: `${USERS_CODE} toScimUser active = deactivatedAt === null (TARGETS §A1 trap 13: the REST disable does not show)`,
    given: async (g) => ({ id: await g.member('alice@acme.com', { disabled: true }) }),
    request: { method: 'GET', path: (v) => `/api/scim/v2/Users/${v.id}`, as: 'scim' },
    expect: { status: 200, body: { active: true } },
  },
  // ---- groups ---------------------------------------------------------------------------
  {
    source: `${GROUPS_CODE} createGroup + addMembers (TARGETS §A1 traps 2, 10: externalId stripped, unknown members skipped)`,
    given: async (g) => ({ id: await g.scimUser('alice@acme.com') }),
    request: {
      method: 'POST',
      path: '/api/scim/v2/Groups',
      as: 'scim',
      bodyOf: (v) => ({
        schemas: [GROUP],
        displayName: 'Engineering',
        externalId: 'ext-1',
        members: [{ value: v.id }, { value: 'not-a-member' }],
      }),
    },
    expect: {
      status: 201,
      bodyOf: (v) => ({ displayName: 'Engineering', members: [{ value: v.id, display: 'alice@acme.com' }] }),
      absent: ['externalId'],
    },
  },
  {
    source: `${GROUPS_CODE} createGroup (TARGETS §A1 trap 12: 409 on an exact-case SCIM name)`,
    given: async (g) => void (await g.scimGroup('Engineering')),
    request: { method: 'POST', path: '/api/scim/v2/Groups', as: 'scim', body: { schemas: [GROUP], displayName: 'Engineering' } },
    expect: { status: 409, body: scimError(409, 'A group with this name already exists') },
  },
  {
    source: `${GROUPS_CODE} createGroup (TARGETS §A1 trap 12: another case is not a conflict)`,
    given: async (g) => void (await g.scimGroup('Engineering')),
    request: { method: 'POST', path: '/api/scim/v2/Groups', as: 'scim', body: { schemas: [GROUP], displayName: 'ENGINEERING' } },
    expect: { status: 201, body: { displayName: 'ENGINEERING' } },
  },
  {
    source: `${GROUPS_CODE} listGroups (TARGETS §A1 trap 8: /Groups lists only SCIM groups, oldest first)`,
    given: async (g) => ({ a: await g.scimGroup('B first'), rest: await g.group('REST only'), b: await g.scimGroup('A second') }),
    request: { method: 'GET', path: '/api/scim/v2/Groups?excludedAttributes=members', as: 'scim' },
    expect: { status: 200, bodyOf: (v) => ({ totalResults: 2, Resources: [{ id: v.a }, { id: v.b }] }) },
  },
  {
    source: `${GROUPS_CODE} replaceGroup (TARGETS §A1 trap 11: PUT without members empties the group)`,
    given: engineering,
    request: {
      method: 'PUT',
      path: (v) => `/api/scim/v2/Groups/${v.group}`,
      as: 'scim',
      body: { schemas: [GROUP], displayName: 'Engineering' },
    },
    expect: { status: 200, body: { displayName: 'Engineering', members: [] } },
  },
  patchEngineering(
    "given a replace operation that names no members › when it replaces an unrelated attribute › leaves the group's membership untouched",
    [{ op: 'replace', path: 'externalId', value: 'abc-123' }],
    untouched,
  ),
  patchEngineering(
    'when it renames the group with no path › renames it and leaves the membership untouched',
    [{ op: 'replace', value: { displayName: 'Platform' } }],
    untouched,
    'Platform',
  ),
  patchEngineering(
    'when it renames the group with a displayName path › renames it and leaves the membership untouched',
    [{ op: 'replace', path: 'displayName', value: 'Platform' }],
    untouched,
    'Platform',
  ),
  patchEngineering(
    'when it targets a filtered member path we do not understand',
    (v) => [{ op: 'replace', path: `members[value eq "${v.u1}"].display`, value: 'Alice' }],
    untouched,
  ),
  patchEngineering(
    'when its value is a bare array rather than an attribute object',
    (v) => [{ op: 'replace', value: [{ value: v.u1 }] }],
    untouched,
  ),
  patchEngineering('when a members path carries no value at all', [{ op: 'replace', path: 'members' }], untouched),
  patchEngineering(
    'when a members path carries something that is not a list',
    (v) => [{ op: 'replace', path: 'members', value: v.u1 }],
    untouched,
  ),
  patchEngineering(
    'when a no-path value object holds a members key that is not a list',
    (v) => [{ op: 'replace', value: { members: v.u1 } }],
    untouched,
  ),
  patchEngineering(
    'when a member list holds entries with no usable id',
    [{ op: 'replace', path: 'members', value: [{ display: 'Alice' }] }],
    untouched,
  ),
  patchEngineering('leaves it untouched for a blank id', [{ op: 'replace', path: 'members', value: [{ value: '  ' }] }], untouched),
  patchEngineering(
    'leaves it untouched even when only some entries are readable',
    (v) => [{ op: 'replace', path: 'members', value: [{ value: v.u3 }, { display: 'Alice' }] }],
    untouched,
  ),
  patchEngineering('when the list is written out as null › clears the group', [{ op: 'replace', path: 'members', value: null }], () => []),
  patchEngineering('when the list is under a members path › clears the group', [{ op: 'replace', path: 'members', value: [] }], () => []),
  patchEngineering(
    'when the list is inside a no-path value object › clears the group',
    [{ op: 'replace', value: { members: [] } }],
    () => [],
  ),
  patchEngineering(
    'when the list differs from the current membership › adds the newcomers and removes the ones left out',
    (v) => [{ op: 'replace', path: 'members', value: [{ value: v.u2 }, { value: v.u3 }] }],
    (v) => [v.u2!, v.u3!],
  ),
  patchEngineering(
    'when an operation that names no members comes first › still applies the member list from the later operation',
    (v) => [
      { op: 'replace', path: 'externalId', value: 'abc-123' },
      { op: 'replace', path: 'members', value: [{ value: v.u2 }, { value: v.u3 }] },
    ],
    (v) => [v.u2!, v.u3!],
  ),
  patchEngineering(
    'when the no-path value object also renames the group › applies both',
    (v) => [{ op: 'replace', value: { displayName: 'Platform', members: [{ value: v.u1 }] } }],
    (v) => [v.u1!],
    'Platform',
  ),
  patchEngineering(
    "given an add operation that names no members › leaves the group's membership untouched",
    [{ op: 'add', path: 'externalId', value: 'abc-123' }],
    untouched,
  ),
  {
    ...patchEngineering(
      '',
      (v) => [{ op: 'Add', path: 'members', value: [{ value: v.u3 }] }],
      (v) => [v.u1!, v.u2!, v.u3!],
    ),
    source: `${CASING} › when the operation adds a group member adds the member to the group`,
  },
  {
    ...patchEngineering(
      '',
      (v) => [{ op: 'Remove', path: `members[value eq "${v.u1}"]` }],
      (v) => [v.u2!],
    ),
    source: `${CASING} › when the operation removes a group member removes the member from the group`,
  },
  {
    ...patchEngineering('', [{ op: 'Replace', path: 'displayName', value: 'Platform' }], untouched, 'Platform'),
    source: `${CASING} › when the operation renames the group renames the group`,
  },
  {
    ...patchEngineering('', (v) => [{ op: 'remove', path: `members[value eq "${v.u1}" or value eq "${v.u2}"]` }], untouched),
    source: `${GROUPS_CODE} extractMemberIdsFromPath (TARGETS §A1 trap 3: remove with an "or" filter removes nobody)`,
  },
  // ---- SCIM tokens over REST ----------------------------------------------------------------
  {
    source: `${TOKENS} › returns the value once, and the value authenticates a SCIM request`,
    request: { method: 'POST', path: '/api/scim-tokens', as: 'manage', body: { description: 'Okta production' } },
    expect: {
      status: 201,
      body: { id: expect.any(String), token: expect.stringMatching(/^[0-9a-f]{64}$/), description: 'Okta production' },
    },
    after: async (g, _v, reply) => expect((await g.scim('GET', '/Users', undefined, reply.body.token)).status).toBe(200),
  },
  {
    source: `${TOKENS} › describes tokens without ever including a value or a hash`,
    given: async (g) => ({ id: (await g.rest('POST', '/api/scim-tokens', { description: 'List Secrets' })).body.id }),
    request: { method: 'GET', path: '/api/scim-tokens', as: 'manage' },
    expect: {
      status: 200,
      bodyOf: (v) => ({
        tokens: expect.arrayContaining([{ id: v.id, description: 'List Secrets', createdAt: expect.any(String), lastUsedAt: null }]),
      }),
    },
  },
  {
    source: `${TOKENS} › revokes the token, refuses SCIM requests with it, and 404s a second revoke (first revoke)`,
    given: async (g) => {
      const r = await g.rest('POST', '/api/scim-tokens', { description: 'Revoke' });
      return { id: r.body.id, token: r.body.token };
    },
    request: { method: 'DELETE', path: (v) => `/api/scim-tokens/${v.id}`, as: 'manage' },
    expect: { status: 200, body: { success: true } },
    after: async (g, v) => expect((await g.scim('GET', '/Users', undefined, v.token)).status).toBe(401),
  },
  {
    source: `${TOKENS} › revokes the token, refuses SCIM requests with it, and 404s a second revoke (second revoke)`,
    given: async (g) => {
      const id = (await g.rest('POST', '/api/scim-tokens', {})).body.id as string;
      await g.rest('DELETE', `/api/scim-tokens/${id}`);
      return { id };
    },
    request: { method: 'DELETE', path: (v) => `/api/scim-tokens/${v.id}`, as: 'manage' },
    expect: { status: 404, body: { code: 'scim_token_not_found' } },
  },
  {
    source: 'docs/api-reference/scim-tokens/overview.mdx › "An organization without an Enterprise plan is refused with HTTP 402"',
    given: async (g) => g.settings({ plan: false }),
    request: { method: 'POST', path: '/api/scim-tokens', as: 'manage', body: { description: 'x' } },
    expect: { status: 402, body: { code: 'enterprise_plan_required', meta: { feature: 'SCIM' } } },
  },
];
