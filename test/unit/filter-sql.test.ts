import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import { compareCodePoints, matchesFilter } from '../../src/scim/filter-eval.js';
import { parseFilter } from '../../src/scim/filter.js';
import { fold } from '../../src/scim/fold.js';
import { ENTERPRISE_SCHEMA as ENT, type ResourceKind } from '../../src/scim/schema-defs.js';
import { parseSort } from '../../src/scim/sort.js';
import { compileFilter, compileSort, registerSqlFunctions } from '../../src/store/filter-sql.js';
import migration from '../../src/store/migrations/0001-initial.js';

// ---------------------------------------------------------------------------------------------
// A database seeded with plain INSERTs in the layout of migration 0001, and the same data in the
// client (response) form the evaluator reads.

type Json = Record<string, unknown>;

interface SeedUser {
  id: string;
  conn: string;
  created: string;
  modified: string;
  /** Stored form: what was sent, normalised (no id, no meta). */
  resource: Json;
}

interface SeedGroup {
  id: string;
  conn: string;
  displayName: string;
  externalId?: string;
  created: string;
  modified: string;
  members: { value: string; type: 'User' | 'Group'; display: string | null }[];
}

/** The multi-valued attributes users.repo mirrors into scim_user_values. */
const SIDE_ATTRS = ['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'];

function buildDb(users: SeedUser[], groups: SeedGroup[]): Database.Database {
  const db = new Database(':memory:');
  db.exec(migration);
  registerSqlFunctions(db);
  db.prepare("INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'Org', '2024-01-01T00:00:00.000Z')").run();
  for (const c of ['c1', 'c2']) {
    db.prepare("INSERT INTO connections (id, organization_id, source, created_at) VALUES (?, 'o1', ?, '2024-01-01T00:00:00.000Z')").run(
      c,
      c,
    );
  }
  const insertUser = db.prepare(
    `INSERT INTO scim_users (id, connection_id, user_name, user_name_key, external_id, display_name_key, active,
       created_at, last_modified, resource) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertValue = db.prepare(
    `INSERT INTO scim_user_values (user_seq, connection_id, attr, position, value_key, type_key, is_primary)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const u of users) {
    const r = u.resource;
    const userName = String(r.userName);
    const seq = Number(
      insertUser.run(
        u.id,
        u.conn,
        userName,
        fold(userName),
        typeof r.externalId === 'string' ? r.externalId : null,
        typeof r.displayName === 'string' ? fold(r.displayName) : null,
        r.active === false ? 0 : 1,
        u.created,
        u.modified,
        JSON.stringify(r),
      ).lastInsertRowid,
    );
    for (const attr of SIDE_ATTRS) {
      const list = r[attr];
      if (!Array.isArray(list)) continue;
      list.forEach((el: unknown, position) => {
        const e = (el ?? {}) as Json;
        const value = attr === 'addresses' ? e.formatted : e.value;
        insertValue.run(
          seq,
          u.conn,
          attr,
          position,
          typeof value === 'string' ? fold(value) : null,
          typeof e.type === 'string' ? fold(e.type) : null,
          e.primary === true ? 1 : 0,
        );
      });
    }
  }
  const insertGroup = db.prepare(
    `INSERT INTO scim_groups (id, connection_id, display_name, display_name_key, external_id, created_at, last_modified, resource)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMember = db.prepare('INSERT INTO scim_group_members (group_seq, member_id, member_type, display) VALUES (?, ?, ?, ?)');
  for (const g of groups) {
    const resource: Json = { displayName: g.displayName };
    if (g.externalId !== undefined) resource.externalId = g.externalId;
    const seq = Number(
      insertGroup.run(
        g.id,
        g.conn,
        g.displayName,
        fold(g.displayName),
        g.externalId ?? null,
        g.created,
        g.modified,
        JSON.stringify(resource),
      ).lastInsertRowid,
    );
    for (const m of g.members) insertMember.run(seq, m.value, m.type, m.display);
  }
  return db;
}

function clientUser(u: SeedUser): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    ...u.resource,
    id: u.id,
    meta: { resourceType: 'User', created: u.created, lastModified: u.modified, location: `https://x/Users/${u.id}` },
  };
}

/** Members as groups.repo listMembers shows them: ordered by id, display falling back to the member's name. */
function clientGroup(g: SeedGroup, users: SeedUser[], groups: SeedGroup[]): Json {
  const members = [...g.members]
    .sort((a, b) => compareCodePoints(a.value, b.value))
    .map((m) => {
      let display = m.display;
      if (display === null && m.type === 'User') {
        const u = users.find((x) => x.id === m.value);
        display = u ? ((u.resource.displayName as string | undefined) ?? (u.resource.userName as string)) : null;
      }
      if (display === null && m.type === 'Group') display = groups.find((x) => x.id === m.value)?.displayName ?? null;
      return display === null ? { value: m.value, type: m.type } : { value: m.value, display, type: m.type };
    });
  const out: Json = {
    id: g.id,
    displayName: g.displayName,
    members,
    meta: { resourceType: 'Group', created: g.created, lastModified: g.modified },
  };
  if (g.externalId !== undefined) out.externalId = g.externalId;
  return out;
}

