import { describe, expect, it } from 'vitest';
import { compareCodePoints, isPresent, matchesElement, matchesFilter } from '../../src/scim/filter-eval.js';
import { parseFilter, parseValueFilter } from '../../src/scim/filter.js';
import { resolveAttrPath, type ResourceKind } from '../../src/scim/schema-defs.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const babs = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'bjensen',
  userName: 'Bjensen@Example.com',
  name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  nickName: '',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
  addresses: [
    { type: 'work', locality: 'Hollywood', primary: true },
    { type: 'home', locality: 'Paris' },
  ],
  roles: [{ value: 'admin', display: 'Admin', primary: true }],
  [ENT]: {
    employeeNumber: '701984',
    department: 'Tour Operations',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
  },
  meta: { resourceType: 'User', created: '2010-01-23T04:56:22.000Z', lastModified: '2011-05-13T04:42:34.000Z' },
};

const minimal = {
  id: 'b1',
  userName: 'minimal',
  active: false,
  emails: [],
  name: {},
  meta: { resourceType: 'User', created: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-01T00:00:00.000Z' },
};

const group = {
  id: 'g1',
  displayName: 'Tour Guides',
  members: [
    { value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen', type: 'User' },
    { value: 'G2', display: 'Élodie Team', type: 'Group' },
  ],
  meta: { resourceType: 'Group', created: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-01T00:00:00.000Z' },
};

const m = (filter: string, resource: Record<string, unknown>, kind: ResourceKind = 'User') =>
  matchesFilter(parseFilter(filter, kind), resource);

describe('matchesFilter: strings', () => {
  it('compares case-insensitively unless caseExact', () => {
    expect(m('userName eq "bjensen@example.com"', babs)).toBe(true);
    expect(m('userName eq "BJENSEN@EXAMPLE.COM"', babs)).toBe(true);
    expect(m('externalId eq "bjensen"', babs)).toBe(true);
    expect(m('externalId eq "BJensen"', babs)).toBe(false); // caseExact
    expect(m('id eq "2819C223-7F76-453A-919D-413861904646"', babs)).toBe(false); // caseExact
    expect(m('name.familyName eq "JENSEN"', babs)).toBe(true);
    expect(m('displayName eq "babs jensen"', babs)).toBe(true);
  });

  it('folds non-ASCII letters', () => {
    const u = { userName: 'ÉLODIE' };
    expect(m('userName eq "élodie"', u)).toBe(true);
    expect(m('userName sw "él"', u)).toBe(true);
  });

  it('implements co, sw, ew, gt, ge, lt, le', () => {
    expect(m('title co "UR g"', babs)).toBe(true);
    expect(m('title sw "tour"', babs)).toBe(true);
    expect(m('title sw "guide"', babs)).toBe(false);
    expect(m('title ew "GUIDE"', babs)).toBe(true);
    expect(m('title co ""', babs)).toBe(true);
    expect(m('title gt "tour"', babs)).toBe(true);
    expect(m('title gt "tour guide"', babs)).toBe(false);
    expect(m('title ge "tour guide"', babs)).toBe(true);
    expect(m('title lt "tv"', babs)).toBe(true);
    expect(m('title le "TOUR GUIDE"', babs)).toBe(true);
    expect(m('title lt "tour guide"', babs)).toBe(false);
  });

  it('orders by code point, as SQLite does', () => {
    expect(compareCodePoints('\uffff', '\u{10000}')).toBeLessThan(0);
    expect('\uffff' < '\u{10000}').toBe(false); // what JavaScript alone would say
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('b', 'abc')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
    expect(m('title gt "\uffff"', { title: '\u{10000}' })).toBe(true);
  });

  it('matches nothing when the stored value is not a string', () => {
    expect(m('title eq "5"', { title: 5 })).toBe(false);
    expect(m('title pr', { title: 5 })).toBe(true);
  });
});

describe('matchesFilter: absent values, ne, not, pr', () => {
  it('is false for comparisons on absent attributes, except ne', () => {
    expect(m('userType eq "x"', babs)).toBe(false);
    expect(m('userType gt "a"', babs)).toBe(false);
    expect(m('userType co ""', babs)).toBe(false);
    expect(m('userType ne "x"', babs)).toBe(true);
    expect(m('not (userType eq "x")', babs)).toBe(true);
    expect(m('name.givenName ne "x"', minimal)).toBe(true);
  });

  it('makes ne the negation of eq on multi-valued attributes', () => {
    expect(m('emails.value ne "babs@jensen.org"', babs)).toBe(false); // one email equals it
    expect(m('emails.value ne "nobody@x"', babs)).toBe(true);
    expect(m('emails.value ne "x"', minimal)).toBe(true);
    // Inside brackets ne applies per element.
    expect(m('emails[value ne "babs@jensen.org"]', babs)).toBe(true);
    expect(m('emails[value ne "x"]', minimal)).toBe(false);
  });

  it('treats null, "", [], {} as not present and false as present', () => {
    expect(isPresent(undefined)).toBe(false);
    expect(isPresent(null)).toBe(false);
    expect(isPresent('')).toBe(false);
    expect(isPresent([])).toBe(false);
    expect(isPresent({})).toBe(false);
    expect(isPresent(false)).toBe(true);
    expect(isPresent(0)).toBe(true);
    expect(m('nickName pr', babs)).toBe(false);
    expect(m('title pr', babs)).toBe(true);
    expect(m('emails pr', babs)).toBe(true);
    expect(m('emails pr', minimal)).toBe(false);
    expect(m('name pr', minimal)).toBe(false);
    expect(m('name pr', babs)).toBe(true);
    expect(m('active pr', minimal)).toBe(true);
    expect(m('title eq null', minimal)).toBe(true);
    expect(m('title ne null', babs)).toBe(true);
  });

  it('combines with and/or/not as two-valued logic', () => {
    expect(m('title eq "tour guide" and (userType eq "x" or nickName ne "y")', babs)).toBe(true);
    expect(m('not (title pr and userType eq "x")', babs)).toBe(true);
    expect(m('not (title pr) or userType pr', babs)).toBe(false);
  });
});

describe('matchesFilter: multi-valued and valuePath', () => {
  it('matches when any element matches', () => {
    expect(m('emails.value eq "babs@jensen.org"', babs)).toBe(true);
    expect(m('emails co "jensen.org"', babs)).toBe(true);
    expect(m('emails.type eq "home"', babs)).toBe(true);
    expect(m('emails.primary eq true', babs)).toBe(true);
    expect(m('emails.display pr', babs)).toBe(false);
    expect(m('addresses.locality eq "paris"', babs)).toBe(true);
  });

  it('requires one element to satisfy the whole bracket filter', () => {
    expect(m('emails[type eq "work"].value eq "bjensen@example.com"', babs)).toBe(true);
    expect(m('emails[type eq "work"].value eq "babs@jensen.org"', babs)).toBe(false);
    // The two-clause reading the library would produce matches across elements.
    expect(m('emails[type eq "work"] and emails.value eq "babs@jensen.org"', babs)).toBe(true);
    expect(m('emails[type eq "home" and primary eq true]', babs)).toBe(false);
    expect(m('emails[type eq "work" and primary eq "True"]', babs)).toBe(true);
    expect(m('addresses[type eq "work"].locality eq "hollywood"', babs)).toBe(true);
    expect(m('addresses[type eq "home"].locality eq "hollywood"', babs)).toBe(false);
    expect(m('roles[primary eq "True"].display eq "admin"', babs)).toBe(true);
  });

  it('treats non-object elements as elements without sub-attributes', () => {
    const odd = { emails: ['a@b', null, { value: 'c@d' }] };
    expect(m('emails.value eq "a@b"', odd)).toBe(false);
    expect(m('emails[not (type eq "work")]', odd)).toBe(true);
    expect(m('emails[value pr]', odd)).toBe(true);
    expect(m('emails.value eq "x"', { emails: { value: 'x' } })).toBe(false); // not an array
  });

  it('reads extension attributes under their URN', () => {
    expect(m('manager eq "26118915-6090-4610-87e4-49d8ca9f808d"', babs)).toBe(true);
    expect(m(`${ENT}:manager.displayName sw "john"`, babs)).toBe(true);
    expect(m(`${ENT}:employeeNumber eq 701984`, babs)).toBe(true);
    expect(m(`${ENT}:department co "operations"`, babs)).toBe(true);
    expect(m(`${ENT}:manager[value pr and displayName ew "smith"]`, babs)).toBe(true);
    expect(m(`${ENT}:manager pr`, minimal)).toBe(false);
    expect(m('manager eq "x"', { ...babs, [ENT]: 'nope' })).toBe(false);
  });

  it('evaluates group members (value is caseExact: it is an id)', () => {
    expect(m('members[value eq "2819c223-7f76-453a-919d-413861904646"]', group, 'Group')).toBe(true);
    expect(m('members.value eq "g2"', group, 'Group')).toBe(false);
    expect(m('members.value eq "G2"', group, 'Group')).toBe(true);
    expect(m('members[type eq "group" and display sw "élodie"]', group, 'Group')).toBe(true);
    expect(m('members eq "G2"', group, 'Group')).toBe(true);
    expect(m('members pr', group, 'Group')).toBe(true);
    expect(m('members pr', { ...group, members: [] }, 'Group')).toBe(false);
  });
});

describe('matchesFilter: booleans, dateTimes, meta', () => {
  it('compares booleans with real JSON booleans only', () => {
    expect(m('active eq true', babs)).toBe(true);
    expect(m('active eq "False"', minimal)).toBe(true);
    expect(m('active ne true', minimal)).toBe(true);
    expect(m('active eq true', { active: 'True' })).toBe(false);
    expect(m('active eq false', {})).toBe(false);
    expect(m('active ne false', {})).toBe(true);
  });

  it('compares dateTimes in time order', () => {
    expect(m('meta.lastModified gt "2011-05-13T04:42:33Z"', babs)).toBe(true);
    expect(m('meta.lastModified gt "2011-05-13T04:42:34Z"', babs)).toBe(false);
    expect(m('meta.lastModified ge "2011-05-13T06:42:34+02:00"', babs)).toBe(true);
    expect(m('meta.created lt "2011-01-01"', babs)).toBe(true);
    expect(m('meta.created eq "2010-01-23T04:56:22Z"', babs)).toBe(true);
  });

  it('reads meta.resourceType caseExact', () => {
    expect(m('meta.resourceType eq "User"', babs)).toBe(true);
    expect(m('meta.resourceType eq "user"', babs)).toBe(false);
    expect(m('meta.resourceType eq "Group"', group, 'Group')).toBe(true);
  });
});

describe('matchesElement', () => {
  const emails = resolveAttrPath('User', 'emails')!;
  const roles = resolveAttrPath('User', 'roles')!;
  const members = resolveAttrPath('Group', 'members')!;

  it('evaluates a relative filter against one element', () => {
    expect(matchesElement(parseValueFilter('type eq "work"', 'User', emails), { type: 'Work', value: 'x' })).toBe(true);
    expect(matchesElement(parseValueFilter('type eq "work"', 'User', emails), { type: 'home' })).toBe(false);
    expect(
      matchesElement(parseValueFilter('type eq "work" and value ew "@x.com"', 'User', emails), { type: 'work', value: 'A@X.COM' }),
    ).toBe(true);
    expect(matchesElement(parseValueFilter('primary eq "True"', 'User', roles), { value: 'r', primary: true })).toBe(true);
    expect(matchesElement(parseValueFilter('primary eq "True"', 'User', roles), { value: 'r' })).toBe(false);
    expect(matchesElement(parseValueFilter('not (primary eq true)', 'User', roles), { value: 'r' })).toBe(true);
    expect(matchesElement(parseValueFilter('value eq "abc"', 'Group', members), { value: 'abc' })).toBe(true);
    expect(matchesElement(parseValueFilter('value eq "ABC"', 'Group', members), { value: 'abc' })).toBe(false);
    expect(matchesElement(parseValueFilter('display pr', 'Group', members), { value: 'abc', display: '' })).toBe(false);
    expect(matchesElement(parseValueFilter('value eq null', 'Group', members), {})).toBe(true);
  });
});
