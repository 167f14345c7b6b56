import { describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import { checkIfMatch, notModified } from '../../src/scim/preconditions.js';
import { parseProjection, project, wants } from '../../src/scim/projection.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: '1',
  userName: 'ana',
  name: { givenName: 'Ana', familyName: 'Lima' },
  emails: [
    { value: 'a@x.com', type: 'work', primary: true },
    { value: 'b@x.com', type: 'home' },
  ],
  [ENT]: { employeeNumber: '7', department: 'R&D' },
  meta: { resourceType: 'User' },
};

describe('projection', () => {
  it('attributes keeps id and schemas plus what is named, case-insensitively, with sub-attributes', () => {
    const p = parseProjection('User', 'USERNAME, name.givenName, emails.type, emails.value', undefined);
    expect(project(user, p)).toEqual({
      schemas: user.schemas,
      id: '1',
      userName: 'ana',
      name: { givenName: 'Ana' },
      emails: [
        { type: 'work', value: 'a@x.com' },
        { type: 'home', value: 'b@x.com' },
      ],
    });
  });

  it('attributes reaches extension attributes by URN', () => {
    const p = parseProjection('User', `${ENT}:employeeNumber`, undefined);
    expect(project(user, p)).toEqual({ schemas: user.schemas, id: '1', [ENT]: { employeeNumber: '7' } });
  });

  it('excludedAttributes removes what is named but never id', () => {
    const p = parseProjection('User', undefined, 'emails,name.familyName,id,meta');
    const out = project(user, p);
    expect(out).not.toHaveProperty('emails');
    expect(out).not.toHaveProperty('meta');
    expect(out.name).toEqual({ givenName: 'Ana' });
    expect(out.id).toBe('1');
    expect(user.emails).toHaveLength(2); // the input is not mutated
  });

  it('ignores unknown names and refuses both parameters at once', () => {
    expect(project(user, parseProjection('User', 'nosuch', undefined))).toEqual({ schemas: user.schemas, id: '1' });
    expect(() => parseProjection('User', 'userName', 'emails')).toThrow(ScimError);
  });

  it('wants() tells whether a related attribute must be read at all', () => {
    expect(wants(parseProjection('Group', undefined, 'members'), 'members')).toBe(false);
    expect(wants(parseProjection('Group', undefined, 'members.display'), 'members')).toBe(true);
    expect(wants(parseProjection('Group', 'displayName', undefined), 'members')).toBe(false);
    expect(wants(parseProjection('Group', 'members.value', undefined), 'members')).toBe(true);
    expect(wants({}, 'members')).toBe(true);
  });
});

describe('preconditions', () => {
  it('If-Match compares weakly, accepts * and lists, and fails with 412 otherwise', () => {
    expect(() => checkIfMatch('W/"3"', 3)).not.toThrow();
    expect(() => checkIfMatch('"3"', 3)).not.toThrow();
    expect(() => checkIfMatch('*', 3)).not.toThrow();
    expect(() => checkIfMatch('W/"1", W/"3"', 3)).not.toThrow();
    expect(() => checkIfMatch(undefined, 3)).not.toThrow();
    try {
      checkIfMatch('W/"2"', 3);
      expect.unreachable();
    } catch (err) {
      expect((err as ScimError).status).toBe(412);
    }
  });

  it('If-None-Match matches the current version only', () => {
    expect(notModified('W/"3"', 3)).toBe(true);
    expect(notModified('W/"2"', 3)).toBe(false);
    expect(notModified(undefined, 3)).toBe(false);
  });
});
