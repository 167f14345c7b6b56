import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError, type ScimType } from '../../src/scim/errors.js';
import { normalizeGroup, normalizeUser, validateGroup, validateUser } from '../../src/scim/normalize.js';
import { ENTERPRISE_SCHEMA } from '../../src/scim/schema-defs.js';

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    return err as ScimError;
  }
  throw new Error('expected a ScimError, nothing was thrown');
}

function expectScimError(fn: () => unknown, scimType: ScimType, detail?: RegExp | string): ScimError {
  const err = scimError(fn);
  expect(err.status).toBe(400);
  expect(err.scimType).toBe(scimType);
  if (detail !== undefined) expect(err.detail).toMatch(detail);
  return err;
}

describe('normalizeUser: body shape', () => {
  it.each([null, undefined, 'x', 42, true, [], [{ userName: 'a' }]])('rejects a non-object body %j with invalidSyntax', (body) => {
    expectScimError(() => normalizeUser(body), 'invalidSyntax');
  });
});

describe('normalizeUser: IdP bodies (IDP-BEHAVIOUR.md §1.2, §2.2)', () => {
  it('Entra create user: read-only meta and empty roles are dropped', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    };
    expect(normalizeUser(body)).toEqual({
      resource: {
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
        active: true,
        emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      },
    });
  });

  it('Entra Example 2: malformed enterprise URN and top-level nulls are ignored', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: 'jyoung',
      userName: 'Test_User_22cc22cc@testuser.com',
      active: true,
      addresses: null,
      displayName: 'Jane Young',
      emails: [{ primary: true, type: 'work', value: 'jyoung@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { familyName: 'Young', givenName: 'Jane' },
      phoneNumbers: null,
      preferredLanguage: null,
      title: null,
      department: null,
      manager: null,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0User': { department: 'Sales' },
    };
    const { resource } = normalizeUser(body);
    expect(resource).toEqual({
      externalId: 'jyoung',
      userName: 'Test_User_22cc22cc@testuser.com',
      active: true,
      displayName: 'Jane Young',
      emails: [{ primary: true, type: 'work', value: 'jyoung@testuser.com' }],
      name: { familyName: 'Young', givenName: 'Jane' },
    });
  });

  it('Okta create: password is returned apart and never stored; groups [] ignored', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    };
    const out = normalizeUser(body);
    expect(out.password).toBe('1mz050nq');
    expect(out.resource).not.toHaveProperty('password');
    expect(out.resource).not.toHaveProperty('groups');
    expect(out.resource).toEqual({
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    });
  });

  it('Okta PUT: id, meta and groups are ignored; email display kept', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }],
      active: true,
      groups: [],
      meta: { resourceType: 'User' },
    };
    const out = normalizeUser(body);
    expect(out).toEqual({
      resource: {
        userName: 'test.user@okta.local',
        name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
        emails: [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }],
        active: true,
      },
    });
  });

  it('Okta AIW deactivation by PUT with active:false', () => {
    expect(normalizeUser({ userName: 'u', active: false }).resource).toEqual({ userName: 'u', active: false });
  });

  it('Azure reference collection enterprise user: capitalised keys inside the extension', () => {
    const body = {
      userName: 'UserName222',
      active: true,
      displayName: 'lennay',
      schemas: [ENTERPRISE_SCHEMA, 'urn:ietf:params:scim:schemas:core:2.0:User'],
      externalId: 'e1',
      name: { formatted: 'Adrew Ryan', familyName: 'Ryan', givenName: 'Andrew' },
      emails: [
        { Primary: true, type: 'work', value: 'testing@bob2.com' },
        { Primary: false, type: 'home', value: 'testinghome@bob3.com' },
      ],
      [ENTERPRISE_SCHEMA]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } },
    };
    expect(normalizeUser(body).resource).toEqual({
      userName: 'UserName222',
      active: true,
      displayName: 'lennay',
      externalId: 'e1',
      name: { formatted: 'Adrew Ryan', familyName: 'Ryan', givenName: 'Andrew' },
      emails: [
        { primary: true, type: 'work', value: 'testing@bob2.com' },
        { primary: false, type: 'home', value: 'testinghome@bob3.com' },
      ],
      [ENTERPRISE_SCHEMA]: { department: 'bob', manager: { value: 'SuzzyQ' } },
    });
  });

  it('Azure collection "Post emp1 with string True": active "True", null address parts dropped', () => {
    const body = {
      userName: 'emp1',
      active: 'True',
      addresses: [
        { country: 'Bermuda', locality: 'West Mercedes', type: 'work', primary: false },
        {
          country: null,
          formatted: '18522 Lisa Unions',
          locality: null,
          postalCode: null,
          region: null,
          streetAddress: null,
          type: 'other',
          primary: false,
        },
      ],
      meta: { created: '2019-09-18T18:15:26.5788954+00:00', resourceType: 'User' },
      name: { formatted: 'Daniel Mcgee', familyName: 'Employee', givenName: 'Darl', honorificPrefix: null, honorificSuffix: null },
      roles: [],
      title: 'Site engineer',
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    };
    expect(normalizeUser(body).resource).toEqual({
      userName: 'emp1',
      active: true,
      addresses: [
        { country: 'Bermuda', locality: 'West Mercedes', type: 'work', primary: false },
        { formatted: '18522 Lisa Unions', type: 'other', primary: false },
      ],
      name: { formatted: 'Daniel Mcgee', familyName: 'Employee', givenName: 'Darl' },
      title: 'Site engineer',
    });
  });

  it('Azure collection "Put a user misspelled attribute": the misspelled attribute is ignored', () => {
    const out = normalizeUser({ id: 'x', userName: 'OMalley', active: false, adreses: [{ country: 'Germany' }] });
    expect(out.resource).toEqual({ userName: 'OMalley', active: false });
  });

  it('Microsoft Validator create payload: roles primary "True", manager {value}', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_SCHEMA],
      userName: 'ford_purdy@abernathypadberg.uk',
      active: true,
      roles: [{ primary: 'True', display: 'Admin', value: 'admin', type: 'WindowsAzureActiveDirectoryRole' }],
      phoneNumbers: [
        { type: 'work', value: '1-555-0100' },
        { type: 'mobile', value: '1-555-0101' },
        { type: 'fax', value: '1-555-0102' },
      ],
      [ENTERPRISE_SCHEMA]: { employeeNumber: 'E1', department: 'Ops', manager: { value: 'MGR-1' } },
    };
    const { resource } = normalizeUser(body);
    expect(resource['roles']).toEqual([{ primary: true, display: 'Admin', value: 'admin', type: 'WindowsAzureActiveDirectoryRole' }]);
    expect(resource[ENTERPRISE_SCHEMA]).toEqual({ employeeNumber: 'E1', department: 'Ops', manager: { value: 'MGR-1' } });
  });
});

