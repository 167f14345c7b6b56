/**
 * The floor: a minimal Hono + better-sqlite3 SCIM server doing only the happy path of the
 * benchmark's requests, with the bridge's pragmas (WAL, synchronous=FULL, foreign_keys,
 * busy_timeout) and the bridge's own scim_* tables and indexes (read from the real migration).
 * No validation, no auth, no sync log, no access model. Run: PORT=... DATA_DIR=... node --import tsx bench/floor.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import initial from '../src/store/migrations/0001-initial.js';

const port = Number(process.env.PORT ?? 8181);
const dataDir = process.env.DATA_DIR ?? './data-floor';
mkdirSync(dataDir, { recursive: true });
const db = new Database(join(dataDir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${process.env.FLOOR_SYNCHRONOUS ?? 'FULL'}`);
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.exec(initial);
const now = () => new Date().toISOString();
const CONN = 'floor-conn';
db.prepare('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)').run('org', 'org', now());
db.prepare('INSERT INTO connections (id, organization_id, source, created_at) VALUES (?, ?, ?, ?)').run(CONN, 'org', 'azure-ad', now());

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_JSON = { 'content-type': 'application/scim+json' };

const insUser =
  db.prepare(`INSERT INTO scim_users (id, connection_id, user_name, user_name_key, external_id, display_name_key, active, created_at, last_modified, resource)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insValue = db.prepare(
  `INSERT INTO scim_user_values (user_seq, connection_id, attr, position, value_key, type_key, is_primary) VALUES (?, ?, ?, ?, ?, ?, ?)`,
);
const byUserName = db.prepare(
  'SELECT id, version, created_at, last_modified, resource FROM scim_users WHERE connection_id = ? AND user_name_key = ?',
);
const userPage = db.prepare(
  'SELECT id, version, created_at, last_modified, resource FROM scim_users WHERE connection_id = ? ORDER BY seq LIMIT ? OFFSET ?',
);
const userCount = db.prepare('SELECT count(*) FROM scim_users WHERE connection_id = ?').pluck();
const insGroup = db.prepare(
  `INSERT INTO scim_groups (id, connection_id, display_name, display_name_key, external_id, created_at, last_modified, resource) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);
const groupSeq = db.prepare('SELECT seq FROM scim_groups WHERE id = ? AND connection_id = ?').pluck();
const insMember = db.prepare('INSERT OR IGNORE INTO scim_group_members (group_seq, member_id, member_type, display) VALUES (?, ?, ?, ?)');
const delMember = db.prepare('DELETE FROM scim_group_members WHERE group_seq = ? AND member_id = ?');
const touchGroup = db.prepare('UPDATE scim_groups SET version = version + 1, last_modified = ? WHERE seq = ?');
const groupPage = db.prepare(
  'SELECT id, display_name, external_id, version, created_at, last_modified FROM scim_groups WHERE connection_id = ? ORDER BY seq LIMIT ? OFFSET ?',
);
const groupCount = db.prepare('SELECT count(*) FROM scim_groups WHERE connection_id = ?').pluck();

type Row = { id: string; version: number; created_at: string; last_modified: string; resource: string };
type GroupRow = Omit<Row, 'resource'> & { display_name: string; external_id: string | null };
/** What the floor reads of a request body: no validation, only the happy path's attributes. */
interface UserBody {
  userName: string;
  externalId?: string;
  displayName?: string;
  active?: boolean;
  emails?: { value?: string; type?: string; primary?: boolean }[];
  [attribute: string]: unknown;
}
interface MemberRef {
  value: string;
  display?: string;
}
interface GroupBody {
  displayName: string;
  externalId?: string;
  members?: MemberRef[];
}
interface PatchOp {
  op: string;
  path?: string;
  value?: MemberRef[];
}

const userOut = (origin: string, r: Row) => ({
  ...(JSON.parse(r.resource) as Record<string, unknown>),
  id: r.id,
  meta: {
    resourceType: 'User',
    created: r.created_at,
    lastModified: r.last_modified,
    version: `W/"${r.version}"`,
    location: `${origin}/scim/v2/Users/${r.id}`,
  },
});

const createUser = db.transaction((body: UserBody) => {
  const id = randomUUID();
  const t = now();
  const { id: _i, meta: _m, password: _p, ...resource } = body;
  const info = insUser.run(
    id,
    CONN,
    body.userName,
    String(body.userName).toLowerCase(),
    body.externalId ?? null,
    body.displayName ? String(body.displayName).toLowerCase() : null,
    body.active === false ? 0 : 1,
    t,
    t,
    JSON.stringify(resource),
  );
  (body.emails ?? []).forEach((e, i) =>
    insValue.run(
      info.lastInsertRowid,
      CONN,
      'emails',
      i,
      e.value ? String(e.value).toLowerCase() : null,
      e.type ?? null,
      e.primary ? 1 : 0,
    ),
  );
  const row: Row = { id, version: 1, created_at: t, last_modified: t, resource: JSON.stringify(resource) };
  return row;
});

