import { describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import type { FilterNode } from '../../src/scim/filter-ast.js';
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  displayPath,
  normalizeDateTime,
  parseFilter,
  parseValueFilter,
} from '../../src/scim/filter.js';
import {
  GROUP_ATTRIBUTES,
  USER_ATTRIBUTES,
  resolveAttrPath,
  resolveLenientAttrPath,
  type ResourceKind,
} from '../../src/scim/schema-defs.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A compact rendering of a filter tree, to compare against expectations. */
function show(node: FilterNode): string {
  switch (node.op) {
    case 'and':
    case 'or':
      return `(${node.op} ${node.filters.map(show).join(' ')})`;
    case 'not':
      return `(not ${show(node.filter)})`;
    case 'valuePath':
      return `(${displayPath(node.path)}[] ${show(node.filter)})`;
    case 'pr':
      return `(pr ${displayPath(node.path)})`;
    default:
      return `(${node.op} ${displayPath(node.path)} ${JSON.stringify(node.value)})`;
  }
}

const p = (text: string, kind: ResourceKind = 'User') => show(parseFilter(text, kind));

function invalid(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    const e = err as ScimError;
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidFilter');
    expect(e.detail.length).toBeGreaterThan(10);
    return e;
  }
  throw new Error('expected a ScimError');
}

describe('parseFilter: operators', () => {
  it.each([
    ['title eq "x"', '(eq title "x")'],
    ['title ne "x"', '(ne title "x")'],
    ['title co "x"', '(co title "x")'],
    ['title sw "x"', '(sw title "x")'],
    ['title ew "x"', '(ew title "x")'],
    ['title gt "x"', '(gt title "x")'],
    ['title ge "x"', '(ge title "x")'],
    ['title lt "x"', '(lt title "x")'],
    ['title le "x"', '(le title "x")'],
    ['title pr', '(pr title)'],
  ])('%s', (text, expected) => {
    expect(p(text)).toBe(expected);
  });

  it('reads operators, and/or/not case-insensitively', () => {
    expect(p('userName Eq "x"')).toBe('(eq userName "x")');
    expect(p('title PR')).toBe('(pr title)');
    expect(p('title eq "a" AND nickName eq "b"')).toBe('(and (eq title "a") (eq nickName "b"))');
    expect(p('title eq "a" Or nickName eq "b"')).toBe('(or (eq title "a") (eq nickName "b"))');
    expect(p('NOT (title eq "a")')).toBe('(not (eq title "a"))');
  });

  it('reads attribute names case-insensitively and returns canonical definitions', () => {
    expect(p('USERNAME eq "x"')).toBe('(eq userName "x")');
    expect(p('name.FamilyName eq "x"')).toBe('(eq name.familyName "x")');
    expect(p('Emails.Value eq "x"')).toBe('(eq emails.value "x")');
    const node = parseFilter('NAME.givenname eq "x"', 'User');
    if (node.op !== 'eq') throw new Error('expected eq');
    expect(node.path.attr).toBe(USER_ATTRIBUTES.find((a) => a.name === 'name'));
    expect(node.path.sub?.name).toBe('givenName');
  });
});