describe('normalizeUser: attribute rules', () => {
  it('matches attribute names case-insensitively and stores canonical casing', () => {
    const out = normalizeUser({ USERNAME: 'a', DisplayName: 'A', NAME: { GIVENNAME: 'g' }, emails: [{ VALUE: 'x@y', TYPE: 'work' }] });
    expect(out.resource).toEqual({ userName: 'a', displayName: 'A', name: { givenName: 'g' }, emails: [{ value: 'x@y', type: 'work' }] });
  });

  it('stores strings exactly as sent (no trimming, no case change)', () => {
    const out = normalizeUser({ userName: '  MiXeD@Example.COM ', title: ' Boss ' });
    expect(out.resource).toEqual({ userName: '  MiXeD@Example.COM ', title: ' Boss ' });
  });

  it('ignores unknown attributes and unknown schema URN keys, never stores them', () => {
    const out = normalizeUser({
      userName: 'a',
      nickname: 'n',
      favouriteColour: 'blue',
      'urn:example:custom:2.0:User': { tag: 'x' },
      'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/User': { x: 1 },
    });
    expect(out.resource).toEqual({ userName: 'a', nickName: 'n' });
  });

  it.each([
    [true, true],
    [false, false],
    ['True', true],
    ['False', false],
    ['true', true],
    ['false', false],
    ['TRUE', true],
  ])('active %j → %j', (input, expected) => {
    expect(normalizeUser({ userName: 'a', active: input }).resource['active']).toBe(expected);
  });

  it.each(['yes', 'on', 1, 0, {}, [true]])('active %j is refused with invalidValue naming active', (input) => {
    expectScimError(() => normalizeUser({ userName: 'a', active: input }), 'invalidValue', /active/);
  });

  it('coerces boolean strings inside multi-valued elements (roles[].primary "True")', () => {
    const out = normalizeUser({ userName: 'a', roles: [{ value: 'r', primary: 'True' }], emails: [{ value: 'e', primary: 'false' }] });
    expect(out.resource['roles']).toEqual([{ value: 'r', primary: true }]);
    expect(out.resource['emails']).toEqual([{ value: 'e', primary: false }]);
  });

  it('drops null values and empty strings (unassigned)', () => {
    expect(normalizeUser({ userName: 'a', title: null, nickName: '', name: { givenName: null, familyName: 'F' } }).resource).toEqual({
      userName: 'a',
      name: { familyName: 'F' },
    });
  });

  it('drops a complex attribute with nothing left', () => {
    expect(normalizeUser({ userName: 'a', name: { givenName: null, bogus: 'x' } }).resource).toEqual({ userName: 'a' });
  });

  it('wraps a single object given for a multi-valued attribute', () => {
    expect(normalizeUser({ userName: 'a', emails: { value: 'x@y', type: 'work' } }).resource['emails']).toEqual([
      { value: 'x@y', type: 'work' },
    ]);
  });

  it('drops null and empty elements of multi-valued attributes', () => {
    const out = normalizeUser({ userName: 'a', emails: [null, {}, { value: 'x@y' }, { value: null }] });
    expect(out.resource['emails']).toEqual([{ value: 'x@y' }]);
  });

  it('an empty array is unassigned', () => {
    expect(normalizeUser({ userName: 'a', emails: [], roles: [null] }).resource).toEqual({ userName: 'a' });
  });

  it('keeps only the first primary: true per attribute, the others become false', () => {
    const out = normalizeUser({
      userName: 'a',
      emails: [
        { value: '1', primary: false },
        { value: '2', primary: true },
        { value: '3', primary: 'True' },
      ],
    });
    expect(out.resource['emails']).toEqual([
      { value: '1', primary: false },
      { value: '2', primary: true },
      { value: '3', primary: false },
    ]);
  });

  it('turns numbers and booleans given for strings into text', () => {
    const out = normalizeUser({ userName: 'a', [ENTERPRISE_SCHEMA]: { employeeNumber: 1234 }, nickName: true });
    expect(out.resource).toEqual({ userName: 'a', nickName: 'true', [ENTERPRISE_SCHEMA]: { employeeNumber: '1234' } });
  });

  it('accepts URN-qualified and dotted keys', () => {
    const out = normalizeUser({
      'urn:ietf:params:scim:schemas:core:2.0:User:userName': 'a',
      'name.givenName': 'G',
      [`${ENTERPRISE_SCHEMA}:department`]: 'D',
    });
    expect(out.resource).toEqual({ userName: 'a', name: { givenName: 'G' }, [ENTERPRISE_SCHEMA]: { department: 'D' } });
  });

  it('does not take extension attributes without their URN at the top level', () => {
    expect(normalizeUser({ userName: 'a', department: 'D', employeeNumber: '1' }).resource).toEqual({ userName: 'a' });
  });

  it.each([
    ['name as a string', { name: 'Jane' }, /name/],
    ['title as an object', { title: { x: 1 } }, /title/],
    ['title as an array', { title: ['x'] }, /title/],
    ['emails as a string', { emails: 'x@y' }, /emails/],
    ['emails as a JSON string', { emails: '[{"value":"x@y"}]' }, /emails.*JSON/],
    ['emails element as a string', { emails: ['x@y'] }, /emails\[0\]/],
    ['emails value as an object', { emails: [{ value: { a: 1 } }] }, /emails\[0\]\.value/],
    ['name.givenName as an array', { name: { givenName: ['a'] } }, /name\.givenName/],
    ['the extension as a string', { [ENTERPRISE_SCHEMA]: 'x' }, /enterprise/],
    ['an extension attribute as an object', { [ENTERPRISE_SCHEMA]: { department: { a: 1 } } }, /enterprise:2\.0:User:department/],
    ['password as a number', { password: 1234 }, /password/],
  ])('refuses %s with invalidValue naming the path', (_label, extra, detail) => {
    expectScimError(() => normalizeUser({ userName: 'a', ...extra }), 'invalidValue', detail);
  });

  it.each([
    ['missing', {}],
    ['null', { userName: null }],
    ['empty', { userName: '' }],
  ])('userName %s → invalidValue naming userName', (_label, body) => {
    expectScimError(() => normalizeUser(body), 'invalidValue', /userName/);
  });

  it('userName as an object → invalidValue naming userName', () => {
    expectScimError(() => normalizeUser({ userName: { a: 1 } }), 'invalidValue', /userName/);
  });

  it('Azure collection "Put a user no username" (misspelled userame) → invalidValue', () => {
    expectScimError(() => normalizeUser({ id: '1', userame: 'OMalley', active: false }), 'invalidValue', /userName/);
  });

  it('an empty password is treated as none', () => {
    expect(normalizeUser({ userName: 'a', password: '' })).toEqual({ resource: { userName: 'a' } });
  });
});

