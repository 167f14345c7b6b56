import { fold } from '../scim/fold.js';
import type { Db } from './db.js';

export interface LogSummary {
  changed?: string[];
  membersAdded?: string[];
  membersRemoved?: string[];
  /** Counts when the id lists were cut (a replace of 50,000 members is logged, not listed). */
  membersAddedCount?: number;
  membersRemovedCount?: number;
  activation?: 'activated' | 'deactivated' | null;
  operations?: number;
  /** An admin change's plain values (a new name, a role, a binding's scope): never a secret. */
  change?: Record<string, string | number | boolean | null>;
  /** The emails an admin invited. */
  invited?: string[];
  /** Refused authentications from the same address folded into this entry (see sync-log-buffer.ts). */
  repeated?: number;
}

export type LogKind = 'scim' | 'admin';

/** Who made an admin change: the key (id and name, never the secret) and how it came. */
export interface LogActor {
  keyId: string | null;
  name: string | null;
  via: 'api' | 'console' | 'cli';
}

export interface LogEntry {
  at: string;
  organizationId: string;
  connectionId: string | null;
  source: string | null;
  requestId: string;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  action: string;
  status: number;
  scimType: string | null;
  outcome: 'success' | 'failed';
  durationMs: number | null;
  userAgent: string | null;
  userKey: string | null;
  emailKey: string | null;
  groupKey: string | null;
  summary: LogSummary;
  /** Defaults to `scim`. */
  kind?: LogKind;
  /** On a refusal: what the client was told. */
  detail?: string | null;
  /** On a refusal of the admin API: its error code (`scim_managed_group`, `forbidden`, ...). */
  errorCode?: string | null;
  /** What the entry is about in words: a userName, displayName, group name, member email, key name. */
  resourceName?: string | null;
  actor?: LogActor | null;
  /** The peer address of a request refused for authentication. */
  clientIp?: string | null;
  /** X-Forwarded-For as received: a claim, not a proof. */
  forwardedFor?: string | null;
}

/**
 * The log entry of the SCIM write whose transaction is running now. better-sqlite3
 * transactions are synchronous, so nothing else runs between `openEntry` and `closeEntry`:
 * every mark made inside the transaction is linked to this entry without threading its id
 * through every layer. The entry's id is taken at the start (marks record it) and its row is
 * written once, at the end, when what the write did is known; the effects wait for that row.
 */
let current: { id: number; effects: [string, string][] } | null = null;
export const getCurrentLogId = () => current?.id ?? null;

/** Reserves the id of the next entry (the writer holds SQLite's write lock: nobody else takes it). */
export function openEntry(db: Db): number {
  const last = db.prepare('SELECT max(id) FROM sync_log').pluck().get() as number | null;
  current = { id: (last ?? 0) + 1, effects: [] };
  return current.id;
}

/** Writes the reserved entry and the effects noted meanwhile. */
export function writeEntry(db: Db, e: LogEntry): void {
  if (!current) throw new Error('no sync-log entry is open');
  insertLog(db, e, current.id);
  if (current.effects.length === 0) return;
  if (current.effects.length === 1) {
    const [type, id] = current.effects[0]!;
    db.prepare('INSERT INTO sync_log_effects (log_id, entity_type, entity_id) VALUES (?, ?, ?)').run(current.id, type, id);
    return;
  }
  db.prepare(
    `INSERT OR IGNORE INTO sync_log_effects (log_id, entity_type, entity_id)
     SELECT ?, j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?) j`,
  ).run(current.id, JSON.stringify(current.effects));
}

export function closeEntry(): void {
  current = null;
}

/** The open entry caused a sync of this entity (written with the entry). */
export function noteEffect(entityType: string, entityId: string): void {
  current?.effects.push([entityType, entityId]);
}