const createGroup = db.transaction((body: GroupBody) => {
  const id = randomUUID();
  const t = now();
  const info = insGroup.run(
    id,
    CONN,
    body.displayName,
    String(body.displayName).toLowerCase(),
    body.externalId ?? null,
    t,
    t,
    JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: body.displayName, externalId: body.externalId }),
  );
  for (const m of body.members ?? []) insMember.run(info.lastInsertRowid, m.value, 'User', m.display ?? null);
  return { id, t };
});

const patchGroup = db.transaction((seq: number | bigint, ops: PatchOp[]) => {
  for (const op of ops) {
    const kind = String(op.op).toLowerCase();
    const path = String(op.path ?? '');
    if (kind === 'add' && path === 'members') {
      for (const m of op.value ?? []) insMember.run(seq, m.value, 'User', m.display ?? null);
    } else if (kind === 'remove') {
      const m = /^members\[value eq "([^"]*)"\]$/.exec(path);
      if (m) delMember.run(seq, m[1]);
      else if (path === 'members') for (const v of op.value ?? []) delMember.run(seq, v.value);
    }
  }
  touchGroup.run(now(), seq);
});

const app = new Hono();
app.post('/scim/v2/Users', async (c) => {
  const body = await c.req.json<UserBody>();
  const origin = new URL(c.req.url).origin;
  return c.body(JSON.stringify(userOut(origin, createUser(body))), 201, SCIM_JSON);
});
// Seeding for the benchmark (not measured): many users in one transaction.
const seedUsers = db.transaction((bodies: UserBody[]) => bodies.map((b) => createUser(b).id));
app.post('/bench/users', async (c) => c.json({ ids: seedUsers((await c.req.json<{ users: UserBody[] }>()).users) }));
app.get('/scim/v2/Users', (c) => {
  const origin = new URL(c.req.url).origin;
  const filter = c.req.query('filter');
  if (filter) {
    const m = /^userName eq "(.*)"$/i.exec(filter);
    const row = m ? (byUserName.get(CONN, m[1]!.toLowerCase()) as Row | undefined) : undefined;
    const res = row ? [userOut(origin, row)] : [];
    return c.body(
      JSON.stringify({ schemas: [LIST], totalResults: res.length, startIndex: 1, itemsPerPage: res.length, Resources: res }),
      200,
      SCIM_JSON,
    );
  }
  const count = Math.min(Number(c.req.query('count') ?? 100), 1000);
  const start = Math.max(Number(c.req.query('startIndex') ?? 1), 1);
  const rows = userPage.all(CONN, count, start - 1) as Row[];
  return c.body(
    JSON.stringify({
      schemas: [LIST],
      totalResults: userCount.get(CONN),
      startIndex: start,
      itemsPerPage: rows.length,
      Resources: rows.map((r) => userOut(origin, r)),
    }),
    200,
    SCIM_JSON,
  );
});
app.post('/scim/v2/Groups', async (c) => {
  const body = await c.req.json<GroupBody>();
  const { id, t } = createGroup(body);
  const origin = new URL(c.req.url).origin;
  return c.body(
    JSON.stringify({
      schemas: [GROUP_SCHEMA],
      id,
      displayName: body.displayName,
      externalId: body.externalId,
      members: body.members ?? [],
      meta: { resourceType: 'Group', created: t, lastModified: t, version: 'W/"1"', location: `${origin}/scim/v2/Groups/${id}` },
    }),
    201,
    SCIM_JSON,
  );
});
app.patch('/scim/v2/Groups/:id', async (c) => {
  const body = await c.req.json<{ Operations?: PatchOp[] }>();
  const seq = groupSeq.get(c.req.param('id'), CONN) as number | undefined;
  if (seq === undefined) return c.body(null, 404);
  patchGroup(seq, body.Operations ?? []);
  return c.body(null, 204);
});
app.get('/scim/v2/Groups', (c) => {
  const origin = new URL(c.req.url).origin;
  const count = Math.min(Number(c.req.query('count') ?? 100), 1000);
  const start = Math.max(Number(c.req.query('startIndex') ?? 1), 1);
  const rows = groupPage.all(CONN, count, start - 1) as GroupRow[];
  const res = rows.map((r) => ({
    schemas: [GROUP_SCHEMA],
    id: r.id,
    displayName: r.display_name,
    externalId: r.external_id ?? undefined,
    meta: {
      resourceType: 'Group',
      created: r.created_at,
      lastModified: r.last_modified,
      version: `W/"${r.version}"`,
      location: `${origin}/scim/v2/Groups/${r.id}`,
    },
  }));
  return c.body(
    JSON.stringify({ schemas: [LIST], totalResults: groupCount.get(CONN), startIndex: start, itemsPerPage: res.length, Resources: res }),
    200,
    SCIM_JSON,
  );
});

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log('ready'));
process.on('SIGTERM', () => {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  process.exit(0);
});