const USERS: SeedUser[] = [
  {
    id: 'u-babs',
    conn: 'c1',
    created: '2010-01-23T04:56:22.000Z',
    modified: '2011-05-13T04:42:34.000Z',
    resource: {
      userName: 'bjensen@example.com',
      externalId: 'bjensen',
      displayName: 'Babs Jensen',
      nickName: 'Babs',
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
      title: 'Tour Guide',
      userType: 'Employee',
      active: true,
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
      addresses: [
        { type: 'work', locality: 'Hollywood', country: 'USA', primary: true, formatted: '100 Universal City Plaza' },
        { type: 'home', locality: 'Paris' },
      ],
      roles: [{ value: 'Admin', display: 'Administrator', primary: true }],
      [ENT]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: 'u-john', displayName: 'John Smith' } },
    },
  },
  {
    id: 'u-john',
    conn: 'c1',
    created: '2012-03-01T10:00:00.000Z',
    modified: '2024-02-01T10:00:00.000Z',
    resource: {
      userName: 'JSmith',
      externalId: 'JS-1',
      displayName: 'John Smith',
      name: { givenName: 'John', familyName: 'Smith' },
      title: '',
      active: false,
      emails: [{ value: 'John.Smith@Example.com', type: 'Work', display: 'Work mail' }],
      roles: [{ value: 'user', primary: false }],
      [ENT]: { employeeNumber: '42', department: 'Engineering' },
    },
  },
  {
    id: 'u-elodie',
    conn: 'c1',
    created: '2015-10-10T21:38:21.861Z',
    modified: '2015-10-10T21:38:21.861Z',
    resource: {
      userName: 'élodie',
      displayName: 'ÉLODIE Durand',
      name: { familyName: 'Durand' },
      active: true,
      emails: [{ value: 'elodie@example.org' }],
      ims: [{ value: 'elodie', type: 'xmpp' }],
      addresses: [{ locality: 'Paris', country: 'FR' }],
    },
  },
  {
    id: 'u-min',
    conn: 'c1',
    created: '2020-01-01T00:00:00.000Z',
    modified: '2020-01-01T00:00:00.000Z',
    resource: { userName: 'minimal', active: true },
  },
  {
    id: 'u-jyoung',
    conn: 'c1',
    created: '2009-06-01T00:00:00.000Z',
    modified: '2024-06-01T00:00:00.000Z',
    resource: {
      userName: 'jyoung',
      externalId: 'jyoung',
      title: 'Tour guide',
      userType: 'Contractor',
      preferredLanguage: 'en-US',
      profileUrl: 'https://example.com/jyoung',
      active: true,
      emails: [
        { type: 'work', value: 'jyoung@contoso.com' },
        { type: 'other', value: 'j.young@contoso.com', primary: true },
      ],
      phoneNumbers: [
        { value: '+1 555 0100', type: 'mobile' },
        { value: '+1 555 0199', type: 'fax' },
      ],
      [ENT]: { manager: { value: 'u-babs' } },
    },
  },
  {
    id: 'u-astral',
    conn: 'c1',
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:01.000Z',
    resource: {
      userName: 'x\u{10400}y',
      displayName: '\uffff',
      title: 'Zed',
      nickName: '',
      active: true,
      emails: [],
      name: {},
      roles: [{ value: 'admin', primary: true }, { value: 'auditor' }],
      entitlements: [{ value: 'Read', type: 'app' }],
      x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAw' }],
      photos: [{ value: 'https://photos.example.com/profile/1.jpg', type: 'thumbnail' }],
      [ENT]: { department: '' },
    },
  },
  {
    id: 'u-odd',
    conn: 'c1',
    created: '2024-03-01T00:00:00.000Z',
    modified: '2024-03-01T00:00:00.000Z',
    resource: {
      userName: 'odd',
      active: true,
      title: 7,
      emails: ['bare@string.com', null, { value: 'odd@x.com', type: 'work' }],
      addresses: { locality: 'NotAnArray' },
      name: 'not an object',
    },
  },
  // Another connection: must never show up in c1's answers.
  {
    id: 'u-other',
    conn: 'c2',
    created: '2010-01-23T04:56:22.000Z',
    modified: '2011-05-13T04:42:34.000Z',
    resource: {
      userName: 'bjensen@example.com',
      externalId: 'bjensen',
      displayName: 'Babs Jensen',
      title: 'Tour Guide',
      active: true,
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
    },
  },
];