describe('parseFilter: logic, precedence, parentheses', () => {
  it('binds and tighter than or', () => {
    expect(p('title eq "a" or nickName eq "b" and userType eq "c"')).toBe('(or (eq title "a") (and (eq nickName "b") (eq userType "c")))');
    expect(p('title eq "a" and nickName eq "b" or userType eq "c"')).toBe('(or (and (eq title "a") (eq nickName "b")) (eq userType "c"))');
  });

  it('groups with parentheses', () => {
    expect(p('(title eq "a" or nickName eq "b") and userType eq "c"')).toBe(
      '(and (or (eq title "a") (eq nickName "b")) (eq userType "c"))',
    );
    expect(p('((title eq "a"))')).toBe('(eq title "a")');
  });

  it('flattens chains of the same operator', () => {
    expect(p('title eq "a" and nickName eq "b" and userType eq "c"')).toBe('(and (eq title "a") (eq nickName "b") (eq userType "c"))');
  });

  it('handles not with and/or around it', () => {
    expect(p('not (title eq "a") and nickName pr')).toBe('(and (not (eq title "a")) (pr nickName))');
    expect(p('title pr and not (nickName eq "b" or userType eq "c")')).toBe(
      '(and (pr title) (not (or (eq nickName "b") (eq userType "c"))))',
    );
    expect(p('not (not (title pr))')).toBe('(not (not (pr title)))');
  });

  it('accepts the RFC 7644 examples', () => {
    expect(p('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")')).toBe(
      '(and (eq userType "Employee") (or (co emails.value "example.com") (co emails.value "example.org")))',
    );
    expect(p('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")')).toBe(
      '(and (ne userType "Employee") (not (or (co emails.value "example.com") (co emails.value "example.org"))))',
    );
    expect(p('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]')).toBe(
      '(or (emails[] (and (eq emails.type "work") (co emails.value "@example.com"))) ' +
        '(ims[] (and (eq ims.type "xmpp") (co ims.value "@foo.com"))))',
    );
  });
});

describe('parseFilter: valuePath', () => {
  it('parses attr[filter]', () => {
    expect(p('emails[type eq "work"]')).toBe('(emails[] (eq emails.type "work"))');
    expect(p('emails[ type eq "work" ]')).toBe('(emails[] (eq emails.type "work"))');
  });

  it('resolves bracket paths relative to the bracketed attribute', () => {
    const node = parseFilter('emails[TYPE eq "work"]', 'User');
    if (node.op !== 'valuePath' || node.filter.op !== 'eq') throw new Error('expected valuePath(eq)');
    const emails = USER_ATTRIBUTES.find((a) => a.name === 'emails')!;
    expect(node.path.attr).toBe(emails);
    expect(node.path.sub).toBeUndefined();
    expect(node.filter.path.attr).toBe(emails);
    expect(node.filter.path.sub).toBe(emails.subAttributes!.find((s) => s.name === 'type'));
  });

  it("turns Entra's attr[inner].sub op value into ONE valuePath", () => {
    expect(p('emails[type eq "work"].value eq "bjensen@example.com"')).toBe(
      '(emails[] (and (eq emails.type "work") (eq emails.value "bjensen@example.com")))',
    );
    expect(p('emails[type eq "work" or type eq "home"].value eq "x"')).toBe(
      '(emails[] (and (or (eq emails.type "work") (eq emails.type "home")) (eq emails.value "x")))',
    );
    expect(p('emails[type eq "work"].value pr')).toBe('(emails[] (and (eq emails.type "work") (pr emails.value)))');
    expect(p('emails[type eq "work"].value eq "x" and userName eq "y"')).toBe(
      '(and (emails[] (and (eq emails.type "work") (eq emails.value "x"))) (eq userName "y"))',
    );
    expect(p('userName eq "y" or (emails[type eq "work"].Value Eq "x")')).toBe(
      '(or (eq userName "y") (emails[] (and (eq emails.type "work") (eq emails.value "x"))))',
    );
    expect(p('addresses[type eq "work"].locality eq "Hollywood"')).toBe(
      '(addresses[] (and (eq addresses.type "work") (eq addresses.locality "Hollywood")))',
    );
  });

  it('accepts a valuePath on a single-valued complex attribute', () => {
    expect(p('name[givenName eq "Ann"]')).toBe('(name[] (eq name.givenName "Ann"))');
    expect(p(`${ENT}:manager[value eq "m1"]`)).toBe(`(${ENT}:manager[] (eq ${ENT}:manager.value "m1"))`);
  });

  it('parses group member filters', () => {
    expect(p('members[value eq "2819c223"]', 'Group')).toBe('(members[] (eq members.value "2819c223"))');
    expect(p('members.value eq "2819c223"', 'Group')).toBe('(eq members.value "2819c223")');
    expect(p('members eq "2819c223"', 'Group')).toBe('(eq members.value "2819c223")');
    expect(p('members[type eq "User" and display co "ann"]', 'Group')).toBe(
      '(members[] (and (eq members.type "User") (co members.display "ann")))',
    );
  });
});

