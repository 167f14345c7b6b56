/**
 * Bad bodies and query strings: each is a 400 invalid_request whose message names the field,
 * never a 500, and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../../src/api/admin/index.js';
import { createAdminKey } from '../../src/store/admin-keys.repo.js';
import { DEFAULT_ORGANIZATION_ID } from '../../src/store/connections.repo.js';
import { createHarness, TEST_ADMIN_KEY, type Harness, type HarnessResponse } from '../helpers/harness.js';

let h: Harness;
let group: string;
let member: string;

const JSON_TYPE = { 'Content-Type': 'application/json' };
const api = (method: string, path: string, body?: unknown) =>
  h.request(method, path, { token: TEST_ADMIN_KEY, ...(body !== undefined ? { body, headers: JSON_TYPE } : {}) });
const raw = (method: string, path: string, rawBody: string, headers: Record<string, string> = JSON_TYPE, token = TEST_ADMIN_KEY) =>
  h.request(method, path, { token, rawBody, headers });

/** The state a refused request must leave alone. */
const snapshot = async () => ({
  groups: (await api('GET', '/api/groups?limit=1000')).body,
  members: (await api('GET', '/api/organization/members?includeDisabled=true')).body,
});

beforeAll(async () => {
  h = await createHarness();
  const invited = await api('POST', '/api/organization/invites', {
    invites: [
      { email: 'valid.admin@example.com', role: 'ADMIN' },
      { email: 'valid.member@example.com', role: 'MEMBER' },
    ],
  });
  expect(invited.status, invited.text).toBe(201);
  member = invited.body.invites[1].id;
  const created = await api('POST', '/api/groups', { name: 'Validation', memberIds: [member] });
  expect(created.status, created.text).toBe(201);
  group = created.body.id;
});
afterAll(() => h.close());

const invite = (over: Record<string, unknown> = {}) => ({ email: 'new.person@example.com', role: 'MEMBER', ...over });