const GROUPS: SeedGroup[] = [
  {
    id: 'g-tour',
    conn: 'c1',
    displayName: 'Tour Guides',
    externalId: 'tg',
    created: '2020-01-01T00:00:00.000Z',
    modified: '2020-01-02T00:00:00.000Z',
    members: [
      { value: 'u-babs', type: 'User', display: 'Babs' },
      { value: 'u-jyoung', type: 'User', display: null },
    ],
  },
  {
    id: 'g-admins',
    conn: 'c1',
    displayName: 'Admins',
    created: '2021-01-01T00:00:00.000Z',
    modified: '2021-01-02T00:00:00.000Z',
    members: [
      { value: 'u-babs', type: 'User', display: null },
      { value: 'g-tour', type: 'Group', display: null },
    ],
  },
  {
    id: 'g-empty',
    conn: 'c1',
    displayName: 'Empty',
    created: '2022-01-01T00:00:00.000Z',
    modified: '2022-01-01T00:00:00.000Z',
    members: [],
  },
  {
    id: 'g-equipe',
    conn: 'c1',
    displayName: 'ÉQUIPE',
    externalId: 'EQ',
    created: '2023-01-01T00:00:00.000Z',
    modified: '2023-01-01T00:00:00.000Z',
    members: [{ value: 'u-elodie', type: 'User', display: 'Élodie' }],
  },
  {
    id: 'g-other',
    conn: 'c2',
    displayName: 'Admins',
    created: '2021-01-01T00:00:00.000Z',
    modified: '2021-01-02T00:00:00.000Z',
    members: [{ value: 'u-babs', type: 'User', display: null }],
  },
];

let db: Database.Database;
beforeAll(() => {
  db = buildDb(USERS, GROUPS);
});
afterAll(() => db.close());

function sqlIds(database: Database.Database, kind: ResourceKind, filter: string, conn = 'c1'): string[] {
  const { sql, params } = compileFilter(parseFilter(filter, kind), kind, conn);
  const table = kind === 'User' ? 'scim_users u' : 'scim_groups g';
  const a = kind === 'User' ? 'u' : 'g';
  const rows = database
    .prepare(`SELECT ${a}.id FROM ${table} WHERE ${a}.connection_id = ? AND (${sql})`)
    .pluck()
    .all(conn, ...params);
  return (rows as string[]).sort();
}

function evalIds(kind: ResourceKind, filter: string, users: SeedUser[], groups: SeedGroup[], conn = 'c1'): string[] {
  const node = parseFilter(filter, kind);
  const resources =
    kind === 'User'
      ? users.filter((u) => u.conn === conn).map(clientUser)
      : groups.filter((g) => g.conn === conn).map((g) => clientGroup(g, users, groups));
  return resources
    .filter((r) => matchesFilter(node, r))
    .map((r) => r.id as string)
    .sort();
}

// ---------------------------------------------------------------------------------------------

