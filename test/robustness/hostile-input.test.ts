/**
 * Hostile and malformed input, property-based: garbage filters, random PATCH documents, broken
 * JSON bodies and garbage headers. Every answer is a 4xx SCIM Error (status as a string), or a
 * 2xx when the input happens to be valid; never a 500 or a hang, and a 4xx never changes the
 * database. HOSTILE_RUNS=<n> runs each property n times instead of the default.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, TEST_TOKENS, type Harness, type HarnessResponse, type RequestOptions } from '../helpers/harness.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** One answer must come within this, whatever the input. */
const RESPONSE_BOUND_MS = 5_000;
const RUNS = process.env.HOSTILE_RUNS ? Number(process.env.HOSTILE_RUNS) : undefined;
const runs = (n: number) => ({ numRuns: RUNS ?? n, endOnFailure: true });

/** Rows of every table a SCIM write touches, hashed: equal before and after a refused request. */
const FINGERPRINT_TABLES = [
  'scim_users',
  'scim_user_values',
  'scim_groups',
  'scim_group_members',
  'org_members',
  'member_identities',
  'org_groups',
  'org_group_members',
  'sync_marks',
];

let h: Harness;
const ids = { users: [] as string[], groups: [] as string[] };
const figures = { inputs: 0, refused: 0, accepted: 0, serverErrors: 0 };

function fingerprint(): string {
  const hash = createHash('sha256');
  for (const table of FINGERPRINT_TABLES) {
    const rows = h.db
      .prepare(`SELECT * FROM ${table}`)
      .all()
      .map((r) => JSON.stringify(r))
      .sort();
    hash.update(`${table}:${rows.length}\n`);
    for (const row of rows) hash.update(row + '\n');
  }
  return hash.digest('hex');
}

/** Sends one hostile request and checks the invariants; returns the response. */
async function attempt(method: string, path: string, opts: RequestOptions = {}): Promise<HarnessResponse> {
  figures.inputs++;
  const before = fingerprint();
  const started = performance.now();
  const res = await h.request(method, path, opts);
  const took = performance.now() - started;
  const what = `${method} ${path.slice(0, 200)} -> ${res.status} ${res.text.slice(0, 300)}`;
  if (res.status >= 500) figures.serverErrors++;
  expect(took, what).toBeLessThan(RESPONSE_BOUND_MS);
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 200 && res.status < 300) {
    figures.accepted++;
    return res;
  }
  figures.refused++;
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.headers.get('content-type'), what).toContain('application/scim+json');
  expect(res.body?.schemas, what).toEqual([ERROR_SCHEMA]);
  expect(res.body?.status, what).toBe(String(res.status));
  expect(typeof res.body?.detail, what).toBe('string');
  expect(fingerprint(), `${what}: a refused request changed the database`).toBe(before);
  return res;
}

/** Percent-encodes every UTF-16 unit's UTF-8 bytes, lone surrogates included (as CESU-8 bytes). */
function encodeQueryValue(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (/[A-Za-z0-9_.~-]/.test(ch)) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const weirdChar = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ud800',
  '\udfff',
  '\ud83d',
  '\ufeff',
  '\u202e',
  '\u0085',
  '\u2028',
  '💥',
  'İ',
  'ß',
  '\\',
  '"',
  "'",
  '%',
  '\t',
  '\n',
);
const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(weirdChar, { maxLength: 20 }).map((a) => a.join('')),
  fc.string({ maxLength: 40 }),
);
const hugeString = fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n));