/** [what, method, path, body (undefined for a GET; a function when it names an id), the field the message must name]. */
const CASES: [string, string, () => string, unknown, string][] = [
  ['name too long', 'POST', () => '/api/groups', { name: 'x'.repeat(101) }, 'name: must be at most 100 characters'],
  ['empty name', 'POST', () => '/api/groups', { name: '' }, 'name: must not be empty'],
  ['blank name (trimmed to empty)', 'POST', () => '/api/groups', { name: '   ' }, 'name: must not be empty'],
  ['missing name', 'POST', () => '/api/groups', {}, 'name: is required'],
  ['name not a string', 'POST', () => '/api/groups', { name: 42 }, 'name: must be a string'],
  ['rename too long', 'PATCH', () => `/api/groups/${group}`, { name: 'y'.repeat(101) }, 'name: must be at most 100 characters'],
  ['rename empty', 'PATCH', () => `/api/groups/${group}`, { name: '' }, 'name: must not be empty'],
  [
    'bad binding role',
    'POST',
    () => '/api/groups',
    { name: 'G', bindings: [{ role: 'OWNER', scopeType: 'ORGANIZATION' }] },
    'bindings[0].role: must be one of',
  ],
  [
    'CUSTOM without customRoleId (create)',
    'POST',
    () => '/api/groups',
    { name: 'G', bindings: [{ role: 'CUSTOM', scopeType: 'TEAM', scopeId: 't' }] },
    'bindings[0].customRoleId: is required when role is CUSTOM',
  ],
  [
    'CUSTOM without customRoleId',
    'POST',
    () => `/api/groups/${group}/bindings`,
    { role: 'CUSTOM', scopeType: 'TEAM', scopeId: 't' },
    'customRoleId: is required when role is CUSTOM',
  ],
  [
    'CUSTOM with a null customRoleId',
    'POST',
    () => `/api/groups/${group}/bindings`,
    { role: 'CUSTOM', customRoleId: null, scopeType: 'TEAM', scopeId: 't' },
    'customRoleId: is required',
  ],
  [
    'customRoleId on a built-in role',
    'POST',
    () => `/api/groups/${group}/bindings`,
    { role: 'VIEWER', customRoleId: 'r1', scopeType: 'TEAM', scopeId: 't' },
    'customRoleId: is only allowed when role is CUSTOM',
  ],
  [
    'TEAM binding without scopeId',
    'POST',
    () => `/api/groups/${group}/bindings`,
    { role: 'VIEWER', scopeType: 'TEAM' },
    'scopeId: is required for a TEAM binding',
  ],
  [
    'bad scopeType',
    'POST',
    () => `/api/groups/${group}/bindings`,
    { role: 'VIEWER', scopeType: 'GALAXY', scopeId: 'x' },
    'scopeType: must be one of',
  ],
  ['memberIds not a list', 'POST', () => '/api/groups', () => ({ name: 'G', memberIds: member }), 'memberIds: must be an array'],
  ['memberIds with an empty id', 'POST', () => '/api/groups', { name: 'G', memberIds: [''] }, 'memberIds[0]: must not be empty'],
  ['group member without userId', 'POST', () => `/api/groups/${group}/members`, {}, 'userId: is required'],
  ['limit > 1000', 'GET', () => '/api/groups?limit=1001', undefined, 'limit: must be at most 1000'],
  ['limit 0', 'GET', () => '/api/groups?limit=0', undefined, 'limit: must be at least 1'],
  ['limit not a whole number', 'GET', () => '/api/groups?limit=2.5', undefined, 'limit: must be a whole number'],
  ['page not a number', 'GET', () => '/api/groups?page=abc', undefined, 'page: must be a number'],
  ['page 0', 'GET', () => '/api/groups?page=0', undefined, 'page: must be at least 1'],
  [
    'includeDisabled not a boolean',
    'GET',
    () => '/api/organization/members?includeDisabled=yes',
    undefined,
    'includeDisabled: must be one of',
  ],
  [
    'member PATCH with role and disabled',
    'PATCH',
    () => `/api/organization/members/${member}`,
    { role: 'MEMBER', disabled: true },
    'body: give exactly one of role or disabled, not both',
  ],
  ['member PATCH with neither', 'PATCH', () => `/api/organization/members/${member}`, {}, 'body: give exactly one of role or disabled'],
  [
    'member PATCH with a bad role',
    'PATCH',
    () => `/api/organization/members/${member}`,
    { role: 'OWNER' },
    'role: must be one of "ADMIN", "MEMBER", "EXTERNAL"',
  ],
  ['member PATCH with a binding role', 'PATCH', () => `/api/organization/members/${member}`, { role: 'VIEWER' }, 'role: must be one of'],
  [
    'member PATCH disabled as a string',
    'PATCH',
    () => `/api/organization/members/${member}`,
    { disabled: 'true' },
    'disabled: must be a boolean',
  ],
  [
    '51 invites',
    'POST',
    () => '/api/organization/invites',
    { invites: Array.from({ length: 51 }, (_, i) => invite({ email: `p${i}@example.com` })) },
    'invites: must hold at most 50 invites',
  ],
  ['no invites', 'POST', () => '/api/organization/invites', { invites: [] }, 'invites: must hold at least one invite'],
  ['invites missing', 'POST', () => '/api/organization/invites', {}, 'invites: is required'],
  [
    'invalid email',
    'POST',
    () => '/api/organization/invites',
    { invites: [invite(), invite({ email: 'not-an-email' })] },
    'invites[1].email: must be a valid email address',
  ],
  [
    'bad invite role',
    'POST',
    () => '/api/organization/invites',
    { invites: [invite({ role: 'VIEWER' })] },
    'invites[0].role: must be one of',
  ],
  [
    'invite team CUSTOM without customRoleId',
    'POST',
    () => '/api/organization/invites',
    { invites: [invite({ teams: [{ teamId: 't', role: 'CUSTOM' }] })] },
    'invites[0].teams[0].customRoleId: is required when role is CUSTOM',
  ],
  ['a body that is a list', 'POST', () => '/api/groups', [{ name: 'G' }], 'body: must be an object'],
  ['a body that is null', 'PATCH', () => `/api/organization/members/${member}`, null, 'body: must be an object'],
];