describe('normalizeUser: manager', () => {
  const mgr = (m: unknown) => normalizeUser({ userName: 'a', [ENTERPRISE_SCHEMA]: { manager: m } }).resource[ENTERPRISE_SCHEMA];
  it.each([
    ['a plain id', 'M1', { manager: { value: 'M1' } }],
    ['{value}', { value: 'M1' }, { manager: { value: 'M1' } }],
    ['[{value,$ref}]', [{ $ref: 'https://x/scim/Users/M1', value: 'M1' }], { manager: { value: 'M1', $ref: 'https://x/scim/Users/M1' } }],
    ['{value, displayName} (read-only displayName dropped)', { value: 'M1', displayName: 'Boss' }, { manager: { value: 'M1' } }],
    ['an empty string', '', undefined],
    ['{value: ""}', { value: '' }, undefined],
    ['{value: null}', { value: null }, undefined],
    ['[]', [], undefined],
    ['{$ref} without a value', { $ref: 'https://x/scim/Users/M1' }, undefined],
    ['null', null, undefined],
  ])('manager as %s', (_label, input, expected) => {
    expect(mgr(input)).toEqual(expected);
  });

  it('refuses two managers', () => {
    expectScimError(() => mgr([{ value: 'a' }, { value: 'b' }]), 'invalidValue', /manager/);
  });
});

