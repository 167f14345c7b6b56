import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError, type ScimType } from '../../src/scim/errors.js';
import type { StoredResource } from '../../src/scim/normalize.js';
import { parsePatchPath } from '../../src/scim/patch-path.js';
import { applyPatch, type PatchResult } from '../../src/scim/patch.js';
import { ENTERPRISE_SCHEMA, PATCH_OP_SCHEMA, type ResourceKind } from '../../src/scim/schema-defs.js';

const ID = '5171a35d82074e068ce2';
const EXT = ENTERPRISE_SCHEMA;

/** A PatchOp body with the given operations. */
function body(...Operations: unknown[]) {
  return { schemas: [PATCH_OP_SCHEMA], Operations };
}

function patchUser(current: StoredResource, ...ops: unknown[]): PatchResult {
  return applyPatch('User', current, body(...ops), { id: ID });
}

function patchGroup(current: StoredResource, ...ops: unknown[]): PatchResult {
  return applyPatch('Group', current, body(...ops), { id: ID });
}

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

const baseUser = (): StoredResource => ({
  userName: 'jdoe@example.com',
  externalId: 'ext-1',
  active: true,
  displayName: 'Jane Doe',
  name: { givenName: 'Jane', familyName: 'Doe', formatted: 'Jane Doe' },
  emails: [
    { value: 'jdoe@example.com', type: 'work', primary: true },
    { value: 'jane@home.example', type: 'home' },
  ],
  phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
  [EXT]: { employeeNumber: 'E-1', department: 'Sales', manager: { value: 'mgr-1', $ref: 'https://x/scim/v2/Users/mgr-1' } },
});

const baseGroup = (): StoredResource => ({ displayName: 'Engineering', externalId: 'g-ext' });

// ---------------------------------------------------------------------------------------------

describe('PATCH body validation', () => {
  it.each([
    ['null', null],
    ['an array', [{ op: 'add', path: 'title', value: 'x' }]],
    ['a string', 'add'],
    ['an object without Operations', { schemas: [PATCH_OP_SCHEMA] }],
    ['Operations as an object', { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }],
    ['empty Operations', { schemas: [PATCH_OP_SCHEMA], Operations: [] }],
    ['an operation that is a string', body('add')],
    ['an operation that is null', body(null)],
    ['an operation without op', body({ path: 'title', value: 'x' })],
    ['op as a number', body({ op: 1, path: 'title', value: 'x' })],
    ['an unknown op', body({ op: 'move', path: 'title', value: 'x' })],
    ['an unknown op "copy"', body({ op: 'copy', from: 'title', path: 'nickName' })],
    ['path as a number', body({ op: 'add', path: 7, value: 'x' })],
  ])('%s → invalidSyntax', (_label, b) => {
    expectScimError(() => applyPatch('User', baseUser(), b, { id: ID }), 'invalidSyntax');
  });

  it('names the faulty operation in the detail', () => {
    expectScimError(
      () => applyPatch('User', baseUser(), body({ op: 'add', path: 'title', value: 'x' }, { op: 'jump' }), { id: ID }),
      'invalidSyntax',
      /Operations\[1\]\.op "jump"/,
    );
  });

  it('tolerates a missing schemas array and case-insensitive member names', () => {
    const out = applyPatch('User', baseUser(), { operations: [{ OP: 'Replace', Path: 'title', Value: 'Boss' }] }, { id: ID });
    expect(out.resource['title']).toBe('Boss');
  });

  it('add or replace without a value → invalidValue', () => {
    expectScimError(() => patchUser(baseUser(), { op: 'add', path: 'title' }), 'invalidValue', /value/);
    expectScimError(() => patchUser(baseUser(), { op: 'replace', path: 'title' }), 'invalidValue', /value/);
    expectScimError(() => patchUser(baseUser(), { op: 'replace' }), 'invalidValue');
  });

  it('remove without a path → noTarget (RFC 7644 §3.5.2.2)', () => {
    expectScimError(() => patchUser(baseUser(), { op: 'remove' }), 'noTarget');
    expectScimError(() => patchUser(baseUser(), { op: 'Remove', path: '' }), 'noTarget');
  });

  it.each([['x'], [42], [['a']], [null]])('path-less add/replace with a non-object value %j → invalidValue', (value) => {
    expectScimError(() => patchUser(baseUser(), { op: 'replace', value }), 'invalidValue');
  });
});

describe('op in any case', () => {
  it.each(['add', 'Add', 'ADD', 'replace', 'Replace', 'REPLACE', ' replace '])('%s', (op) => {
    expect(patchUser(baseUser(), { op, path: 'nickName', value: 'Babs' }).resource['nickName']).toBe('Babs');
  });
  it.each(['remove', 'Remove', 'REMOVE'])('%s', (op) => {
    expect(patchUser(baseUser(), { op, path: 'displayName' }).resource).not.toHaveProperty('displayName');
  });
});

// ---------------------------------------------------------------------------------------------