export function insertLog(db: Db, e: LogEntry, id: number | null = null): number {
  const { actor, ...rest } = e;
  return Number(
    db
      .prepare(
        `INSERT INTO sync_log (id, at, organization_id, connection_id, source, request_id, method, path, resource_type, resource_id,
           action, status, scim_type, outcome, duration_ms, user_agent, user_key, email_key, group_key, summary,
           kind, detail, error_code, resource_name, actor_key_id, actor_name, actor_via, client_ip, forwarded_for)
         VALUES (@id, @at, @organizationId, @connectionId, @source, @requestId, @method, @path, @resourceType, @resourceId,
           @action, @status, @scimType, @outcome, @durationMs, @userAgent, @userKey, @emailKey, @groupKey, @summary,
           @kind, @detail, @errorCode, @resourceName, @actorKeyId, @actorName, @actorVia, @clientIp, @forwardedFor)`,
      )
      .run({
        ...rest,
        id,
        summary: JSON.stringify(e.summary),
        kind: e.kind ?? 'scim',
        detail: e.detail ?? null,
        errorCode: e.errorCode ?? null,
        resourceName: e.resourceName ?? null,
        actorKeyId: actor?.keyId ?? null,
        actorName: actor?.name ?? null,
        actorVia: actor?.via ?? null,
        clientIp: e.clientIp ?? null,
        forwardedFor: e.forwardedFor ?? null,
      }).lastInsertRowid,
  );
}

/**
 * What a SCIM resource is called (its userName or displayName), for the entry of a refused
 * write that names it by id; null when the connection has no such resource.
 */
export function scimResourceName(db: Db, connectionId: string, type: 'User' | 'Group', id: string): string | null {
  const sql =
    type === 'User'
      ? 'SELECT user_name FROM scim_users WHERE id = ? AND connection_id = ?'
      : 'SELECT display_name FROM scim_groups WHERE id = ? AND connection_id = ?';
  return (db.prepare(sql).pluck().get(id, connectionId) as string | undefined) ?? null;
}

/** A group's name or a member's email in the organization, for an admin entry; null when there is none. */
export function accessResourceName(db: Db, organizationId: string, type: 'Group' | 'Member', id: string): string | null {
  const sql =
    type === 'Group'
      ? 'SELECT name FROM org_groups WHERE id = ? AND organization_id = ?'
      : 'SELECT email FROM org_members WHERE id = ? AND organization_id = ?';
  return (db.prepare(sql).pluck().get(id, organizationId) as string | undefined) ?? null;
}

/** An admin key's name (never its hash), for the actor of an admin entry. */
export function adminKeyName(db: Db, organizationId: string, keyId: string): string | null {
  return (
    (db.prepare('SELECT name FROM admin_keys WHERE id = ? AND organization_id = ?').pluck().get(keyId, organizationId) as
      string | undefined) ?? null
  );
}

export interface LogFilters {
  /** `scim` for IdP traffic, `admin` for admin changes; both when absent. */
  kind?: LogKind;
  source?: string;
  connectionId?: string;
  resourceType?: string;
  resourceId?: string;
  /** A userName or email, compared case-insensitively. */
  user?: string;
  /** A group id, or its displayName (case-insensitive). */
  group?: string;
  outcome?: 'success' | 'failed' | 'pending';
  from?: string;
  to?: string;
  /** Text in the path. */
  q?: string;
}

const PENDING = `EXISTS (SELECT 1 FROM sync_log_effects e JOIN sync_marks m
  ON m.organization_id = l.organization_id AND m.entity_type = e.entity_type AND m.entity_id = e.entity_id
  WHERE e.log_id = l.id)`;

function where(organizationId: string, f: LogFilters): { sql: string; params: unknown[] } {
  const clauses = ['l.organization_id = ?'];
  const params: unknown[] = [organizationId];
  const add = (sql: string, ...values: unknown[]) => {
    clauses.push(sql);
    params.push(...values);
  };
  if (f.kind) add('l.kind = ?', f.kind);
  if (f.source) add('l.source = ?', f.source);
  if (f.connectionId) add('l.connection_id = ?', f.connectionId);
  if (f.resourceType) add('l.resource_type = ?', f.resourceType);
  if (f.resourceId) add('l.resource_id = ?', f.resourceId);
  if (f.user) add('(l.user_key = ? OR l.email_key = ?)', fold(f.user), fold(f.user));
  if (f.group) add('(l.resource_id = ? OR l.group_key = ?)', f.group, fold(f.group));
  if (f.outcome === 'pending') add(PENDING);
  else if (f.outcome) add('l.outcome = ?', f.outcome);
  if (f.from) add('l.at >= ?', f.from);
  if (f.to) add('l.at <= ?', f.to);
  if (f.q) add('instr(l.path, ?) > 0', f.q);
  return { sql: clauses.join(' AND '), params };
}