const USER_FILTERS = [
  // Entra / Okta
  'userName eq "bjensen@example.com"',
  'userName eq "BJENSEN@EXAMPLE.COM"',
  'userName eq "jsmith"',
  'userName eq "ÉLODIE"',
  'externalId eq jyoung',
  'externalId eq "JS-1"',
  'externalId eq "js-1"',
  'id eq "u-babs"',
  'id eq "U-BABS"',
  'emails[type eq "work"].value eq "bjensen@example.com"',
  'emails[type eq "work"].value eq "JOHN.SMITH@example.com"',
  'emails[type eq "work"].value eq "babs@jensen.org"',
  'emails[type eq "work"] and emails.value eq "babs@jensen.org"',
  'id eq "u-jyoung" and manager eq "u-babs"',
  'manager eq "U-BABS"',
  'displayName eq "babs jensen"',
  'displayName eq "élodie durand"',
  // every operator on columns
  'userName ne "jsmith"',
  'userName co "SMI"',
  'userName sw "j"',
  'userName sw "JSm"',
  'userName sw ""',
  'userName ew ".com"',
  'userName gt "j"',
  'userName ge "jsmith"',
  'userName lt "jsmith"',
  'userName le "jsmith"',
  'userName gt "x"',
  'userName lt "x\uffff"',
  'userName pr',
  'externalId pr',
  'externalId ne "bjensen"',
  'externalId sw "J"',
  'externalId gt "a"',
  'displayName pr',
  'displayName gt "\ufffe"',
  'displayName ew "SMITH"',
  'active eq true',
  'active eq "False"',
  'active ne true',
  'active pr',
  'meta.created gt "2012-01-01T00:00:00Z"',
  'meta.created le "2010-01-23T04:56:22Z"',
  'meta.lastModified ge "2024-01-01"',
  'meta.lastModified eq "2024-01-01T00:00:01Z"',
  'meta.lastModified ne "2024-01-01T00:00:01Z"',
  'meta.resourceType eq "User"',
  'meta.resourceType eq "Group"',
  'meta.resourceType ne "user"',
  'meta.created pr',
  // JSON attributes
  'title eq "tour guide"',
  'title co "GUIDE"',
  'title pr',
  'title ne "tour guide"',
  'title eq null',
  'title ne null',
  'title gt "tour guide"',
  'title eq "7"',
  'nickName pr',
  'nickName eq ""',
  'name.givenName sw "bar"',
  'name.familyName pr',
  'name.givenName ne "John"',
  'name pr',
  'urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "durand"',
  'userType eq "Employee" or userType eq "contractor"',
  'preferredLanguage eq "EN-us"',
  'profileUrl co "example.com/JYOUNG"',
  `${ENT}:employeeNumber eq 701984`,
  `${ENT}:employeeNumber lt "5"`,
  `${ENT}:department pr`,
  `${ENT}:department co "oper"`,
  `${ENT}:manager pr`,
  `${ENT}:manager.displayName eq "john smith"`,
  `${ENT}:manager[value eq "u-john" and displayName pr]`,
  `${ENT}:manager[not (value eq "u-john")]`,
  // multi-valued via the side table
  'emails.value eq "babs@jensen.org"',
  'emails eq "JYOUNG@contoso.com"',
  'emails co "contoso"',
  'emails.value ew ".org"',
  'emails.value sw "J"',
  'emails.value gt "john"',
  'emails.value pr',
  'emails.value ne "babs@jensen.org"',
  'emails.type eq "work"',
  'emails.type ne "work"',
  'emails.primary eq true',
  'emails.primary ne true',
  'emails[type eq "work" and primary eq true]',
  'emails[type eq "other" and primary eq "True"].value co "young"',
  'emails[type eq "work" or type eq "home"]',
  'emails[not (type eq "work")]',
  'emails[type ne "work"]',
  'emails[type eq null]',
  'emails[value pr and not (type pr)]',
  'phoneNumbers[type eq "mobile"].value eq "+1 555 0100"',
  'phoneNumbers.value co "555"',
  'ims[type eq "xmpp"].value eq "ELODIE"',
  'roles[primary eq "True"].value eq "admin"',
  'roles[value eq "admin"]',
  'roles.value eq "AUDITOR"',
  'entitlements[type eq "app" and value eq "read"]',
  'x509Certificates.value eq "miidqzccaqygawibagicebaw"',
  'photos[type eq "thumbnail"].value sw "https://photos"',
  // multi-valued via json_each
  'emails.primary eq false',
  'emails[primary eq false]',
  'emails.primary pr',
  'emails.display eq "work mail"',
  'emails[type eq "work" and display pr]',
  'emails pr',
  'emails[primary eq false or primary eq true]',
  'addresses[type eq "work"].locality eq "hollywood"',
  'addresses[type eq "home"].locality eq "hollywood"',
  'addresses.locality eq "paris"',
  'addresses.locality ne "paris"',
  'addresses[locality eq "Paris" and type pr]',
  'addresses[primary eq true]',
  'addresses.country sw "f"',
  'addresses pr',
  'roles[primary eq false]',
  // logic
  'title pr and (userType eq "employee" or nickName pr)',
  'not (title pr)',
  'not (emails[type eq "work"])',
  'not (userName eq "minimal" or active eq false)',
  'not (not (externalId pr))',
  'userName eq "odd" or emails[type eq "work"].value eq "odd@x.com"',
  'emails.value eq "bare@string.com"',
  'emails[not (value pr)]',
  'userName eq "x\u{10400}y"',
  `userName eq "bjensen@example.com" and ${ENT}:department eq "Tour Operations"`,
];

const GROUP_FILTERS = [
  'displayName eq "tour guides"',
  'displayName eq "équipe"',
  'displayName eq "Admins"',
  'displayName sw "t"',
  'displayName co "E"',
  'displayName gt "admins"',
  'displayName pr',
  'externalId eq "tg"',
  'externalId eq "TG"',
  'externalId pr',
  'externalId eq null',
  'id eq "g-empty"',
  'members[value eq "u-babs"]',
  'members[value eq "U-BABS"]',
  'members.value eq "g-tour"',
  'members eq "u-elodie"',
  'members[value eq "u-babs" and type eq "user"]',
  'members[value eq "u-babs" and display eq "babs"]',
  'members[value eq "u-babs"] and members[value eq "u-jyoung"]',
  'members[value eq "u-babs" or value eq "u-elodie"]',
  'members.value ne "u-babs"',
  'members.type eq "group"',
  'members.display eq "babs jensen"',
  'members.display eq "jyoung"',
  'members.display eq "tour guides"',
  'members.display sw "él"',
  'members.display pr',
  'members[not (display eq "babs")]',
  'members pr',
  'not (members pr)',
  'members.value pr',
  'meta.resourceType eq "Group"',
  'meta.lastModified gt "2021-01-01T00:00:00Z"',
  'meta.created lt "2022-01-01"',
  'displayName eq "Admins" and members[value eq "g-tour"]',
];