describe('normalizeGroup', () => {
  it('Entra create group: the ADSCIM schema URN and meta are ignored, members undefined', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    };
    expect(normalizeGroup(body)).toEqual({ resource: { externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' } });
  });

  it('Okta group push: members [] → []', () => {
    const out = normalizeGroup({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Test SCIMv2', members: [] });
    expect(out).toEqual({ resource: { displayName: 'Test SCIMv2' }, members: [] });
  });

  it('members null → undefined', () => {
    expect(normalizeGroup({ displayName: 'g', members: null })).toEqual({ resource: { displayName: 'g' } });
  });

  it('Okta AIW PUT and Azure collection PUT: members with value and display, id ignored', () => {
    const out = normalizeGroup({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g1',
      displayName: 'putName',
      members: [
        { value: 'u3', display: 'VP' },
        { value: 'u4', display: 'SenorVP' },
      ],
    });
    expect(out).toEqual({
      resource: { displayName: 'putName' },
      members: [
        { value: 'u3', display: 'VP' },
        { value: 'u4', display: 'SenorVP' },
      ],
    });
  });

  it('members: $ref null accepted, type case-insensitive or inferred from $ref, duplicates once', () => {
    const out = normalizeGroup({
      displayName: 'g',
      members: [
        { value: 'u1', $ref: null },
        { value: 'g2', type: 'group' },
        { value: 'u3', $ref: 'https://host/scim/v2/Users/u3' },
        { value: 'g4', $ref: 'https://host/scim/v2/Groups/g4' },
        { value: 'u5', type: 'USER', displayName: 'ignored' },
        { value: 'u1', display: 'dup' },
        null,
        {},
      ],
    });
    expect(out.members).toEqual([
      { value: 'u1' },
      { value: 'g2', type: 'Group' },
      { value: 'u3', type: 'User' },
      { value: 'g4', type: 'Group' },
      { value: 'u5', type: 'User' },
    ]);
  });

  it('a single member object is wrapped', () => {
    expect(normalizeGroup({ displayName: 'g', members: { value: 'u1' } }).members).toEqual([{ value: 'u1' }]);
  });

  it.each([
    ['a member without value', [{ display: 'x' }], /members\[0\]\.value/],
    ['an empty value', [{ value: '' }], /members\[0\]\.value/],
    ['a numeric value', [{ value: 12 }], /members\[0\]\.value/],
    ['an unknown type', [{ value: 'u', type: 'direct' }], /members\[0\]\.type/],
    ['a non-object member', [42], /members\[0\]/],
    ['members as a number', 7, /members/],
    ['members as a JSON string', '[{"value":"u"}]', /members.*JSON/],
  ])('refuses %s', (_label, members, detail) => {
    expectScimError(() => normalizeGroup({ displayName: 'g', members }), 'invalidValue', detail);
  });

  it.each([{}, { displayName: '' }, { displayName: null }, { displayname: { a: 1 } }])('displayName required: %j', (body) => {
    expectScimError(() => normalizeGroup(body), 'invalidValue', /displayName/);
  });

  it('ignores user attributes on a group', () => {
    expect(normalizeGroup({ displayName: 'g', userName: 'u', active: true }).resource).toEqual({ displayName: 'g' });
  });

  it('rejects a non-object body', () => {
    expectScimError(() => normalizeGroup('g'), 'invalidSyntax');
  });
});

describe('validateUser / validateGroup', () => {
  it('accepts a stored resource and returns it unchanged', () => {
    const stored = {
      userName: 'a',
      active: false,
      emails: [{ value: 'x', primary: true }],
      [ENTERPRISE_SCHEMA]: { manager: { value: 'm' } },
    };
    expect(validateUser(stored)).toEqual(stored);
    expect(validateGroup({ displayName: 'g', externalId: 'e' })).toEqual({ displayName: 'g', externalId: 'e' });
  });
  it('refuses a resource without its required attribute', () => {
    expectScimError(() => validateUser({ active: true }), 'invalidValue', /userName/);
    expectScimError(() => validateGroup({ externalId: 'e' }), 'invalidValue', /displayName/);
  });
});

describe('normalizeUser: properties', () => {
  const scalar = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.constantFrom('True', 'False', ''));
  const element = fc.dictionary(fc.constantFrom('value', 'Value', 'type', 'primary', 'display', 'junk'), scalar, { maxKeys: 4 });
  const body = fc.record(
    {
      userName: fc.oneof(fc.string({ minLength: 1 }), fc.constant(null), fc.integer()),
      UserName: fc.string(),
      active: fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'nope')),
      name: fc.oneof(fc.dictionary(fc.constantFrom('givenName', 'FAMILYNAME', 'formatted', 'x'), scalar), fc.string()),
      emails: fc.oneof(fc.array(fc.oneof(element, fc.constant(null))), element, fc.string()),
      roles: fc.array(element),
      meta: fc.anything(),
      [ENTERPRISE_SCHEMA]: fc.oneof(
        fc.record({ manager: fc.oneof(fc.string(), fc.record({ value: fc.string() })), department: scalar }, { requiredKeys: [] }),
        fc.constant(null),
      ),
    },
    { requiredKeys: [] },
  );

  it('either throws a 400 ScimError or returns a resource that normalizes to itself', () => {
    fc.assert(
      fc.property(body, (b) => {
        let out: ReturnType<typeof normalizeUser>;
        try {
          out = normalizeUser(b);
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
          expect((err as ScimError).status).toBe(400);
          return;
        }
        expect(normalizeUser(out.resource).resource).toEqual(out.resource);
        expect(out.resource).not.toHaveProperty('meta');
        const emails = out.resource['emails'];
        if (Array.isArray(emails)) expect(emails.filter((e) => e.primary === true).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