const COLUMNS = `l.id, l.at, l.organization_id AS organizationId, l.connection_id AS connectionId, l.source, l.request_id AS requestId,
  l.method, l.path, l.resource_type AS resourceType, l.resource_id AS resourceId, l.action, l.status, l.scim_type AS scimType,
  l.outcome, l.duration_ms AS durationMs, l.user_agent AS userAgent, l.summary,
  l.kind, l.detail, l.error_code AS errorCode, l.resource_name AS resourceName,
  l.actor_key_id AS actorKeyId, l.actor_name AS actorName, l.actor_via AS actorVia,
  l.client_ip AS clientIp, l.forwarded_for AS forwardedFor,
  ${PENDING} AS pending`;

interface RawRow {
  id: number;
  at: string;
  organizationId: string;
  connectionId: string | null;
  source: string | null;
  requestId: string;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  action: string;
  status: number;
  scimType: string | null;
  outcome: 'success' | 'failed';
  durationMs: number | null;
  userAgent: string | null;
  summary: string;
  kind: LogKind;
  detail: string | null;
  errorCode: string | null;
  resourceName: string | null;
  actorKeyId: string | null;
  actorName: string | null;
  actorVia: LogActor['via'] | null;
  clientIp: string | null;
  forwardedFor: string | null;
  pending: number;
}

const toRow = (r: RawRow) => {
  const { pending, summary, actorKeyId, actorName, actorVia, ...rest } = r;
  const actor: LogActor | null = actorVia ? { keyId: actorKeyId, name: actorName, via: actorVia } : null;
  return {
    ...rest,
    actor,
    summary: JSON.parse(summary) as LogSummary,
    downstream: pending ? ('pending' as const) : ('done' as const),
  };
};

export type LogView = ReturnType<typeof toRow>;

/** A page of the log, newest first: entries with an id below `cursor`. */
export function listLogs(
  db: Db,
  organizationId: string,
  f: LogFilters,
  cursor: number | null,
  limit: number,
): { data: LogView[]; nextCursor: number | null } {
  const w = where(organizationId, f);
  const rows = db
    .prepare(`SELECT ${COLUMNS} FROM sync_log l WHERE ${w.sql} ${cursor !== null ? 'AND l.id < ?' : ''} ORDER BY l.id DESC LIMIT ?`)
    .all(...w.params, ...(cursor !== null ? [cursor] : []), limit + 1) as RawRow[];
  const more = rows.length > limit;
  const data = rows.slice(0, limit).map(toRow);
  return { data, nextCursor: more ? data[data.length - 1]!.id : null };
}

export function getLog(db: Db, organizationId: string, id: number): LogView | null {
  const r = db.prepare(`SELECT ${COLUMNS} FROM sync_log l WHERE l.organization_id = ? AND l.id = ?`).get(organizationId, id) as
    RawRow | undefined;
  return r ? toRow(r) : null;
}

export function deliveriesOfLog(db: Db, logId: number) {
  return db
    .prepare(
      `SELECT d.id, d.entity_type AS entityType, d.entity_id AS entityId, d.method, d.path, d.status, d.outcome, d.detail,
              d.started_at AS startedAt, d.duration_ms AS durationMs
         FROM delivery_logs dl JOIN deliveries d ON d.id = dl.delivery_id
        WHERE dl.log_id = ? ORDER BY d.id`,
    )
    .all(logId);
}

export function effectsOfLog(db: Db, logId: number): { entityType: string; entityId: string }[] {
  return db.prepare('SELECT entity_type AS entityType, entity_id AS entityId FROM sync_log_effects WHERE log_id = ?').all(logId) as {
    entityType: string;
    entityId: string;
  }[];
}

/** Retention: drops entries older than `before`, then the oldest beyond `maxEntries`. */
export function pruneLogs(db: Db, before: string, maxEntries: number): number {
  let removed = db.prepare('DELETE FROM sync_log WHERE at < ?').run(before).changes;
  const max = db.prepare('SELECT max(id) FROM sync_log').pluck().get() as number | null;
  if (max !== null) removed += db.prepare('DELETE FROM sync_log WHERE id <= ?').run(max - maxEntries).changes;
  return removed;
}