describe('compileFilter agrees with matchesFilter', () => {
  it.each(USER_FILTERS)('User: %s', (filter) => {
    expect(sqlIds(db, 'User', filter)).toEqual(evalIds('User', filter, USERS, GROUPS));
  });

  it.each(GROUP_FILTERS)('Group: %s', (filter) => {
    expect(sqlIds(db, 'Group', filter)).toEqual(evalIds('Group', filter, USERS, GROUPS));
  });

  it('also answers within the other connection only', () => {
    for (const f of ['userName eq "bjensen@example.com"', 'emails[type eq "work"].value eq "bjensen@example.com"', 'title pr']) {
      expect(sqlIds(db, 'User', f, 'c2')).toEqual(['u-other']);
      expect(evalIds('User', f, USERS, GROUPS, 'c2')).toEqual(['u-other']);
    }
    expect(sqlIds(db, 'Group', 'members[value eq "u-babs"]', 'c2')).toEqual(['g-other']);
  });
});

describe('compileFilter: answers checked by hand', () => {
  it.each([
    ['userName eq "BJENSEN@EXAMPLE.COM"', ['u-babs']],
    ['externalId eq jyoung', ['u-jyoung']],
    ['externalId eq "JYOUNG"', []],
    ['emails[type eq "work"].value eq "bjensen@example.com"', ['u-babs']],
    ['emails[type eq "work"].value eq "babs@jensen.org"', []],
    ['emails[type eq "work"].value eq "john.smith@example.com"', ['u-john']],
    ['id eq "u-jyoung" and manager eq "u-babs"', ['u-jyoung']],
    ['active eq "False"', ['u-john']],
    ['title ne "tour guide"', ['u-astral', 'u-elodie', 'u-john', 'u-min', 'u-odd']],
    ['emails.value ne "babs@jensen.org"', ['u-astral', 'u-elodie', 'u-john', 'u-jyoung', 'u-min', 'u-odd']],
    ['title pr', ['u-astral', 'u-babs', 'u-jyoung', 'u-odd']],
  ] as const)('User: %s', (filter, ids) => {
    expect(sqlIds(db, 'User', filter)).toEqual([...ids].sort());
  });

  it.each([
    ['displayName eq "TOUR GUIDES"', ['g-tour']],
    ['displayName eq "Équipe"', ['g-equipe']],
    ['members[value eq "u-babs"]', ['g-admins', 'g-tour']],
    ['members.display eq "jyoung"', ['g-tour']],
    ['not (members pr)', ['g-empty']],
  ] as const)('Group: %s', (filter, ids) => {
    expect(sqlIds(db, 'Group', filter)).toEqual([...ids].sort());
  });
});

describe('compileFilter: SQL shape', () => {
  it('binds every value as a parameter', () => {
    const evil = `x' OR 1=1; DROP TABLE scim_users; --`;
    for (const filter of [
      `userName eq "${evil}"`,
      `title co "${evil}"`,
      `emails[type eq "${evil}"].value eq "${evil}"`,
      `addresses[locality sw "${evil}"]`,
      `${ENT}:department ew "${evil}"`,
    ]) {
      const { sql, params } = compileFilter(parseFilter(filter, 'User'), 'User', 'c1');
      expect(sql).not.toContain('DROP');
      expect(sql).not.toContain('1=1');
      expect(params.length).toBeGreaterThan(0);
      expect(sqlIds(db, 'User', filter)).toEqual([]);
    }
    const conn = `c1' OR '1'='1`;
    const { sql } = compileFilter(parseFilter('emails.value eq "x"', 'User'), 'User', conn);
    expect(sql).not.toContain(conn);
  });

  it('uses the documented columns and the side table', () => {
    const c = (f: string, kind: ResourceKind = 'User') => compileFilter(parseFilter(f, kind), kind, 'c1');
    expect(c('userName eq "ABC"')).toEqual({ sql: '(u.user_name_key = ?)', params: ['abc'] });
    expect(c('externalId eq "ABC"')).toEqual({ sql: '(u.external_id = ?)', params: ['ABC'] });
    expect(c('displayName eq "ABC"', 'Group')).toEqual({ sql: '(g.display_name_key = ?)', params: ['abc'] });
    expect(c('active eq true').sql).toBe('(u.active = 1)');
    expect(c('meta.created gt "2024-01-01"').params).toEqual(['2024-01-01T00:00:00.000Z']);
    const email = c('emails[type eq "Work"].value eq "A@B"');
    expect(email.sql).toContain('u.seq IN (SELECT v.user_seq FROM scim_user_values v WHERE v.connection_id = ? AND v.attr = ?');
    expect(email.params).toEqual(['c1', 'emails', 'work', 'a@b']);
    expect(c('members[value eq "id1"]', 'Group').sql).toContain('g.seq IN (SELECT m.group_seq FROM scim_group_members m');
    expect(c(`name.givenName eq "x"`).sql).toContain(`'$."name"."givenName"'`);
    expect(c(`${ENT}:department eq "x"`).sql).toContain(`'$."${ENT}"."department"'`);
  });

  it('refuses what the store cannot answer, as invalidFilter', () => {
    const node = parseFilter('title eq "x"', 'User');
    if (node.op !== 'eq') throw new Error('expected eq');
    const passwordPath = { ...node.path, attr: { ...node.path.attr, name: 'password' } };
    for (const bad of [
      { ...node, path: passwordPath },
      {
        op: 'eq' as const,
        path: { ...node.path, attr: { ...node.path.attr, name: 'meta' }, sub: { ...node.path.attr, name: 'version' } },
        value: 'x',
      },
    ]) {
      try {
        compileFilter(bad, 'User', 'c1');
        throw new Error('expected a ScimError');
      } catch (err) {
        expect(err).toBeInstanceOf(ScimError);
        expect((err as ScimError).scimType).toBe('invalidFilter');
      }
    }
  });
});