const FILTER_TOKENS = [
  'userName',
  'displayName',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'name.familyName',
  'members',
  'members.value',
  'meta.lastModified',
  'active',
  'externalId',
  'id',
  ENTERPRISE + ':manager.value',
  'urn:foo:bar',
  'nosuch',
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'pr',
  'gt',
  'ge',
  'lt',
  'le',
  'EQ',
  'xx',
  '==',
  '!=',
  'like',
  'and',
  'or',
  'not',
  'AND',
  'nOt',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  '"',
  '""',
  '"a"',
  '"\\"',
  '"\\u0000"',
  'true',
  'false',
  'null',
  '1',
  '-1e999',
  '12.5e3',
  '0x10',
  '"2024-01-01T00:00:00Z"',
  '$',
  '*',
  '?',
  '\\',
  ';',
  '--',
  "' OR 1=1 --",
];
const filterToken = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FILTER_TOKENS) },
  { weight: 1, arbitrary: weirdString },
  { weight: 1, arbitrary: weirdString.map((s) => JSON.stringify(s)) },
);
const garbageFilter = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(fc.array(filterToken, { maxLength: 12 }), fc.constantFrom(' ', '', '  ', '\t')).map(([t, sep]) => t.join(sep)),
  },
  { weight: 2, arbitrary: weirdString },
  { weight: 1, arbitrary: hugeString.map((s) => `userName eq "${s}"`) },
  { weight: 1, arbitrary: fc.integer({ min: 30, max: 3_000 }).map((n) => '('.repeat(n) + 'userName eq "a"' + ')'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 30, max: 1_000 }).map((n) => 'not ('.repeat(n) + 'active eq true' + ')'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 500 }).map((n) => Array.from({ length: n }, () => 'userName eq "a"').join(' or ')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((n) => 'emails['.repeat(n) + 'value eq "a"' + ']'.repeat(n)) },
);
const garbageParam = fc.oneof(
  weirdString,
  fc.constantFrom('-1', '0', '1e309', 'NaN', '99999999999999999999', '1.5', '', ' ', '%', '%FF', '%ED%A0%80'),
);

/** Anything JSON can carry, with the odd keys that break naive object handling. */
const oddKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  'userName',
  'USERNAME',
  'emails',
  'members',
  'schemas',
  'id',
  'meta',
  'name',
  'value',
  'op',
  'path',
  ENTERPRISE,
  `${ENTERPRISE}:manager`,
  'emails[type eq "work"].value',
);
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, '', 'True', 'false', '1', 'null', '[]', '{}'),
    weirdString,
    fc.double(),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(oddKey, fc.string({ maxLength: 10 })), tie('v'), { maxKeys: 4 }),
  ),
})).v;

const userAttr = fc.constantFrom(
  'userName',
  'displayName',
  'name',
  'name.givenName',
  'emails',
  'active',
  'externalId',
  'title',
  'phoneNumbers',
  'addresses',
  'roles',
  'groups',
  'id',
  'meta',
  'schemas',
  'password',
  ENTERPRISE,
  'x509Certificates',
  'nickName',
  'locale',
  '__proto__',
);
const userBody = fc.dictionary(userAttr, anyJson, { maxKeys: 6 }).map((o) => ({ schemas: [USER_SCHEMA], ...o }));
const groupBody = fc.dictionary(fc.constantFrom('displayName', 'members', 'externalId', 'id', 'schemas', '__proto__', 'meta'), anyJson, {
  maxKeys: 4,
});