describe('parseFilter: what Entra and Okta send', () => {
  it.each([
    ['userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"', '(eq userName "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee")'],
    ['externalId eq jyoung', '(eq externalId "jyoung")'],
    ['externalId eq "jyoung"', '(eq externalId "jyoung")'],
    ['id eq "5d48a0a8e9f04aa38008" and manager eq "00aa"', `(and (eq id "5d48a0a8e9f04aa38008") (eq ${ENT}:manager.value "00aa"))`],
    ['emails[type eq "work"].value eq "Test@contoso.com"', '(emails[] (and (eq emails.type "work") (eq emails.value "Test@contoso.com")))'],
    ['userName eq "test.user@okta.local"', '(eq userName "test.user@okta.local")'],
    [
      'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
      '(and (eq name.familyName "Employee") (or (co emails.value "example.com") (co emails.value "example.org")))',
    ],
    ['userName sw O', '(sw userName "O")'],
    ['meta.Created gt 2015-10-10T14:38:21.8617979-07:00', '(gt meta.created "2015-10-10T21:38:21.861Z")'],
    ['userName eq user@example.com', '(eq userName "user@example.com")'],
  ])('User: %s', (text, expected) => {
    expect(p(text)).toBe(expected);
  });

  it.each([
    ['displayName eq "displayName"', '(eq displayName "displayName")'],
    ['DisplayName eq "BobIsAmazing"', '(eq displayName "BobIsAmazing")'],
    ['displayName eq "Test SCIMv2"', '(eq displayName "Test SCIMv2")'],
  ])('Group: %s', (text, expected) => {
    expect(p(text, 'Group')).toBe(expected);
  });
});

describe('parseFilter: attribute paths', () => {
  it('resolves URN-qualified core and extension paths', () => {
    expect(p('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "x"')).toBe('(eq name.familyName "x")');
    expect(p('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"')).toBe('(eq userName "x")');
    expect(p(`${ENT}:manager.value eq "m"`)).toBe(`(eq ${ENT}:manager.value "m")`);
    expect(p(`${ENT}:employeeNumber eq "701984"`)).toBe(`(eq ${ENT}:employeeNumber "701984")`);
    expect(p(`${ENT.toUpperCase()}:Department eq "x"`)).toBe(`(eq ${ENT}:department "x")`);
    expect(p('urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x"', 'Group')).toBe('(eq displayName "x")');
  });

  it('finds a bare extension attribute name in the extension (Entra: manager)', () => {
    expect(p('manager eq "m1"')).toBe(`(eq ${ENT}:manager.value "m1")`);
    expect(p('employeeNumber eq "1"')).toBe(`(eq ${ENT}:employeeNumber "1")`);
    expect(resolveLenientAttrPath('User', 'userName')?.attr.name).toBe('userName');
    expect(resolveLenientAttrPath('Group', 'manager')).toBeUndefined();
  });

  it('reads a complex attribute without sub-attribute as its value', () => {
    expect(p('emails eq "x"')).toBe('(eq emails.value "x")');
    expect(p('emails co "x"')).toBe('(co emails.value "x")');
    expect(p('emails pr')).toBe('(pr emails)');
    expect(p('name pr')).toBe('(pr name)');
  });

  it('parses meta filters', () => {
    expect(p('meta.resourceType eq "User"')).toBe('(eq meta.resourceType "User")');
    expect(p('meta.lastModified ge "2024-01-01T00:00:00Z"')).toBe('(ge meta.lastModified "2024-01-01T00:00:00.000Z")');
  });
});