describe('Entra ID requests (IDP-BEHAVIOUR.md §1.2, §1.4)', () => {
  it('disable user without the flag: "False" string', () => {
    const out = patchUser(baseUser(), { op: 'Replace', path: 'active', value: 'False' });
    expect(out.resource['active']).toBe(false);
    expect(out.changed).toEqual(['active']);
  });

  it('disable user with the flag: real boolean; the tutorial body (Operations before schemas)', () => {
    const out = applyPatch(
      'User',
      baseUser(),
      { Operations: [{ op: 'Replace', path: 'active', value: false }], schemas: [PATCH_OP_SCHEMA] },
      { id: ID },
    );
    expect(out.resource['active']).toBe(false);
  });

  it.each(['True', 'true', true])('enable user with %j', (value) => {
    expect(patchUser({ userName: 'u', active: false }, { op: 'Replace', path: 'active', value }).resource['active']).toBe(true);
  });

  it.each([
    ['without the flag', { op: 'Add', path: 'nickName', value: 'Babs' }],
    ['with the flag', { op: 'add', path: 'nickName', value: 'Babs' }],
  ])('add single-valued string %s', (_label, op) => {
    const out = patchUser(baseUser(), op);
    expect(out.resource['nickName']).toBe('Babs');
    expect(out.changed).toEqual(['nickName']);
  });

  it('tutorial: update multi-valued and name in one request', () => {
    const out = patchUser(
      baseUser(),
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    );
    expect(out.resource['emails']).toEqual([
      { value: 'updatedEmail@microsoft.com', type: 'work', primary: true },
      { value: 'jane@home.example', type: 'home' },
    ]);
    expect(out.resource['name']).toEqual({ givenName: 'Jane', familyName: 'updatedFamilyName', formatted: 'Jane Doe' });
    expect(out.changed).toEqual(['name.familyName', 'emails']);
  });

  it('tutorial: replace userName', () => {
    const out = patchUser(baseUser(), { op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' });
    expect(out.resource['userName']).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
    expect(out.changed).toEqual(['userName']);
  });

  it('replace several attributes without the flag: one op per attribute', () => {
    const out = patchUser(
      baseUser(),
      { op: 'Replace', path: 'displayName', value: 'Bjfe' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'bjfe@example.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Kkom' },
      { op: 'Replace', path: 'name.familyName', value: 'Unua' },
      { op: 'Replace', path: 'externalId', value: 'ext-2' },
      { op: 'Replace', path: `${EXT}:employeeNumber`, value: 'Aklq' },
    );
    expect(out.resource).toMatchObject({
      displayName: 'Bjfe',
      externalId: 'ext-2',
      name: { givenName: 'Kkom', familyName: 'Unua' },
      [EXT]: { employeeNumber: 'Aklq', department: 'Sales' },
    });
    expect((out.resource['emails'] as unknown[])[0]).toEqual({ value: 'bjfe@example.com', type: 'work', primary: true });
    // schema order: name's sub-attributes are formatted, familyName, givenName, ...
    expect(out.changed).toEqual(['externalId', 'name.familyName', 'name.givenName', 'displayName', 'emails', `${EXT}:employeeNumber`]);
  });

  it('replace several attributes with the flag: a valuePath op plus a flattened path-less replace', () => {
    const out = patchUser(
      baseUser(),
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'bjfe@example.com' },
      {
        op: 'replace',
        value: {
          displayName: 'Bjfe',
          'name.givenName': 'Kkom',
          'name.familyName': 'Unua',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
        },
      },
    );
    expect(out.resource).toMatchObject({
      displayName: 'Bjfe',
      name: { givenName: 'Kkom', familyName: 'Unua', formatted: 'Jane Doe' },
      [EXT]: { employeeNumber: 'Aklq' },
    });
    expect(out.resource).not.toHaveProperty(['name.givenName']);
    expect(out.resource).not.toHaveProperty([`${EXT}:employeeNumber`]);
  });

  it('flattened path-less add with name.formatted (scimitar#123, scim-patch#132)', () => {
    const out = patchUser({ userName: 'u' }, { op: 'add', value: { 'name.formatted': 'Jane Q Doe', 'name.givenName': 'Jane' } });
    expect(out.resource).toEqual({ userName: 'u', name: { formatted: 'Jane Q Doe', givenName: 'Jane' } });
  });

  it('path-less value with the extension URN itself as a key', () => {
    const out = patchUser(baseUser(), { op: 'replace', value: { [EXT]: { Department: 'Ops', manager: 'mgr-2' } } });
    expect(out.resource[EXT]).toEqual({ employeeNumber: 'E-1', department: 'Ops', manager: { value: 'mgr-2' } });
  });

  it('the extension URN itself as the path', () => {
    const out = patchUser({ userName: 'u' }, { op: 'add', path: EXT, value: { employeeNumber: '7', costCenter: 'CC' } });
    expect(out.resource[EXT]).toEqual({ employeeNumber: '7', costCenter: 'CC' });
    expect(patchUser(baseUser(), { op: 'remove', path: EXT }).resource).not.toHaveProperty([EXT]);
  });

  it.each([
    ['emails[type eq "work"].value', 'emails', { type: 'work', value: 'new@x.com' }, 'new@x.com'],
    ['emails[type eq "other"].Value (capital V, tutorial mapping table)', 'emails', { type: 'other', value: 'new@x.com' }, 'new@x.com'],
    ['phoneNumbers[type eq "mobile"].value', 'phoneNumbers', { type: 'mobile', value: '+1 555 0199' }, '+1 555 0199'],
    ['phoneNumbers[type eq "fax"].value', 'phoneNumbers', { type: 'fax', value: '+1 555 0198' }, '+1 555 0198'],
    ['addresses[type eq "work"].locality', 'addresses', { type: 'work', locality: 'Redmond' }, 'Redmond'],
    ['addresses[type eq "work"].streetAddress', 'addresses', { type: 'work', streetAddress: '1 Way' }, '1 Way'],
    ['addresses[type eq "other"].Formatted', 'addresses', { type: 'other', formatted: '1 Way, Town' }, '1 Way, Town'],
  ])('Add and Replace on %s create the missing element', (path, attr, element, value) => {
    for (const op of ['Add', 'Replace', 'add', 'replace']) {
      const out = patchUser({ userName: 'u' }, { op, path: path.split(' (')[0], value });
      expect(out.resource[attr]).toEqual([element]);
      expect(out.changed).toEqual([attr]);
    }
  });

  it('valuePath add next to existing elements of other types', () => {
    const out = patchUser(baseUser(), { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0199' });
    expect(out.resource['phoneNumbers']).toEqual([
      { value: '+1 555 0100', type: 'work' },
      { type: 'mobile', value: '+1 555 0199' },
    ]);
  });

  it('valuePath add on an existing element updates it, not a second one', () => {
    const out = patchUser(
      { userName: 'u', addresses: [{ type: 'work', locality: 'Old' }] },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Redmond' },
      { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: '98052' },
    );
    expect(out.resource['addresses']).toEqual([{ type: 'work', locality: 'Redmond', postalCode: '98052' }]);
  });

  it('group: replace displayName', () => {
    const out = patchGroup(baseGroup(), {
      op: 'Replace',
      path: 'displayName',
      value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
    });
    expect(out.resource).toEqual({ displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName', externalId: 'g-ext' });
    expect(out.changed).toEqual(['displayName']);
    expect(out.memberOps).toEqual([]);
  });

  it('group: add member with "$ref": null', () => {
    const out = patchGroup(baseGroup(), { op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] });
    expect(out.memberOps).toEqual([{ kind: 'add', members: [{ value: 'f648f8d5ea4e4cd38e9c' }] }]);
    expect(out.resource).toEqual(baseGroup());
    expect(out.changed).toEqual([]);
  });

  it('group: remove member without the flag (value array with "$ref": null)', () => {
    const out = patchGroup(baseGroup(), { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] });
    expect(out.memberOps).toEqual([{ kind: 'remove', ids: ['f648f8d5ea4e4cd38e9c'] }]);
  });

  it('group: remove member without the flag (§1.4 table form)', () => {
    expect(patchGroup(baseGroup(), { op: 'Remove', path: 'members', value: [{ value: 'u1091' }] }).memberOps).toEqual([
      { kind: 'remove', ids: ['u1091'] },
    ]);
  });

  it('group: remove member with the flag (members[value eq "id"])', () => {
    const out = patchGroup(baseGroup(), { op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' });
    expect(out.memberOps).toEqual([{ kind: 'remove', ids: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'] }]);
  });

  it('group: several members in one PATCH (gallery checklist)', () => {
    const out = patchGroup(
      baseGroup(),
      { op: 'Add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }] },
      { op: 'Remove', path: 'members', value: [{ value: 'u4' }, { value: 'u5' }] },
    );
    expect(out.memberOps).toEqual([
      { kind: 'add', members: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }] },
      { kind: 'remove', ids: ['u4', 'u5'] },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('manager (Entra tutorial Examples 4–5, go-scim#75, the Microsoft Validator)', () => {
  const MGR_PATH = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager';
  it.each([
    [
      'tutorial: path "manager", [{$ref, value}]',
      { op: 'Add', path: 'manager', value: [{ $ref: 'http://h/scim/Users/00aa', value: '00aa' }] },
      { value: '00aa', $ref: 'http://h/scim/Users/00aa' },
    ],
    ['URN path with a plain id string', { op: 'Add', path: MGR_PATH, value: '00aa' }, { value: '00aa' }],
    ['Validator: URN path with {value}', { op: 'replace', path: MGR_PATH, value: { value: '00aa' } }, { value: '00aa' }],
    ['Validator add: {value}', { op: 'add', path: MGR_PATH, value: { value: '00aa' } }, { value: '00aa' }],
    [
      'manager.value path',
      { op: 'replace', path: `${MGR_PATH}.value`, value: '00aa' },
      { value: '00aa', $ref: 'https://x/scim/v2/Users/mgr-1' },
    ],
    ['path-less URN-qualified key', { op: 'replace', value: { [MGR_PATH]: '00aa' } }, { value: '00aa' }],
    [
      'read-only displayName inside the value is dropped',
      { op: 'replace', path: MGR_PATH, value: { value: '00aa', displayName: 'Boss' } },
      { value: '00aa' },
    ],
  ])('%s', (_label, op, expected) => {
    const out = patchUser(baseUser(), op);
    expect((out.resource[EXT] as Record<string, unknown>)['manager']).toEqual(expected);
    expect(out.changed).toEqual([`${EXT}:manager`]);
  });

  it('sets a manager on a user with no extension yet', () => {
    expect(patchUser({ userName: 'u' }, { op: 'Add', path: MGR_PATH, value: 'm' }).resource).toEqual({
      userName: 'u',
      [EXT]: { manager: { value: 'm' } },
    });
  });

  it.each([
    ['remove', { op: 'remove', path: MGR_PATH }],
    ['Remove with a value', { op: 'Remove', path: MGR_PATH, value: [{ value: 'mgr-1' }] }],
    ['replace with ""', { op: 'replace', path: MGR_PATH, value: '' }],
    ['replace with null', { op: 'replace', path: MGR_PATH, value: null }],
    ['replace with {value: ""}', { op: 'replace', path: MGR_PATH, value: { value: '' } }],
    ['replace with []', { op: 'replace', path: MGR_PATH, value: [] }],
    ['remove manager.value', { op: 'remove', path: `${MGR_PATH}.value` }],
  ])('removes the manager: %s', (_label, op) => {
    const out = patchUser(baseUser(), op);
    expect(out.resource[EXT]).toEqual({ employeeNumber: 'E-1', department: 'Sales' });
    expect(out.changed).toEqual([`${EXT}:manager`]);
  });

  it('drops the extension object when its last attribute goes', () => {
    const out = patchUser({ userName: 'u', [EXT]: { manager: { value: 'm' } } }, { op: 'remove', path: MGR_PATH });
    expect(out.resource).toEqual({ userName: 'u' });
  });

  it('refuses two managers', () => {
    expectScimError(
      () => patchUser(baseUser(), { op: 'replace', path: MGR_PATH, value: [{ value: 'a' }, { value: 'b' }] }),
      'invalidValue',
      /manager/,
    );
  });

  it('manager.displayName is read-only', () => {
    expectScimError(() => patchUser(baseUser(), { op: 'replace', path: `${MGR_PATH}.displayName`, value: 'x' }), 'mutability');
  });
});

// ---------------------------------------------------------------------------------------------

describe('Okta requests (IDP-BEHAVIOUR.md §2.2)', () => {
  it.each([false, true])('path-less replace {active: %s} (deactivate / reactivate)', (active) => {
    const out = patchUser({ ...baseUser(), active: !active }, { op: 'replace', value: { active } });
    expect(out.resource['active']).toBe(active);
    expect(out.changed).toEqual(['active']);
  });

  it('password sync: returned apart, never stored', () => {
    const out = patchUser(baseUser(), { op: 'replace', value: { password: 'n3w-Secret' } });
    expect(out.password).toBe('n3w-Secret');
    expect(out.resource).not.toHaveProperty('password');
    expect(out.resource).toEqual(baseUser());
    expect(out.changed).toEqual(['password']);
    expect(patchUser(baseUser(), { op: 'replace', path: 'password', value: 'p2' }).password).toBe('p2');
  });

  it('rename with the same id inside the value (sent on every membership update)', () => {
    const out = applyPatch(
      'Group',
      baseGroup(),
      body({ op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } }),
      { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b' },
    );
    expect(out.resource).toEqual({ displayName: 'Test SCIMv2', externalId: 'g-ext' });
    expect(out.memberOps).toEqual([]);
  });

  it('rename with a different id → mutability', () => {
    expectScimError(() => patchGroup(baseGroup(), { op: 'replace', value: { id: 'someone-else', displayName: 'X' } }), 'mutability', /id/);
  });

  it('membership: remove by filter then add, in operation order', () => {
    const out = patchGroup(
      baseGroup(),
      { op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
      { op: 'add', path: 'members', value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }] },
    );
    expect(out.memberOps).toEqual([
      { kind: 'remove', ids: ['89bb1940-b905-4575-9e7f-6f887cfb368e'] },
      { kind: 'add', members: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }] },
    ]);
  });

  it('full push: replace members = removeAll then add', () => {
    const out = patchGroup(baseGroup(), {
      op: 'replace',
      path: 'members',
      value: [
        { value: 'a', display: 'A' },
        { value: 'b', display: 'B' },
      ],
    });
    expect(out.memberOps).toEqual([
      { kind: 'removeAll' },
      {
        kind: 'add',
        members: [
          { value: 'a', display: 'A' },
          { value: 'b', display: 'B' },
        ],
      },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Microsoft SCIM Validator (IDP-BEHAVIOUR.md §1.6)', () => {
  it('Patch User – Add Attributes (verbose) on a user created with only userName', () => {
    const ops = [
      { op: 'add', path: 'displayName', value: 'Rosalind' },
      { op: 'add', path: 'title', value: 'Engineer' },
      { op: 'add', path: 'preferredLanguage', value: 'en-GB' },
      { op: 'add', path: 'name.givenName', value: 'Ros' },
      { op: 'add', path: 'name.familyName', value: 'Franklin' },
      { op: 'add', path: 'name.formatted', value: 'Ros Franklin' },
      { op: 'add', path: 'emails[type eq "work"].value', value: 'ros@example.com' },
      { op: 'add', path: 'emails[type eq "work"].primary', value: 'True' },
      { op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '1-555-0100' },
      { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '1-555-0101' },
      { op: 'add', path: 'phoneNumbers[type eq "fax"].value', value: '1-555-0102' },
      { op: 'add', path: 'addresses[type eq "work"].streetAddress', value: '1 Lab Way' },
      { op: 'add', path: 'addresses[type eq "work"].locality', value: 'Cambridge' },
      { op: 'add', path: 'addresses[type eq "work"].country', value: 'UK' },
      { op: 'add', path: 'roles[primary eq "True"].display', value: 'Admin' },
      { op: 'add', path: 'roles[primary eq "True"].value', value: 'admin' },
      { op: 'add', path: 'roles[primary eq "True"].type', value: 'WindowsAzureActiveDirectoryRole' },
      { op: 'add', path: `${EXT}:employeeNumber`, value: '42' },
      { op: 'add', path: `${EXT}:department`, value: 'Research' },
      { op: 'add', path: 'active', value: 'True' },
    ];
    const out = patchUser({ userName: 'ros@example.com' }, ...ops);
    expect(out.resource).toEqual({
      userName: 'ros@example.com',
      displayName: 'Rosalind',
      title: 'Engineer',
      preferredLanguage: 'en-GB',
      active: true,
      name: { givenName: 'Ros', familyName: 'Franklin', formatted: 'Ros Franklin' },
      emails: [{ type: 'work', value: 'ros@example.com', primary: true }],
      phoneNumbers: [
        { type: 'work', value: '1-555-0100' },
        { type: 'mobile', value: '1-555-0101' },
        { type: 'fax', value: '1-555-0102' },
      ],
      addresses: [{ type: 'work', streetAddress: '1 Lab Way', locality: 'Cambridge', country: 'UK' }],
      roles: [{ primary: true, display: 'Admin', value: 'admin', type: 'WindowsAzureActiveDirectoryRole' }],
      [EXT]: { employeeNumber: '42', department: 'Research' },
    });
  });

  it('Patch User – Replace Attributes on work email, phone and address', () => {
    const out = patchUser(
      { ...baseUser(), addresses: [{ type: 'work', locality: 'Old', primary: true }] },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'w@x' },
      { op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '1' },
      { op: 'replace', path: 'addresses[type eq "work"].locality', value: 'New' },
    );
    expect(out.resource['addresses']).toEqual([{ type: 'work', locality: 'New', primary: true }]);
    expect(out.resource['phoneNumbers']).toEqual([{ value: '1', type: 'work' }]);
    expect(out.changed).toEqual(['emails', 'phoneNumbers', 'addresses']);
  });

  it('Update User userName: path-less replace', () => {
    expect(patchUser(baseUser(), { op: 'replace', value: { userName: 'new@x' } }).resource['userName']).toBe('new@x');
  });

  it('Patch Group – Replace Attributes: path-less externalId; Update displayName', () => {
    expect(patchGroup(baseGroup(), { op: 'replace', value: { externalId: 'e2' } }).resource).toEqual({
      displayName: 'Engineering',
      externalId: 'e2',
    });
    expect(patchGroup(baseGroup(), { op: 'replace', value: { displayName: 'Eng' } }).changed).toEqual(['displayName']);
  });

  it('multiple ops on the same attribute apply in order', () => {
    const out = patchUser(
      baseUser(),
      { op: 'replace', path: 'title', value: 'A' },
      { op: 'replace', path: 'title', value: 'B' },
      { op: 'remove', path: 'nickName' },
      { op: 'add', path: 'nickName', value: 'N' },
    );
    expect(out.resource).toMatchObject({ title: 'B', nickName: 'N' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('Azure reference Postman collection (§3)', () => {
  it('add member: value array with "displayName" (ignored)', () => {
    const out = patchGroup(baseGroup(), {
      name: 'addMember',
      op: 'add',
      path: 'members',
      value: [{ displayName: 'new User', value: 'u4' }],
    });
    expect(out.memberOps).toEqual([{ kind: 'add', members: [{ value: 'u4' }] }]);
  });

  it('remove all users: path members, no value', () => {
    expect(patchGroup(baseGroup(), { op: 'remove', path: 'members' }).memberOps).toEqual([{ kind: 'removeAll' }]);
  });

  it('"garbage" add member with a bare string value is taken as one member id', () => {
    const out = applyPatch(
      'Group',
      baseGroup(),
      { id: ID, Operations: [{ op: 'add', path: 'members', value: 'string id 1' }], schemas: [PATCH_OP_SCHEMA] },
      { id: ID },
    );
    expect(out.memberOps).toEqual([{ kind: 'add', members: [{ value: 'string id 1' }] }]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('group members', () => {
  it('add a single object', () => {
    expect(patchGroup(baseGroup(), { op: 'add', path: 'members', value: { value: 'u1', type: 'user' } }).memberOps).toEqual([
      { kind: 'add', members: [{ value: 'u1', type: 'User' }] },
    ]);
  });

  it('add [] and remove [] change nothing', () => {
    expect(
      patchGroup(baseGroup(), { op: 'add', path: 'members', value: [] }, { op: 'remove', path: 'members', value: [] }).memberOps,
    ).toEqual([]);
  });

  it('remove with value null removes all', () => {
    expect(patchGroup(baseGroup(), { op: 'remove', path: 'members', value: null }).memberOps).toEqual([{ kind: 'removeAll' }]);
  });

  it('replace with [] or null: removeAll only', () => {
    expect(patchGroup(baseGroup(), { op: 'replace', path: 'members', value: [] }).memberOps).toEqual([{ kind: 'removeAll' }]);
    expect(patchGroup(baseGroup(), { op: 'replace', path: 'members', value: null }).memberOps).toEqual([{ kind: 'removeAll' }]);
  });

  it('members[value eq "a" or value eq "b"] → remove ids', () => {
    expect(patchGroup(baseGroup(), { op: 'remove', path: 'members[value eq "a" or value eq "b"]' }).memberOps).toEqual([
      { kind: 'remove', ids: ['a', 'b'] },
    ]);
  });

  it('a case-insensitive members path: Members[Value eq "a"]', () => {
    expect(patchGroup(baseGroup(), { op: 'Remove', path: 'Members[Value eq "a"]' }).memberOps).toEqual([{ kind: 'remove', ids: ['a'] }]);
  });

  it.each(['members[display eq "Bob"]', 'members[type eq "Group"]', 'members[value sw "a"]', 'members[value eq "a" and type eq "User"]'])(
    'other member filters become removeWhere: %s',
    (path) => {
      const out = patchGroup(baseGroup(), { op: 'remove', path });
      expect(out.memberOps).toHaveLength(1);
      expect(out.memberOps[0]!.kind).toBe('removeWhere');
    },
  );

  it('path-less add/replace with a members key', () => {
    expect(patchGroup(baseGroup(), { op: 'add', value: { members: [{ value: 'u1' }] } }).memberOps).toEqual([
      { kind: 'add', members: [{ value: 'u1' }] },
    ]);
    expect(patchGroup(baseGroup(), { op: 'replace', value: { displayName: 'X', members: [{ value: 'u1' }] } }).memberOps).toEqual([
      { kind: 'removeAll' },
      { kind: 'add', members: [{ value: 'u1' }] },
    ]);
  });

  it('add/replace with a members filter → invalidPath', () => {
    expectScimError(() => patchGroup(baseGroup(), { op: 'add', path: 'members[value eq "a"]', value: { value: 'a' } }), 'invalidPath');
  });

  it('member sub-attributes are immutable', () => {
    expectScimError(() => patchGroup(baseGroup(), { op: 'replace', path: 'members[value eq "a"].display', value: 'x' }), 'mutability');
    expectScimError(() => patchGroup(baseGroup(), { op: 'replace', path: 'members.display', value: 'x' }), 'mutability');
  });

  it.each([
    ['a value that is a JSON string of an array', '[{"value":"u1"}]', /JSON/],
    ['a member without value', [{ display: 'x' }], /value/],
    ['a number', 5, /members/],
  ])('refuses %s', (_label, value, detail) => {
    expectScimError(() => patchGroup(baseGroup(), { op: 'add', path: 'members', value }), 'invalidValue', detail);
  });

  it('members is not a User attribute', () => {
    expectScimError(() => patchUser(baseUser(), { op: 'add', path: 'members', value: [{ value: 'x' }] }), 'invalidPath');
  });
});

// ---------------------------------------------------------------------------------------------

describe('RFC 7644 §3.5.2.1 add', () => {
  it('appends to a multi-valued attribute', () => {
    const out = patchUser(baseUser(), { op: 'add', path: 'emails', value: [{ value: 'third@x', type: 'other' }] });
    expect(out.resource['emails']).toHaveLength(3);
    expect((out.resource['emails'] as unknown[])[2]).toEqual({ value: 'third@x', type: 'other' });
  });

  it('does not repeat a value already there (compared case-insensitively); merges what it adds', () => {
    const out = patchUser(baseUser(), { op: 'add', path: 'emails', value: [{ value: 'JANE@home.example', display: 'Home' }] });
    expect(out.resource['emails']).toEqual([
      { value: 'jdoe@example.com', type: 'work', primary: true },
      { value: 'JANE@home.example', type: 'home', display: 'Home' },
    ]);
  });

  it('an added primary value takes primary from the others (RFC 7644 §3.5.2)', () => {
    const out = patchUser(baseUser(), { op: 'add', path: 'emails', value: { value: 'new@x', primary: 'True' } });
    expect(out.resource['emails']).toEqual([
      { value: 'jdoe@example.com', type: 'work', primary: false },
      { value: 'jane@home.example', type: 'home' },
      { value: 'new@x', primary: true },
    ]);
  });

  it('setting primary on a filtered element moves it', () => {
    const out = patchUser(baseUser(), { op: 'replace', path: 'emails[type eq "home"].primary', value: true });
    expect(out.resource['emails']).toEqual([
      { value: 'jdoe@example.com', type: 'work', primary: false },
      { value: 'jane@home.example', type: 'home', primary: true },
    ]);
  });

  it('add to a single-valued attribute replaces it', () => {
    expect(patchUser(baseUser(), { op: 'add', path: 'displayName', value: 'X' }).resource['displayName']).toBe('X');
  });

  it('add to a complex attribute merges sub-attributes', () => {
    expect(patchUser(baseUser(), { op: 'add', path: 'name', value: { middleName: 'Q' } }).resource['name']).toEqual({
      givenName: 'Jane',
      familyName: 'Doe',
      formatted: 'Jane Doe',
      middleName: 'Q',
    });
  });

  it('path-less add appends to multi-valued attributes and sets the others', () => {
    const out = patchUser(
      { userName: 'u', emails: [{ value: 'a@x' }] },
      { op: 'add', value: { emails: [{ value: 'b@x' }], nickName: 'n' } },
    );
    expect(out.resource).toEqual({ userName: 'u', nickName: 'n', emails: [{ value: 'a@x' }, { value: 'b@x' }] });
  });

  it('adding the same value again changes nothing', () => {
    const out = patchUser(baseUser(), { op: 'add', path: 'emails', value: [{ value: 'jdoe@example.com', type: 'work', primary: true }] });
    expect(out.resource).toEqual(baseUser());
    expect(out.changed).toEqual([]);
  });

  it('add with a valuePath and an object value merges into the match or creates it', () => {
    expect(patchUser(baseUser(), { op: 'add', path: 'emails[type eq "work"]', value: { display: 'Work' } }).resource['emails']).toEqual([
      { value: 'jdoe@example.com', type: 'work', primary: true, display: 'Work' },
      { value: 'jane@home.example', type: 'home' },
    ]);
    expect(patchUser({ userName: 'u' }, { op: 'add', path: 'emails[type eq "work"]', value: { value: 'w@x' } }).resource['emails']).toEqual(
      [{ type: 'work', value: 'w@x' }],
    );
  });
});

describe('leniencies beyond the RFC', () => {
  it('an unqualified enterprise attribute name resolves in the extension (tutorial path "manager")', () => {
    const out = patchUser(
      { userName: 'u' },
      { op: 'replace', path: 'employeeNumber', value: '9' },
      { op: 'replace', value: { Department: 'D' } },
    );
    expect(out.resource).toEqual({ userName: 'u', [EXT]: { employeeNumber: '9', department: 'D' } });
  });

  it('an empty path is the same as none', () => {
    expect(patchUser(baseUser(), { op: 'replace', path: '', value: { title: 'T' } }).resource['title']).toBe('T');
  });

  it('emails.value without a filter sets the sub-attribute of every element, or creates one', () => {
    expect(patchUser({ userName: 'u' }, { op: 'add', path: 'emails.value', value: 'a@x' }).resource['emails']).toEqual([{ value: 'a@x' }]);
    expect(
      patchUser({ userName: 'u', emails: [{ value: 'a@x', type: 'work' }] }, { op: 'replace', path: 'emails.display', value: 'A' })
        .resource['emails'],
    ).toEqual([{ value: 'a@x', type: 'work', display: 'A' }]);
  });

  it('the core schema URN as a container key in a path-less value', () => {
    const out = patchUser(baseUser(), { op: 'replace', value: { 'urn:ietf:params:scim:schemas:core:2.0:User': { nickName: 'N' } } });
    expect(out.resource['nickName']).toBe('N');
  });
});

describe('RFC 7644 §3.5.2.3 replace', () => {
  it('replaces a multi-valued attribute whole', () => {
    const out = patchUser(baseUser(), { op: 'replace', path: 'emails', value: [{ value: 'only@x', type: 'work', primary: 'True' }] });
    expect(out.resource['emails']).toEqual([{ value: 'only@x', type: 'work', primary: true }]);
  });

  it('replaces sub-attributes of a complex attribute and leaves the others', () => {
    expect(patchUser(baseUser(), { op: 'replace', path: 'name', value: { givenName: 'J', formatted: null } }).resource['name']).toEqual({
      givenName: 'J',
      familyName: 'Doe',
    });
    expect(patchUser(baseUser(), { op: 'replace', value: { name: { familyName: 'D' } } }).resource['name']).toEqual({
      givenName: 'Jane',
      familyName: 'D',
      formatted: 'Jane Doe',
    });
  });

  it('replaces the matched elements of a valuePath, keeping what the filter pinned', () => {
    expect(patchUser(baseUser(), { op: 'replace', path: 'emails[type eq "work"]', value: { value: 'w2@x' } }).resource['emails']).toEqual([
      { type: 'work', value: 'w2@x' },
      { value: 'jane@home.example', type: 'home' },
    ]);
  });

  it('creates the element for a valuePath with an `and` of eq', () => {
    expect(
      patchUser({ userName: 'u' }, { op: 'replace', path: 'emails[type eq "work" and primary eq true].value', value: 'w@x' }).resource[
        'emails'
      ],
    ).toEqual([{ type: 'work', primary: true, value: 'w@x' }]);
  });

  it.each([
    ['replace', 'emails[value co "nomatch"].value', 'd'],
    ['replace', 'emails[type ne "work"].display', 'd'],
    ['replace', 'emails[type eq "home" or type eq "other"].display', 'd'],
    ['replace', 'emails[not (type eq "work")].display', 'd'],
    ['replace', 'emails[value co "nomatch"]', { value: 'n@x' }],
    ['add', 'emails[value sw "zz"].display', 'd'],
  ])('%s %s matching nothing, with a filter that cannot describe a new element → noTarget', (op, path, value) => {
    const user = { userName: 'u', emails: [{ value: 'a@x', type: 'work' }] };
    expectScimError(() => patchUser(user, { op, path, value }), 'noTarget');
  });

  it('Entra "Null/empty update": replace with "" and with null clears', () => {
    for (const value of ['', null]) {
      const out = patchUser(
        baseUser(),
        { op: 'replace', path: 'displayName', value },
        { op: 'replace', path: 'name.givenName', value },
        { op: 'replace', path: `${EXT}:department`, value },
        { op: 'replace', path: 'emails[type eq "home"].value', value },
        { op: 'replace', path: 'phoneNumbers', value },
      );
      expect(out.resource).not.toHaveProperty('displayName');
      expect(out.resource['name']).toEqual({ familyName: 'Doe', formatted: 'Jane Doe' });
      expect(out.resource[EXT]).toEqual({ employeeNumber: 'E-1', manager: { value: 'mgr-1', $ref: 'https://x/scim/v2/Users/mgr-1' } });
      expect(out.resource['emails']).toEqual([{ value: 'jdoe@example.com', type: 'work', primary: true }]);
      expect(out.resource).not.toHaveProperty('phoneNumbers');
      expect(out.changed).toEqual(['name.givenName', 'displayName', 'emails', 'phoneNumbers', `${EXT}:department`]);
    }
  });

  it('path-less replace with null values clears them', () => {
    const out = patchUser(baseUser(), {
      op: 'replace',
      value: { displayName: null, 'name.formatted': '', [`${EXT}:employeeNumber`]: null },
    });
    expect(out.resource).not.toHaveProperty('displayName');
    expect(out.resource['name']).toEqual({ givenName: 'Jane', familyName: 'Doe' });
    expect(out.resource[EXT]).not.toHaveProperty('employeeNumber');
  });

  it('clearing the last sub-attribute removes the complex attribute', () => {
    const out = patchUser({ userName: 'u', name: { givenName: 'G' } }, { op: 'replace', path: 'name.givenName', value: '' });
    expect(out.resource).toEqual({ userName: 'u' });
  });
});

describe('RFC 7644 §3.5.2.2 remove', () => {
  it('removes a single-valued attribute', () => {
    const out = patchUser(baseUser(), { op: 'remove', path: 'externalId' });
    expect(out.resource).not.toHaveProperty('externalId');
    expect(out.changed).toEqual(['externalId']);
  });

  it('removes a whole multi-valued attribute', () => {
    expect(patchUser(baseUser(), { op: 'remove', path: 'emails' }).resource).not.toHaveProperty('emails');
  });

  it('removes the elements a filter matches', () => {
    expect(patchUser(baseUser(), { op: 'remove', path: 'emails[type eq "home"]' }).resource['emails']).toEqual([
      { value: 'jdoe@example.com', type: 'work', primary: true },
    ]);
  });

  it('removing the last element leaves the attribute unassigned', () => {
    expect(patchUser(baseUser(), { op: 'remove', path: 'phoneNumbers[type eq "work"]' }).resource).not.toHaveProperty('phoneNumbers');
  });

  it('a filter that matches nothing is not an error for remove (the RFC asks noTarget only of replace)', () => {
    const out = patchUser(baseUser(), { op: 'remove', path: 'emails[type eq "other"]' });
    expect(out.resource).toEqual(baseUser());
    expect(out.changed).toEqual([]);
  });

  it('removing the value of a filtered element removes the element', () => {
    expect(patchUser(baseUser(), { op: 'remove', path: 'emails[type eq "home"].value' }).resource['emails']).toEqual([
      { value: 'jdoe@example.com', type: 'work', primary: true },
    ]);
  });

  it('removing another sub-attribute keeps the element', () => {
    expect(patchUser(baseUser(), { op: 'remove', path: 'emails[type eq "work"].primary' }).resource['emails']).toEqual([
      { value: 'jdoe@example.com', type: 'work' },
      { value: 'jane@home.example', type: 'home' },
    ]);
  });

  it('removes listed elements when a value array is given (Entra form)', () => {
    expect(patchUser(baseUser(), { op: 'remove', path: 'emails', value: [{ value: 'JANE@home.example' }] }).resource['emails']).toEqual([
      { value: 'jdoe@example.com', type: 'work', primary: true },
    ]);
  });

  it('removes a sub-attribute and an enterprise attribute', () => {
    const out = patchUser(baseUser(), { op: 'remove', path: 'name.formatted' }, { op: 'remove', path: `${EXT}:employeeNumber` });
    expect(out.resource['name']).toEqual({ givenName: 'Jane', familyName: 'Doe' });
    expect(out.resource[EXT]).toEqual({ department: 'Sales', manager: { value: 'mgr-1', $ref: 'https://x/scim/v2/Users/mgr-1' } });
    expect(out.changed).toEqual(['name.formatted', `${EXT}:employeeNumber`]);
  });

  it('removing an attribute that is not there changes nothing', () => {
    expect(patchUser({ userName: 'u' }, { op: 'remove', path: 'title' }, { op: 'remove', path: 'emails' }).changed).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('mutability, required attributes and atomicity', () => {
  it.each(['id', 'meta', 'meta.created', 'meta.lastModified', 'groups', 'groups[value eq "g"]'])(
    'explicit path %s → mutability',
    (path) => {
      expectScimError(() => patchUser(baseUser(), { op: 'replace', path, value: 'x' }), 'mutability');
      expectScimError(() => patchUser(baseUser(), { op: 'remove', path }), 'mutability');
    },
  );

  it('read-only keys in a path-less value are ignored', () => {
    const out = patchUser(baseUser(), {
      op: 'replace',
      value: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], meta: { resourceType: 'User' }, groups: [], id: ID, title: 'T' },
    });
    expect(out.resource).toEqual({ ...baseUser(), title: 'T' });
  });

  it('unknown keys in a path-less value are ignored', () => {
    const out = patchUser(baseUser(), {
      op: 'add',
      value: { favouriteColour: 'blue', 'urn:example:custom:2.0:User:tag': 'x', nickName: 'N' },
    });
    expect(out.resource).toEqual({ ...baseUser(), nickName: 'N' });
  });

  it.each([
    [{ op: 'remove', path: 'userName' }],
    [{ op: 'replace', path: 'userName', value: '' }],
    [{ op: 'replace', path: 'userName', value: null }],
    [{ op: 'replace', value: { userName: null } }],
  ])('the required userName cannot go: %j → mutability', (op) => {
    expectScimError(() => patchUser(baseUser(), op), 'mutability', /userName/);
  });

  it('the required group displayName cannot go', () => {
    expectScimError(() => patchGroup(baseGroup(), { op: 'remove', path: 'displayName' }), 'mutability', /displayName/);
  });

  it('password cannot be removed or set to a non-string', () => {
    expectScimError(() => patchUser(baseUser(), { op: 'remove', path: 'password' }), 'mutability');
    expectScimError(() => patchUser(baseUser(), { op: 'replace', path: 'password', value: 123 }), 'invalidValue', /password/);
  });

  it('is atomic: a failing later operation leaves the current resource untouched', () => {
    const current = baseUser();
    const snapshot = structuredClone(current);
    expectScimError(
      () =>
        patchUser(
          current,
          { op: 'replace', path: 'title', value: 'T' },
          { op: 'remove', path: 'emails' },
          { op: 'replace', path: 'active', value: 'perhaps' },
        ),
      'invalidValue',
      /Operations\[2\].*active/,
    );
    expect(current).toEqual(snapshot);
  });

  it('never mutates the current resource on success either', () => {
    const current = baseUser();
    const snapshot = structuredClone(current);
    patchUser(
      current,
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y' },
      { op: 'remove', path: `${EXT}:manager` },
      { op: 'replace', path: 'name.givenName', value: 'Q' },
    );
    expect(current).toEqual(snapshot);
  });
});

describe('wrong types', () => {
  it.each([
    [{ op: 'replace', path: 'active', value: 'maybe' }, /active/],
    [{ op: 'replace', path: 'active', value: 1 }, /active/],
    [{ op: 'replace', path: 'name', value: 'Jane Doe' }, /name/],
    [{ op: 'replace', path: 'displayName', value: { a: 1 } }, /displayName/],
    [{ op: 'replace', path: 'emails', value: '[{"value":"a@x"}]' }, /emails.*JSON/],
    [{ op: 'add', path: 'emails', value: 'a@x' }, /emails/],
    [{ op: 'replace', path: 'emails[type eq "work"].value', value: ['a'] }, /emails\[type eq "work"\]\.value/],
    [{ op: 'replace', path: 'emails[type eq "work"]', value: [{ value: 'a' }, { value: 'b' }] }, /one object/],
    [{ op: 'replace', path: 'roles[primary eq "True"].primary', value: 'sure' }, /primary/],
    [{ op: 'replace', value: { [EXT]: 'x' } }, /enterprise/],
    [{ op: 'replace', path: EXT, value: 'x' }, /enterprise/],
  ])('%j → invalidValue', (op, detail) => {
    expectScimError(() => patchUser(baseUser(), op), 'invalidValue', detail);
  });
});

describe('parsePatchPath', () => {
  it.each([
    ['userName', 'userName', undefined, false],
    ['USERNAME', 'userName', undefined, false],
    ['name.givenName', 'name', 'givenName', false],
    ['Name.GivenName', 'name', 'givenName', false],
    ['urn:ietf:params:scim:schemas:core:2.0:User:name.familyName', 'name', 'familyName', false],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', 'manager', undefined, true],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', 'employeeNumber', undefined, false],
    ['manager', 'manager', undefined, true],
    ['emails[type eq "work"].value', 'emails', 'value', true],
    ['emails[type eq "other"].Value', 'emails', 'value', true],
    ['addresses[type eq "work"].locality', 'addresses', 'locality', true],
    ['emails[type eq "work"]', 'emails', undefined, true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value', 'emails', 'value', true],
    ['emails[value eq "a]b"].display', 'emails', 'display', true],
  ])('%s', (path, attr, sub, _flag) => {
    const p = parsePatchPath(path, 'User');
    expect(p.attr.attr.name).toBe(attr);
    expect(p.attr.sub?.name).toBe(sub);
    expect(p.subAttr?.name).toBe(sub);
    expect(p.filter !== undefined).toBe(path.includes('['));
  });

  it('members[value eq "id"] on a Group', () => {
    const p = parsePatchPath('members[value eq "id"]', 'Group');
    expect(p.attr.attr.name).toBe('members');
    expect(p.filter).toMatchObject({ op: 'eq', value: 'id' });
  });

  it.each<[string, ResourceKind]>([
    ['nope', 'User'],
    ['name.nope', 'User'],
    ['name.givenName.more', 'User'],
    ['emails[type eq "work"', 'User'],
    ['emails[type eq "work"].nope', 'User'],
    ['emails[type eq "work"]value', 'User'],
    ['emails[type eq "work"].value.x', 'User'],
    ['emails[]', 'User'],
    ['emails[type eqq "work"]', 'User'],
    ['emails[nope eq "work"]', 'User'],
    ['name[givenName eq "x"]', 'User'],
    ['emails.value[type eq "x"]', 'User'],
    ['userName[value eq "x"]', 'User'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nope', 'User'],
    ['urn:example:unknown:User:x', 'User'],
    ['members', 'User'],
    ['userName', 'Group'],
    ['', 'User'],
  ])('%s on %s → invalidPath', (path, kind) => {
    expectScimError(() => parsePatchPath(path, kind), 'invalidPath');
  });

  it('an invalid path inside a PATCH → invalidPath naming the operation', () => {
    expectScimError(
      () => patchUser(baseUser(), { op: 'replace', path: 'favouriteColour', value: 'x' }),
      'invalidPath',
      /Operations\[0\].*favouriteColour/,
    );
  });
});

describe('changed', () => {
  it('is empty when nothing changes and lists paths in schema order otherwise', () => {
    expect(patchUser(baseUser(), { op: 'replace', path: 'displayName', value: 'Jane Doe' }).changed).toEqual([]);
    expect(
      patchUser(
        baseUser(),
        { op: 'replace', path: `${EXT}:department`, value: 'Ops' },
        { op: 'replace', path: 'active', value: false },
        { op: 'add', path: 'userName', value: 'x' },
      ).changed,
    ).toEqual(['userName', 'active', `${EXT}:department`]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('properties', () => {
  const paths = [
    'userName',
    'displayName',
    'active',
    'title',
    'name',
    'name.givenName',
    'emails',
    'emails[type eq "work"].value',
    'emails[type eq "home"]',
    'emails[value co "x"].primary',
    'phoneNumbers[type eq "mobile"].value',
    'roles[primary eq "True"].display',
    'addresses[type eq "work"].locality',
    `${EXT}:manager`,
    `${EXT}:employeeNumber`,
    'id',
    'meta.created',
    'groups',
    'password',
    'bogus',
    '',
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('True', 'False', '', null, true, false, 0),
    fc.record(
      { value: fc.string({ maxLength: 4 }), type: fc.constantFrom('work', 'home'), primary: fc.constantFrom(true, 'True', false) },
      { requiredKeys: [] },
    ),
    fc.array(fc.record({ value: fc.string({ maxLength: 4 }), type: fc.constantFrom('work', 'home') }, { requiredKeys: [] }), {
      maxLength: 3,
    }),
    fc.dictionary(
      fc.constantFrom('displayName', 'name.givenName', 'active', 'meta', 'id', EXT),
      fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null)),
      { maxKeys: 3 },
    ),
  );
  const op = fc.record(
    { op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove'), path: fc.constantFrom(...paths), value },
    { requiredKeys: ['op'] },
  );

  it('a PATCH either throws a 400 ScimError and leaves the input alone, or returns a valid resource', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 5 }), (ops) => {
        const current = baseUser();
        const snapshot = structuredClone(current);
        let out: PatchResult;
        try {
          out = patchUser(current, ...ops);
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
          expect((err as ScimError).status).toBe(400);
          expect(current).toEqual(snapshot);
          return;
        }
        expect(current).toEqual(snapshot);
        expect(typeof out.resource['userName']).toBe('string');
        expect(out.resource).not.toHaveProperty('password');
        expect(out.resource).not.toHaveProperty('meta');
        expect(out.resource).not.toHaveProperty('id');
        for (const attr of ['emails', 'phoneNumbers', 'roles', 'addresses']) {
          const arr = out.resource[attr];
          if (arr === undefined) continue;
          expect(Array.isArray(arr) && arr.length > 0).toBe(true);
          expect((arr as Record<string, unknown>[]).filter((e) => e['primary'] === true).length).toBeLessThanOrEqual(1);
        }
        // Applying nothing new to the result is stable: re-validating changes nothing.
        expect(patchUser(out.resource, { op: 'add', path: 'title', value: out.resource['title'] ?? null }).resource).toEqual(out.resource);
      }),
      { numRuns: 300 },
    );
  });
});