const patchPath = fc.oneof(
  fc.constantFrom(
    'userName',
    'displayName',
    'active',
    'title',
    'name.givenName',
    'emails',
    'emails[type eq "work"].value',
    'emails[type eq "work"]',
    'emails[value eq "x"].primary',
    'members',
    'members[value eq "nope"]',
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:manager.value`,
    'addresses[type eq "work"].streetAddress',
    'groups',
    'id',
    'meta.version',
    'schemas',
    'nosuch',
    'urn:nosuch:attr',
    '',
    '.',
    '[',
    'emails[',
    'emails[type eq]',
    'members[value eq "a"].display',
    '__proto__',
    '__proto__.polluted',
    'constructor.prototype',
  ),
  garbageFilter,
);
const patchOp = fc.record(
  {
    op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'Add', 'REPLACE', 'Remove', 'move', 'copy', 'test', '', 'delete'), anyJson),
    path: fc.oneof(patchPath, anyJson),
    value: anyJson,
  },
  { requiredKeys: [] },
);
const patchBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        schemas: fc.constantFrom([PATCH_SCHEMA], [], ['urn:nope'], 'x' as unknown),
        Operations: fc.array(patchOp, { minLength: 1, maxLength: 4 }),
      },
      { requiredKeys: ['Operations'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ schemas: fc.constant([PATCH_SCHEMA]), Operations: anyJson }) },
  { weight: 1, arbitrary: anyJson },
);

/** Raw JSON texts: truncated, deeply nested, huge, __proto__ keys. */
const rawJson = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.tuple(valid, fc.nat()).map(([v, cut]) => {
        const t = JSON.stringify(v);
        return t.slice(0, cut % Math.max(1, t.length));
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 100, max: 12_000 }), fc.constantFrom('[', '{"a":', '{"userName":"x","name":'))
        .map(([n, open]) => open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__":{"userName":"polluted"},"userName":{"__proto__":1}}',
        '{"constructor":{"prototype":{"admin":true}}}',
        '[]',
        '[{}]',
        '"just a string"',
        '123',
        'null',
        'true',
        '{}',
        '',
        ' ',
        '\ufeff{}',
        '{"userName":"a",}',
        "{'userName':'a'}",
        '{"userName":"\\ud800"}',
        '{"a":1e999999}',
        'NaN',
      ),
    },
    { weight: 1, arbitrary: weirdString },
  );

/** A header value that fetch accepts (ByteString, no CR/LF/NUL) but the server should not. */
const headerValue = fc
  .array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)), { maxLength: 60 })
  .map((cs) => String.fromCharCode(...cs).trim());

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  // The rate limit has its own test (limits.test.ts); here it would only count requests.
  h = await createHarness({ SCIM_RATE_LIMIT_PER_SECOND: '1000000', SCIM_RATE_LIMIT_BURST: '1000000' });
  for (const [i, name] of ['ana', 'bo', 'cy'].entries()) {
    const res = await h.request('POST', '/scim/v2/Users', {
      body: {
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName: `${name}@example.com`,
        externalId: `ext-${name}`,
        name: { givenName: name, familyName: 'Test' },
        emails: [{ value: `${name}@example.com`, type: 'work', primary: true }],
        active: true,
        [ENTERPRISE]: i > 0 ? { manager: { value: 'ext-ana' } } : {},
      },
    });
    expect(res.status).toBe(201);
    ids.users.push(res.body.id);
  }
  for (const name of ['Admins', 'Everyone']) {
    const res = await h.request('POST', '/scim/v2/Groups', { body: { displayName: name, members: ids.users.map((value) => ({ value })) } });
    expect(res.status).toBe(201);
    ids.groups.push(res.body.id);
  }
});

afterAll(() => {
  console.info(
    `hostile input: ${figures.inputs} requests, ${figures.refused} refused with a 4xx, ${figures.accepted} accepted, ${figures.serverErrors} answered 5xx`,
  );
  h?.close();
});

const someUser = fc.nat().map((i) => ids.users[i % ids.users.length]!);
const someGroup = fc.nat().map((i) => ids.groups[i % ids.groups.length]!);
const resourcePath = fc.oneof(
  someUser.map((id) => `/scim/v2/Users/${id}`),
  someGroup.map((id) => `/scim/v2/Groups/${id}`),
  fc.constantFrom(
    '/scim/v2/Users/00000000-0000-0000-0000-000000000000',
    '/scim/v2/Groups/nope',
    '/scim/v2/Users/..%2F..%2Fetc',
    '/scim/v2/Users/%00',
  ),
);

describe('hostile input gets a 4xx SCIM Error, never a 500, a hang or a changed database', () => {
  it('garbage filters (GET query and POST .search), with garbage paging and attribute parameters', async () => {
    await fc.assert(
      fc.asyncProperty(
        garbageFilter,
        fc.constantFrom('/scim/v2/Users', '/scim/v2/Groups'),
        fc.option(
          fc.record(
            { sortBy: garbageParam, sortOrder: garbageParam, count: garbageParam, startIndex: garbageParam, attributes: garbageParam },
            { requiredKeys: [] },
          ),
          { nil: undefined },
        ),
        fc.boolean(),
        async (filter, base, extra, viaSearch) => {
          if (viaSearch) {
            await attempt('POST', `${base}/.search`, {
              body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, ...extra },
            });
          } else {
            const params = Object.entries({ filter, ...extra }).map(([k, v]) => `${k}=${encodeQueryValue(String(v))}`);
            await attempt('GET', `${base}?${params.join('&')}`);
          }
        },
      ),
      runs(90),
    );
  });

  it('random PATCH documents against existing and missing resources', async () => {
    await fc.assert(
      fc.asyncProperty(resourcePath, patchBody, async (path, body) => {
        await attempt('PATCH', path, { body });
      }),
      runs(80),
    );
  });

  it('random and broken JSON bodies for POST /Users, /Groups, /Bulk and PUT', async () => {
    const bulkBody = fc.record(
      {
        schemas: fc.constantFrom([BULK_SCHEMA], 'x' as unknown, []),
        failOnErrors: anyJson,
        Operations: fc.oneof(
          anyJson,
          fc.array(
            fc.record(
              {
                method: fc.oneof(fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'post'), anyJson),
                path: fc.oneof(fc.constantFrom('/Users', '/Groups', '/Users/bulkId:a', '/Bulk', '/', ''), anyJson),
                bulkId: anyJson,
                version: anyJson,
                data: fc.oneof(userBody, groupBody, anyJson),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 4 },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const target = fc.oneof(
      fc.record({ method: fc.constant('POST'), path: fc.constant('/scim/v2/Users'), body: fc.oneof(userBody, anyJson) }),
      fc.record({ method: fc.constant('POST'), path: fc.constant('/scim/v2/Groups'), body: fc.oneof(groupBody, anyJson) }),
      fc.record({ method: fc.constant('POST'), path: fc.constant('/scim/v2/Bulk'), body: bulkBody }),
      fc.record({ method: fc.constant('PUT'), path: someUser.map((id) => `/scim/v2/Users/${id}`), body: fc.oneof(userBody, anyJson) }),
      fc.record({ method: fc.constant('PUT'), path: someGroup.map((id) => `/scim/v2/Groups/${id}`), body: fc.oneof(groupBody, anyJson) }),
    );
    await fc.assert(
      fc.asyncProperty(target, fc.boolean(), fc.nat(), async ({ method, path, body }, raw, seed) => {
        if (raw) {
          const text = fc.sample(rawJson(fc.constant(body)), { numRuns: 1, seed })[0]!;
          await attempt(method, path, { rawBody: text, headers: { 'Content-Type': 'application/scim+json' } });
        } else {
          await attempt(method, path, { body });
        }
      }),
      runs(80),
    );
  });

  it('garbage Content-Type, Authorization, If-Match and other headers', async () => {
    const headerCase = fc.oneof(
      fc.record({
        kind: fc.constant('content-type' as const),
        value: fc.oneof(
          headerValue,
          fc.constantFrom(
            'text/html',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/json; charset=utf-16',
            'application/scim+json;;;',
            ';',
            'application/',
            '*/*',
          ),
        ),
      }),
      fc.record({
        kind: fc.constant('authorization' as const),
        value: fc.oneof(
          headerValue,
          headerValue.map((v) => `Bearer ${v}`),
          fc.constantFrom(
            `Bearer ${TEST_TOKENS.okta.toUpperCase()}`,
            `Bearer ${TEST_TOKENS.okta}x`,
            `Bearer ${TEST_TOKENS.okta.slice(0, -1)}`,
            `Basic ${Buffer.from(`x:${TEST_TOKENS.okta}`).toString('base64')}`,
            'Bearer',
            'Bearer  ',
            `Token ${TEST_TOKENS.okta}`,
            `Bearer ${TEST_TOKENS.okta} ${TEST_TOKENS.okta}`,
          ),
        ),
      }),
      fc.record({
        kind: fc.constant('if-match' as const),
        value: fc.oneof(headerValue, fc.constantFrom('W/"0"', 'W/"999"', '"1"', 'W/', 'W/""', ',', 'W/"1", W/"2"', 'W/"-1"', 'W/"1e9"')),
      }),
      fc.record({ kind: fc.constant('other' as const), value: headerValue }),
    );
    const request = fc.oneof(
      resourcePath.map((path) => ({
        method: 'PATCH',
        path,
        body: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'Changed' }] },
      })),
      resourcePath.map((path) => ({ method: 'DELETE', path, body: undefined })),
      someUser.map((id) => ({
        method: 'PUT',
        path: `/scim/v2/Users/${id}`,
        body: { schemas: [USER_SCHEMA], userName: 'changed@example.com' },
      })),
      fc.constant({ method: 'POST', path: '/scim/v2/Users', body: { schemas: [USER_SCHEMA], userName: 'fresh@example.com' } }),
      fc.constant({ method: 'GET', path: '/scim/v2/Users', body: undefined }),
    );
    await fc.assert(
      fc.asyncProperty(headerCase, request, async ({ kind, value }, req) => {
        const headers: Record<string, string> = {};
        // A valid request plus one garbage header; DELETE and valid bodies only go out when the
        // garbage cannot make them valid (If-Match garbage on DELETE, bad auth anywhere).
        if (kind === 'content-type') headers['Content-Type'] = value;
        if (kind === 'authorization') headers.Authorization = value;
        if (kind === 'if-match') headers['If-Match'] = value;
        if (kind === 'other')
          Object.assign(headers, { Accept: value, 'X-Request-Id': value, 'Accept-Charset': value, 'Content-Encoding': value });
        if (req.method === 'DELETE' && kind !== 'authorization' && kind !== 'if-match') return;
        const opts: RequestOptions = { headers };
        if (req.body !== undefined) {
          opts.rawBody = JSON.stringify(req.body);
          if (kind !== 'content-type') headers['Content-Type'] = 'application/scim+json';
        }
        const res = await attempt(req.method, req.path, opts);
        if (kind === 'authorization') expect(res.status).toBe(401);
      }),
      runs(60),
    );
  });

  it('edge cases: 10,000-level nesting, 5 MB strings, numbers as strings, arrays for objects, __proto__ keys', async () => {
    const user = ids.users[0]!;
    const group = ids.groups[0]!;
    const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);
    const five = 'x'.repeat(5 * 1024 * 1024);
    const json = { 'Content-Type': 'application/scim+json' };
    const cases: [string, string, RequestOptions][] = [
      ['POST', '/scim/v2/Users', { rawBody: deep(10_000, '[', ']'), headers: json }],
      ['POST', '/scim/v2/Users', { rawBody: `{"userName":"deep@example.com","name":${deep(10_000, '{"a":', '}')}}`, headers: json }],
      [
        'POST',
        '/scim/v2/Users',
        { rawBody: `{"userName":"deep2@example.com","emails":${deep(10_000, '[', ']', '{"value":"a@b.c"}')}}`, headers: json },
      ],
      ['POST', '/scim/v2/Groups', { rawBody: `{"displayName":"deep","members":${deep(10_000, '[', ']')}}`, headers: json }],
      [
        'POST',
        '/scim/v2/Bulk',
        {
          rawBody: `{"schemas":["${BULK_SCHEMA}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{"userName":"d@example.com","x":${deep(10_000, '[', ']', '"bulkId:a"')}}}]}`,
          headers: json,
        },
      ],
      [
        'PATCH',
        `/scim/v2/Users/${user}`,
        { rawBody: `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"add","value":${deep(10_000, '{"name":', '}')}}]}`, headers: json },
      ],
      [
        'PATCH',
        `/scim/v2/Groups/${group}`,
        {
          rawBody: `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"add","path":"members","value":${deep(10_000, '[', ']')}}]}`,
          headers: json,
        },
      ],
      ['PUT', `/scim/v2/Users/${user}`, { rawBody: deep(100_000, '{"a":', '}'), headers: json }],
      ['POST', '/scim/v2/Users', { body: { userName: { value: five } } }],
      ['POST', '/scim/v2/Groups', { body: { displayName: ['x', five] } }],
      ['GET', `/scim/v2/Users?filter=${encodeQueryValue(`userName eq "${'y'.repeat(100_000)}"`)}`, {}],
      ['POST', '/scim/v2/Users', { body: { userName: 'n@example.com', active: 'maybe' } }],
      ['POST', '/scim/v2/Users', { body: { userName: 12345 } }],
      ['POST', '/scim/v2/Users', { body: { userName: ['a@example.com'] } }],
      ['POST', '/scim/v2/Users', { body: { userName: 'o@example.com', name: ['not', 'an', 'object'] } }],
      ['POST', '/scim/v2/Users', { body: { userName: 'p@example.com', emails: { value: 'p@example.com' }, phoneNumbers: 'x' } }],
      [
        'POST',
        '/scim/v2/Users',
        { rawBody: '{"__proto__":{"userName":"proto@example.com"},"constructor":{"prototype":{"x":1}}}', headers: json },
      ],
      ['POST', '/scim/v2/Groups', { body: { displayName: 'G', members: 'everyone' } }],
      ['POST', '/scim/v2/Groups', { body: { displayName: 'G', members: [{ value: { $ne: null } }] } }],
      ['POST', '/scim/v2/Bulk', { body: { schemas: [BULK_SCHEMA], Operations: { 0: { method: 'POST' } } } }],
      [
        'POST',
        '/scim/v2/Bulk',
        { body: { schemas: [BULK_SCHEMA], failOnErrors: '1', Operations: [{ method: 'DELETE', path: '/Users/nope' }] } },
      ],
      ['PUT', `/scim/v2/Groups/${group}`, { body: [] }],
      [
        'PATCH',
        `/scim/v2/Users/${user}`,
        {
          body: {
            schemas: [PATCH_SCHEMA],
            Operations: [
              { op: 'replace', value: { active: 'False', title: 'ok' } },
              { op: 'replace', path: 'emails[type eq', value: 'x' },
            ],
          },
        },
      ],
      [
        'PATCH',
        `/scim/v2/Users/${user}`,
        { body: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: '__proto__', value: { polluted: true } }] } },
      ],
      [
        'PATCH',
        `/scim/v2/Groups/${group}`,
        {
          body: {
            schemas: [PATCH_SCHEMA],
            Operations: [
              { op: 'remove', path: 'members[value eq "a" or value pr]' },
              { op: 'add', path: 'nosuch', value: 1 },
            ],
          },
        },
      ],
      // Valid (a 5 MB email is stored): last, so the fingerprints before it stay small.
      ['POST', '/scim/v2/Users', { body: { userName: 'big@example.com', emails: [{ value: five }] } }],
    ];
    for (const [method, path, opts] of cases) await attempt(method, path, opts);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  // Regression: a Bulk body nested 10,000 levels overflowed the stack in the recursive bulkId
  // walk and answered 500. Bodies deeper than MAX_JSON_DEPTH are now refused when read.
  it('a deeply nested body is a 400 invalidSyntax on every endpoint that reads JSON (was a 500 on /Bulk)', async () => {
    const deep = '['.repeat(10_000) + '"bulkId:a"' + ']'.repeat(10_000);
    const json = { 'Content-Type': 'application/scim+json' };
    const bulk = `{"schemas":["${BULK_SCHEMA}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{"userName":"d@example.com","x":${deep}}}]}`;
    for (const [method, path, rawBody] of [
      ['POST', '/scim/v2/Bulk', bulk],
      ['POST', '/scim/v2/Users', `{"userName":"d@example.com","x":${deep}}`],
      ['PATCH', `/scim/v2/Users/${ids.users[0]}`, `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"add","value":{"x":${deep}}}]}`],
    ] as const) {
      const res = await attempt(method, path, { rawBody, headers: json });
      expect(res.status).toBe(400);
      expect(res.body.scimType).toBe('invalidSyntax');
      expect(res.body.detail).toMatch(/nests deeper than 64 levels/);
    }
    // Ordinary nesting (a Bulk operation carrying a user with the enterprise manager) passes.
    const ok = await attempt('POST', '/scim/v2/Bulk', {
      body: {
        schemas: [BULK_SCHEMA],
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'n',
            data: { userName: 'nested@example.com', [ENTERPRISE]: { manager: { value: 'ext-ana' } } },
          },
        ],
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.Operations[0].status).toBe('201');
  });

  // Regressions found by HOSTILE_RUNS=3000: each answered 500 before the fix.
  it('a startIndex beyond 2^53, and JSON objects whose toString is not a function, are 4xx or an empty page', async () => {
    const search = (base: string, extra: Record<string, unknown>) =>
      attempt('POST', `${base}/.search`, { body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], ...extra } });
    // startIndex 1e20 could not be bound as an SQL integer.
    for (const path of ['/scim/v2/Groups', '/scim/v2/Users', '/scim/v2']) {
      const res = await search(path, { startIndex: '99999999999999999999' });
      expect(res.status).toBe(200);
      expect(res.body.Resources ?? []).toEqual([]);
    }
    expect((await search('/scim/v2/Groups', { sortBy: ' ', sortOrder: ' ', startIndex: '99999999999999999999' })).status).toBe(200);
    expect((await attempt('GET', '/scim/v2/Users?startIndex=99999999999999999999')).status).toBe(200);
    // String()/Number() of {"toString": 1} throws a TypeError.
    const poisoned = { toString: 1, valueOf: 2 };
    for (const key of ['filter', 'sortBy', 'sortOrder', 'count', 'startIndex', 'attributes', 'excludedAttributes']) {
      for (const path of ['/scim/v2/Users', '/scim/v2']) {
        expect((await search(path, { [key]: poisoned })).status).toBe(400);
        expect((await search(path, { [key]: [poisoned] })).status).toBe(400);
      }
    }
    const bulk = await attempt('POST', '/scim/v2/Bulk', {
      body: { schemas: [BULK_SCHEMA], failOnErrors: poisoned, Operations: [{ method: 'DELETE', path: '/Users/nope' }] },
    });
    expect(bulk.status).toBe(400);
    expect(bulk.body.scimType).toBe('invalidValue');
  });
});