describe('parseFilter: values', () => {
  it('decodes JSON escapes in strings', () => {
    expect(p(String.raw`title eq "a \"b\" c\\d"`)).toBe(String.raw`(eq title "a \"b\" c\\d")`);
    expect(p(String.raw`title eq "caf\u00e9\n"`)).toBe(String.raw`(eq title "café\n")`);
    expect(p(String.raw`title eq "a\/b"`)).toBe('(eq title "a/b")');
  });

  it('keeps keywords, brackets and parentheses inside strings as text', () => {
    expect(p('title eq "a and b) or (c"')).toBe('(eq title "a and b) or (c")');
    expect(p('title eq "x] [y"')).toBe('(eq title "x] [y")');
    expect(p('title eq "" and nickName eq "eq"')).toBe('(and (eq title "") (eq nickName "eq"))');
    expect(p('title eq and')).toBe('(eq title "and")');
  });

  it('quotes bare words that are not true/false/null/a number', () => {
    expect(p('externalId eq 7f3b-1')).toBe('(eq externalId "7f3b-1")');
    expect(p('title eq Vice')).toBe('(eq title "Vice")');
    expect(p('(externalId eq jyoung)')).toBe('(eq externalId "jyoung")');
    expect(p('emails[type eq work].value eq j.young@contoso.com')).toBe(
      '(emails[] (and (eq emails.type "work") (eq emails.value "j.young@contoso.com")))',
    );
  });

  it('accepts not without parentheses, leniently', () => {
    expect(p('not title pr and nickName pr')).toBe('(and (not (pr title)) (pr nickName))');
  });

  it('compares a number or boolean given for a string attribute as the text written', () => {
    expect(p('userName eq 123')).toBe('(eq userName "123")');
    expect(p(`${ENT}:employeeNumber eq 00701984`)).toBe(`(eq ${ENT}:employeeNumber "00701984")`);
    expect(p('title eq 1.50')).toBe('(eq title "1.50")');
    expect(p('title eq true')).toBe('(eq title "true")');
  });

  it('types booleans, leniently', () => {
    expect(p('active eq true')).toBe('(eq active true)');
    expect(p('active eq False')).toBe('(eq active false)');
    expect(p('active eq "True"')).toBe('(eq active true)');
    expect(p('active ne "false"')).toBe('(ne active false)');
    expect(p('roles[primary eq "True"]')).toBe('(roles[] (eq roles.primary true))');
  });

  it('normalises dateTimes', () => {
    expect(p('meta.created gt "2011-05-13T04:42:34Z"')).toBe('(gt meta.created "2011-05-13T04:42:34.000Z")');
    expect(p('meta.created lt "2011-05-13T04:42:34+02:00"')).toBe('(lt meta.created "2011-05-13T02:42:34.000Z")');
    expect(p('meta.created ge "2011-05-13"')).toBe('(ge meta.created "2011-05-13T00:00:00.000Z")');
    expect(p('meta.created ge "2011-05-13T04:42:34"')).toBe('(ge meta.created "2011-05-13T04:42:34.000Z")');
    expect(normalizeDateTime('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z');
    expect(normalizeDateTime('2023-02-29T10:00:00Z')).toBeUndefined();
    expect(normalizeDateTime('1')).toBeUndefined();
  });

  it('reads eq null as "not present" and ne null as "present"', () => {
    expect(p('title eq null')).toBe('(not (pr title))');
    expect(p('title ne null')).toBe('(pr title)');
    expect(p('emails[type eq null]')).toBe('(emails[] (not (pr emails.type)))');
    expect(p('title eq "null"')).toBe('(eq title "null")');
  });

  it('accepts tabs, newlines and missing spaces around strings', () => {
    expect(p('title\teq\n"x"')).toBe('(eq title "x")');
    expect(p('title eq"x"and(nickName pr)')).toBe('(and (eq title "x") (pr nickName))');
  });
});

describe('parseFilter: invalid filters are 400 invalidFilter', () => {
  it.each([
    [''],
    ['   '],
    ['userName'],
    ['userName eq'],
    ['userName "x"'],
    ['userName foo "x"'],
    ['userName eq "x" foo'],
    ['userName eq "x" and'],
    ['and userName eq "x"'],
    ['userName eq "x" "y"'],
    ['userName pr "x"'],
    ['(userName eq "x"'],
    ['userName eq "x")'],
    ['()'],
    ['not'],
    ['not ()'],
    ['emails[type eq "work"'],
    ['emails type eq "work"]'],
    ['emails[]'],
    ['emails[type eq "work"].value'],
    ['emails[type eq "work"].value and userName pr'],
    ['emails[type eq "work"].value[type eq "x"] eq "y"'],
    ['emails[type[value eq "x"] eq "y"]'],
    ['emails[type eq "a"] [type eq "b"]'],
    ['userName eq "abc'],
    [String.raw`userName eq "\x"`],
    ['userName eq "a\u0001b"'],
    ['userName[value eq "x"]'],
    ['name.givenName[value eq "x"]'],
  ])('%j', (text) => {
    invalid(() => parseFilter(text, 'User'));
  });

  it('names an unknown attribute', () => {
    expect(invalid(() => parseFilter('fooBar eq "x"', 'User')).detail).toContain('fooBar');
    expect(invalid(() => parseFilter('name.middle eq "x"', 'User')).detail).toContain('name.middle');
    expect(invalid(() => parseFilter('emails[foo eq "x"]', 'User')).detail).toContain('foo');
    expect(invalid(() => parseFilter('userName eq "x"', 'Group')).detail).toContain('userName');
    expect(invalid(() => parseFilter('urn:ietf:params:scim:schemas:extension:other:2.0:User:tag eq "x"', 'User')).detail).toContain('tag');
    invalid(() => parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName.x eq "x"', 'User'));
  });

  it('refuses bad dates', () => {
    invalid(() => parseFilter('meta.created gt "yesterday"', 'User'));
    invalid(() => parseFilter('meta.created gt "2024-02-30T00:00:00Z"', 'User'));
    invalid(() => parseFilter('meta.created gt "2024-01-01T25:00:00Z"', 'User'));
    invalid(() => parseFilter('meta.created gt 20240101', 'User'));
    invalid(() => parseFilter('meta.created co "2024"', 'User'));
  });

  it('refuses type mismatches on booleans and null', () => {
    invalid(() => parseFilter('active gt true', 'User'));
    invalid(() => parseFilter('active co "t"', 'User'));
    invalid(() => parseFilter('active eq "yes"', 'User'));
    invalid(() => parseFilter('active eq 1', 'User'));
    invalid(() => parseFilter('title gt null', 'User'));
    invalid(() => parseFilter('title co null', 'User'));
  });

  it('refuses complex attributes without a value to compare', () => {
    expect(invalid(() => parseFilter('name eq "x"', 'User')).detail).toContain('name');
    invalid(() => parseFilter('addresses eq "x"', 'User'));
  });

  it('refuses attributes that are never filterable', () => {
    expect(invalid(() => parseFilter('password eq "x"', 'User')).detail).toContain('password');
    invalid(() => parseFilter('password pr', 'User'));
    invalid(() => parseFilter('groups.value eq "g1"', 'User'));
    invalid(() => parseFilter('groups[value eq "g1"]', 'User'));
    invalid(() => parseFilter('meta.version eq "W/\\"1\\""', 'User'));
    invalid(() => parseFilter('meta.location eq "x"', 'Group'));
    invalid(() => parseFilter('meta pr', 'User'));
    invalid(() => parseFilter('meta[created gt "2024-01-01"]', 'User'));
    invalid(() => parseFilter('members.$ref eq "x"', 'Group'));
  });

  it('refuses filters that are too long', () => {
    const text = `userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`;
    expect(invalid(() => parseFilter(text, 'User')).detail).toContain(String(MAX_FILTER_LENGTH));
    const justFits = `userName eq "${'a'.repeat(MAX_FILTER_LENGTH - 14)}"`;
    expect(justFits.length).toBe(MAX_FILTER_LENGTH);
    expect(() => parseFilter(justFits, 'User')).not.toThrow();
  });

  it('refuses filters that nest too deep', () => {
    const parens = (n: number) => `${'('.repeat(n)}title pr${')'.repeat(n)}`;
    expect(() => parseFilter(parens(MAX_FILTER_DEPTH - 1), 'User')).not.toThrow();
    invalid(() => parseFilter(parens(MAX_FILTER_DEPTH + 1), 'User'));
    invalid(() => parseFilter(parens(1000), 'User'));
    const nots = (n: number) => `${'not ('.repeat(n)}title pr${')'.repeat(n)}`;
    expect(() => parseFilter(nots(MAX_FILTER_DEPTH - 1), 'User')).not.toThrow();
    invalid(() => parseFilter(nots(MAX_FILTER_DEPTH + 1), 'User'));
    invalid(() => parseFilter(`${'not '.repeat(600)}title pr`, 'User'));
  });

  it('never lets a raw error through on junk', () => {
    for (const junk of ['"', '[', ']', ')', '(', '"\\', 'eq eq eq', '[[[', '"a" eq "b"', 'a.b.c.d eq 1', ']."x', '\u0000', '💥 eq 1']) {
      invalid(() => parseFilter(junk, 'User'));
    }
  });
});

describe('parseValueFilter', () => {
  const emails = resolveAttrPath('User', 'emails')!;
  const roles = resolveAttrPath('User', 'roles')!;
  const members = resolveAttrPath('Group', 'members')!;
  const v = (text: string, kind: ResourceKind, parent = emails) => show(parseValueFilter(text, kind, parent));

  it('resolves paths relative to the parent attribute', () => {
    expect(v('type eq "work"', 'User')).toBe('(eq emails.type "work")');
    expect(v('Type eq "work" and primary eq true', 'User')).toBe('(and (eq emails.type "work") (eq emails.primary true))');
    expect(v('value eq "2819c223"', 'Group', members)).toBe('(eq members.value "2819c223")');
    expect(v('primary eq "True"', 'User', roles)).toBe('(eq roles.primary true)');
    const node = parseValueFilter('value eq "x"', 'Group', members);
    if (node.op !== 'eq') throw new Error('expected eq');
    expect(node.path.attr).toBe(GROUP_ATTRIBUTES.find((a) => a.name === 'members'));
    expect(node.path.sub?.name).toBe('value');
  });

  it('accepts a full path to a sub-attribute of the same parent', () => {
    expect(v('emails.type eq "work"', 'User')).toBe('(eq emails.type "work")');
  });

  it('does not apply the filter-query restrictions (PATCH may match on $ref)', () => {
    expect(v('$ref eq "https://x/Users/1"', 'Group', members)).toBe('(eq members.$ref "https://x/Users/1")');
  });

  it('refuses unknown sub-attributes, brackets and bad parents', () => {
    expect(invalid(() => parseValueFilter('foo eq "x"', 'User', emails)).detail).toContain('foo');
    invalid(() => parseValueFilter('type[value eq "x"]', 'User', emails));
    invalid(() => parseValueFilter('type eq "x"', 'User', resolveAttrPath('User', 'userName')!));
    invalid(() => parseValueFilter('type eq "x"', 'User', resolveAttrPath('User', 'emails.value')!));
    invalid(() => parseValueFilter('primary eq "maybe"', 'User', roles));
    invalid(() => parseValueFilter('', 'User', emails));
  });
});