describe('400 invalid_request naming the field', () => {
  for (const [what, method, path, body, message] of CASES) {
    it(`${what}: ${message}`, async () => {
      const before = await snapshot();
      const res = await api(method, path(), typeof body === 'function' ? (body as () => unknown)() : body);
      expect(res.status, res.text).toBe(400);
      expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
      expect(res.body.error.message).toContain(message);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('reports every problem of a body at once', async () => {
    const res = await api('POST', '/api/groups', { name: '', bindings: [{ role: 'CUSTOM', scopeType: 'TEAM' }] });
    expect(res.body.error.message.split('; ')).toEqual([
      'name: must not be empty',
      'bindings[0].customRoleId: is required when role is CUSTOM',
      'bindings[0].scopeId: is required for a TEAM binding',
    ]);
  });
});

describe('what the schemas accept', () => {
  it('trims names and emails, and takes limit=1000', async () => {
    const created = await api('POST', '/api/groups', { name: '  Trimmed  ' });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('Trimmed');
    const invited = await api('POST', '/api/organization/invites', { invites: [invite({ email: '  spaced@example.com ' })] });
    expect(invited.status, invited.text).toBe(201);
    expect(invited.body.invites[0].email).toBe('spaced@example.com');
    expect((await api('GET', '/api/groups?limit=1000')).status).toBe(200);
    expect((await api('GET', '/api/organization/members?includeDisabled=false')).status).toBe(200);
  });

  it('50 invites are one batch', async () => {
    const res = await api('POST', '/api/organization/invites', {
      invites: Array.from({ length: 50 }, (_, i) => invite({ email: `batch${i}@example.com` })),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.invites).toHaveLength(50);
  });
});

describe('bodies that are not JSON, on every route that takes one', () => {
  let bodyRoutes: [string, string][];
  beforeAll(async () => {
    const doc = (await h.request('GET', OPENAPI_PATH, { token: null })).body as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    bodyRoutes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody)
        .map(([m, _]) => [m.toUpperCase(), p.replace('{id}', group).replace('{userId}', member)] as [string, string]),
    );
    expect(bodyRoutes.length).toBe(6);
  });

  const each = async (
    check: (res: HarnessResponse, route: string) => void,
    send: (method: string, path: string) => Promise<HarnessResponse>,
  ) => {
    const before = await snapshot();
    for (const [method, path] of bodyRoutes) check(await send(method, path), `${method} ${path}`);
    expect(await snapshot()).toEqual(before);
  };

  it('malformed JSON → 400 invalid_request', () =>
    each(
      (res, route) => {
        expect(res.status, route).toBe(400);
        expect(res.body.error.code, route).toBe('invalid_request');
        expect(res.body.error.message, route).toMatch(/^body: is not valid JSON/);
      },
      (m, p) => raw(m, p, '{"name": "x",'),
    ));

  it('an empty body → 400 invalid_request', () =>
    each(
      (res, route) => {
        expect(res.status, route).toBe(400);
        expect(res.body.error.code, route).toBe('invalid_request');
      },
      (m, p) => raw(m, p, ''),
    ));

  it('JSON that is not an object (a number, a string, null) → 400, never 500', async () => {
    for (const body of ['42', '"text"', 'null', 'true', '[[[[]]]]']) {
      await each(
        (res, route) => {
          expect(res.status, `${route} ${body}`).toBe(400);
          expect(res.body.error.code).toBe('invalid_request');
        },
        (m, p) => raw(m, p, body),
      );
    }
  });

  it('a body declared as something else → 415 unsupported_media_type', () =>
    each(
      (res, route) => {
        expect(res.status, route).toBe(415);
        expect(res.body.error.code, route).toBe('unsupported_media_type');
        expect(res.body.error.message).toContain('application/json');
      },
      (m, p) => raw(m, p, 'name=x', { 'Content-Type': 'application/x-www-form-urlencoded' }),
    ));

  it('application/json with a charset is JSON', async () => {
    const res = await raw('POST', '/api/groups', '{"name":"Charset"}', { 'Content-Type': 'application/json; charset=utf-8' });
    expect(res.status, res.text).toBe(201);
  });

  it('a view-only key gets 403 before its body is read', async () => {
    const view = createAdminKey(h.db, DEFAULT_ORGANIZATION_ID, 'view', ['organization:view']).key;
    await each(
      (res, route) => expect(res.status, route).toBe(403),
      (m, p) => raw(m, p, '{not json', JSON_TYPE, view),
    );
  });
});