describe('compileFilter: index use (EXPLAIN QUERY PLAN)', () => {
  function plan(kind: ResourceKind, filter: string): string[] {
    const { sql, params } = compileFilter(parseFilter(filter, kind), kind, 'c1');
    const table = kind === 'User' ? 'scim_users u' : 'scim_groups g';
    const a = kind === 'User' ? 'u' : 'g';
    const rows = db
      .prepare(`EXPLAIN QUERY PLAN SELECT ${a}.id FROM ${table} WHERE ${a}.connection_id = ? AND (${sql})`)
      .all('c1', ...params) as { detail: string }[];
    return rows.map((r) => r.detail);
  }

  it.each([
    ['User', 'userName eq "bjensen@example.com"', /SEARCH u USING INDEX scim_users_user_name/],
    ['User', 'externalId eq "bjensen"', /SEARCH u USING INDEX scim_users_external_id/],
    ['User', 'id eq "u-babs"', /SEARCH u USING INDEX sqlite_autoindex_scim_users_1/],
    [
      'User',
      'emails[type eq "work"].value eq "bjensen@example.com"',
      /SEARCH v USING (COVERING )?INDEX scim_user_values_lookup \(connection_id=\? AND attr=\? AND value_key=\?\)/,
    ],
    [
      'User',
      'emails.value eq "bjensen@example.com"',
      /SEARCH v USING (COVERING )?INDEX scim_user_values_lookup \(connection_id=\? AND attr=\? AND value_key=\?\)/,
    ],
    [
      'User',
      'userName sw "bj"',
      /SEARCH u USING INDEX scim_users_user_name \(connection_id=\? AND user_name_key>\? AND user_name_key<\?\)/,
    ],
    ['Group', 'displayName eq "Admins"', /SEARCH g USING INDEX scim_groups_display_name/],
    ['Group', 'members[value eq "u-babs"]', /SEARCH m USING COVERING INDEX scim_group_members_member \(member_id=\?\)/],
    ['Group', 'members.value eq "u-babs"', /SEARCH m USING COVERING INDEX scim_group_members_member \(member_id=\?\)/],
    ['Group', 'externalId eq "tg"', /SEARCH g USING INDEX scim_groups_external_id/],
  ] as const)('%s %s', (kind, filter, expected) => {
    const details = plan(kind, filter);
    expect(details.filter((d) => /^SCAN (u|g)\b/.test(d))).toEqual([]);
    expect(details.some((d) => expected.test(d))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('sorting: parseSort read by compileSort', () => {
  const sortSql = (sortBy: string | undefined, sortOrder: string | undefined, kind: ResourceKind) =>
    compileSort(parseSort(sortBy, sortOrder, kind), kind);
  function order(kind: ResourceKind, sortBy?: string, sortOrder?: string, conn = 'c1'): string[] {
    const by = sortSql(sortBy, sortOrder, kind);
    const table = kind === 'User' ? 'scim_users u' : 'scim_groups g';
    const a = kind === 'User' ? 'u' : 'g';
    return db.prepare(`SELECT ${a}.id FROM ${table} WHERE ${a}.connection_id = ? ORDER BY ${by}`).pluck().all(conn) as string[];
  }
  const insertionOrder = USERS.filter((u) => u.conn === 'c1').map((u) => u.id);

  /** RFC 7644 §3.4.2.3 by hand: no data last when ascending, first when descending; ties by insertion. */
  function expectedOrder(key: (u: SeedUser) => string | number | undefined, descending = false): string[] {
    const users = USERS.filter((u) => u.conn === 'c1');
    return users
      .map((u, i) => ({ id: u.id, i, k: key(u) }))
      .sort((a, b) => {
        const ma = a.k === undefined || a.k === '';
        const mb = b.k === undefined || b.k === '';
        if (ma || mb) {
          if (ma && mb) return a.i - b.i;
          return (ma ? 1 : -1) * (descending ? -1 : 1);
        }
        const c = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : compareCodePoints(String(a.k), String(b.k));
        return (descending ? -c : c) || a.i - b.i;
      })
      .map((x) => x.id);
  }
  const str = (v: unknown) => (typeof v === 'string' ? fold(v) : undefined);

  it('defaults to insertion order', () => {
    expect(sortSql(undefined, undefined, 'User')).toBe('u.seq ASC');
    expect(sortSql(undefined, 'descending', 'Group')).toBe('g.seq ASC');
    expect(order('User')).toEqual(insertionOrder);
  });

  it('sorts case-insensitively by userName, both ways', () => {
    expect(order('User', 'userName')).toEqual(expectedOrder((u) => str(u.resource.userName)));
    expect(order('User', 'USERNAME', 'Descending')).toEqual(expectedOrder((u) => str(u.resource.userName), true));
  });

  it('puts missing values last when ascending and first when descending', () => {
    const title = (u: SeedUser) => str(u.resource.title);
    expect(order('User', 'title')).toEqual(expectedOrder(title));
    expect(order('User', 'title', 'descending')).toEqual(expectedOrder(title, true));
    const given = (u: SeedUser) => str((u.resource.name as Json | undefined)?.givenName);
    expect(order('User', 'name.givenName')).toEqual(expectedOrder(given));
    expect(order('User', 'name.givenName', 'DESCENDING')).toEqual(expectedOrder(given, true));
    const ext = (u: SeedUser) => (typeof u.resource.externalId === 'string' ? u.resource.externalId : undefined);
    expect(order('User', 'externalId')).toEqual(expectedOrder(ext));
    const dn = (u: SeedUser) => str(u.resource.displayName);
    expect(order('User', 'displayName', 'descending')).toEqual(expectedOrder(dn, true));
    const dept = (u: SeedUser) => str((u.resource[ENT] as Json | undefined)?.department);
    expect(order('User', `${ENT}:department`)).toEqual(expectedOrder(dept));
  });

  it('sorts a multi-valued attribute by its primary value, else the first', () => {
    const email = (u: SeedUser) => {
      const list = u.resource.emails;
      if (!Array.isArray(list)) return undefined;
      const objects = list.map((e) => (e && typeof e === 'object' ? (e as Json) : {}));
      const chosen = objects.find((e) => e.primary === true) ?? objects[0];
      return str(chosen?.value);
    };
    expect(order('User', 'emails')).toEqual(expectedOrder(email));
    expect(order('User', 'emails.value', 'descending')).toEqual(expectedOrder(email, true));
  });

  it('sorts by dates and booleans', () => {
    expect(order('User', 'meta.lastModified')).toEqual(expectedOrder((u) => u.modified));
    expect(order('User', 'meta.created', 'descending')).toEqual(expectedOrder((u) => u.created, true));
    expect(order('User', 'active')).toEqual(expectedOrder((u) => (u.resource.active === false ? 0 : 1)));
  });

  it('sorts groups', () => {
    expect(order('Group', 'displayName')).toEqual(['g-admins', 'g-empty', 'g-tour', 'g-equipe']);
    expect(order('Group', 'displayName', 'descending')).toEqual(['g-equipe', 'g-tour', 'g-empty', 'g-admins']);
    expect(order('Group', 'externalId')).toEqual(['g-equipe', 'g-tour', 'g-admins', 'g-empty']);
    // members as listed (by id): g-admins' first is g-tour, g-tour's first is u-babs; g-empty has none.
    expect(order('Group', 'members.value')).toEqual(['g-admins', 'g-tour', 'g-equipe', 'g-empty']);
    // First displays: g-tour "babs", g-admins "tour guides" (g-tour's name), g-equipe "élodie" (é > t).
    expect(order('Group', 'members.display')).toEqual(['g-tour', 'g-admins', 'g-equipe', 'g-empty']);
  });

  it('keeps the default order for a sortBy with no data (unknown or not sortable)', () => {
    for (const sortBy of ['noSuchAttribute', 'password', 'groups', 'name', 'meta.resourceType', 'meta.location', 'urn:x:y']) {
      expect(sortSql(sortBy, 'descending', 'User')).toBe('u.seq ASC');
    }
    expect(order('User', 'noSuchAttribute', 'descending')).toEqual(insertionOrder);
  });

  it('refuses a sortOrder other than ascending/descending', () => {
    for (const bad of ['asc', 'DESC', 'up', 'ascending;']) {
      try {
        sortSql('userName', bad, 'User');
        throw new Error('expected a ScimError');
      } catch (err) {
        expect(err).toBeInstanceOf(ScimError);
        expect((err as ScimError).status).toBe(400);
        expect((err as ScimError).scimType).toBe('invalidValue');
      }
    }
    expect(() => sortSql(undefined, 'sideways', 'User')).toThrow(ScimError);
  });
});

// ---------------------------------------------------------------------------------------------
// Random data, random filters: the compiler and the evaluator must agree.

describe('compileFilter agrees with matchesFilter on random data', () => {
  const word = fc.constantFrom('a', 'A', 'ab', 'Ab', 'b', 'é', 'É', '', 'x@y', 'work', 'Work', 'home', '\u{10400}', '\uffff');
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const element = fc.record(
    { value: maybe(word), type: maybe(word), primary: maybe(fc.boolean()), display: maybe(word) },
    { requiredKeys: [] },
  );
  const address = fc.record({ locality: maybe(word), type: maybe(word), primary: maybe(fc.boolean()) }, { requiredKeys: [] });
  const userArb = fc.record(
    {
      externalId: word,
      displayName: word,
      title: fc.oneof(word, fc.constant(null)),
      active: fc.boolean(),
      name: fc.record({ givenName: word, familyName: word }, { requiredKeys: [] }),
      emails: fc.array(fc.oneof({ weight: 5, arbitrary: element }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 3 }),
      roles: fc.array(element, { maxLength: 2 }),
      addresses: fc.array(address, { maxLength: 2 }),
      [ENT]: fc.record({ department: word, manager: fc.record({ value: word }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['active'] },
  );

  const q = (w: string) => JSON.stringify(w);
  const textPaths = [
    'userName',
    'externalId',
    'displayName',
    'title',
    'name.givenName',
    'emails.value',
    'emails.type',
    'emails.display',
    'roles.value',
    'addresses.locality',
    `${ENT}:department`,
    'manager',
  ];
  const textOp = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
  const leaf = fc.oneof(
    fc.tuple(fc.constantFrom(...textPaths), textOp, word).map(([p, op, w]) => `${p} ${op} ${q(w)}`),
    fc
      .tuple(fc.constantFrom(...textPaths, 'emails', 'name', 'addresses', 'emails.primary', 'addresses.primary'), fc.constant('pr'))
      .map(([p]) => `${p} pr`),
    fc
      .tuple(
        fc.constantFrom('active', 'emails.primary', 'roles.primary', 'addresses.primary'),
        fc.constantFrom('eq', 'ne'),
        fc.constantFrom('true', 'false', '"True"'),
      )
      .map(([p, op, v]) => `${p} ${op} ${v}`),
    fc.tuple(fc.constantFrom('title', 'emails.value', 'name.givenName'), fc.constantFrom('eq', 'ne')).map(([p, op]) => `${p} ${op} null`),
  );
  const inner = (attr: 'emails' | 'roles' | 'addresses') => {
    const subs = attr === 'addresses' ? ['locality', 'type'] : ['value', 'type', 'display'];
    const innerLeaf = fc.oneof(
      fc.tuple(fc.constantFrom(...subs), textOp, word).map(([s, op, w]) => `${s} ${op} ${q(w)}`),
      fc.tuple(fc.constantFrom(...subs, 'primary'), fc.constant('pr')).map(([s]) => `${s} pr`),
      fc.tuple(fc.constantFrom('eq', 'ne'), fc.constantFrom('true', 'false')).map(([op, v]) => `primary ${op} ${v}`),
    );
    return fc.letrec<{ f: string }>((tie) => ({
      f: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        innerLeaf,
        fc.tuple(tie('f'), fc.constantFrom('and', 'or'), tie('f')).map(([a, op, b]) => `(${a} ${op} ${b})`),
        tie('f').map((a) => `not (${a})`),
      ),
    })).f;
  };
  const valuePath = fc.constantFrom('emails', 'roles', 'addresses').chain((attr) =>
    fc.oneof(
      inner(attr).map((f) => `${attr}[${f}]`),
      fc
        .tuple(inner(attr), fc.constantFrom('eq', 'co', 'ne'), word)
        .map(([f, op, w]) => `${attr}[${f}].${attr === 'addresses' ? 'locality' : 'value'} ${op} ${q(w)}`),
    ),
  );
  const filterArb = fc.letrec<{ f: string }>((tie) => ({
    f: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      valuePath,
      fc.tuple(tie('f'), fc.constantFrom('and', 'or'), tie('f')).map(([a, op, b]) => `(${a} ${op} ${b})`),
      tie('f').map((a) => `not (${a})`),
    ),
  })).f;

  it('on 300 random directories', () => {
    fc.assert(
      fc.property(
        fc.array(userArb, { minLength: 1, maxLength: 6 }),
        fc.array(filterArb, { minLength: 1, maxLength: 8 }),
        (specs, filters) => {
          const users: SeedUser[] = specs.map((s, i) => {
            const resource: Json = { ...s, userName: `user${i}${(s.displayName as string | undefined) ?? ''}` };
            for (const k of Object.keys(resource)) if (resource[k] === undefined) delete resource[k];
            return { id: `id-${i}`, conn: 'c1', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', resource };
          });
          const database = buildDb(users, []);
          try {
            for (const f of filters) {
              expect(sqlIds(database, 'User', f), f).toEqual(evalIds('User', f, users, []));
            }
          } finally {
            database.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
