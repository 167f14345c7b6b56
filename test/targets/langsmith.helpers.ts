/**
 * Shared by the LangSmith target's tests: the stand-in's control API, an in-memory SyncIo, the
 * desired-state builders, and a recording proxy in front of the stand-in that can answer a
 * request itself (a 409 the stand-in would not give, a malformed body, a write that is not
 * applied) while every other request reaches the real stand-in untouched.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { RunningLangSmithFake } from '../../fakes/langsmith/server.js';
import { TargetError } from '../../src/targets/errors.js';
import { TargetHttp } from '../../src/targets/http.js';
import { LangSmithTarget, langSmithErrorReason, type LangSmithSettings } from '../../src/targets/langsmith/index.js';
import type { DesiredBinding, DesiredGroupRef, DesiredMember, SyncIo } from '../../src/targets/types.js';

export type Json = any;

let current: RunningLangSmithFake | undefined;
/** The stand-in the helpers below talk to (set in each file's beforeAll). */
export function useFake(fake: RunningLangSmithFake): void {
  current = fake;
}
function fake(): RunningLangSmithFake {
  if (!current) throw new Error('useFake() was not called');
  return current;
}

export async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${fake().url}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A client as the registry builds it: LangSmith's headers, its error reader. */
export const http = (key = fake().organization.apiKey, url = fake().url) =>
  new TargetHttp(
    url,
    { 'X-API-Key': key, 'X-Organization-Id': fake().organization.organizationId },
    { vendor: 'LangSmith', readError: langSmithErrorReason },
  );

/** The bridge's durable memory, in memory: remote ids in a Map, drift notes in an array. */
export class MemoryIo implements SyncIo {
  readonly organizationId = 'local-org';
  readonly drifts: string[] = [];
  readonly secrets = { get: () => null, set: () => {}, delete: () => {} };
  confirmedState: unknown = null;
  /** Simulates a crash: saving an id of this entity type throws (nothing is saved). */
  crashOnSave: string | null = null;

  constructor(
    readonly http: TargetHttp,
    readonly ids = new Map<string, string>(),
  ) {}

  remoteId(type: string, localId: string): string | null {
    return this.ids.get(`${type}\u0000${localId}`) ?? null;
  }
  saveRemoteId(type: string, localId: string, remoteId: string): void {
    if (this.crashOnSave === type) throw new Error(`simulated crash before saving the ${type} id`);
    this.ids.set(`${type}\u0000${localId}`, remoteId);
  }
  forgetRemoteId(type: string, localId: string): void {
    this.ids.delete(`${type}\u0000${localId}`);
  }
  localIdOf(type: string, remoteId: string): string | null {
    for (const [k, v] of this.ids) {
      const [t, local] = k.split('\u0000');
      if (t === type && v === remoteId) return local ?? null;
    }
    return null;
  }
  confirmed(): unknown {
    return this.confirmedState;
  }
  drift(detail: string): void {
    this.drifts.push(detail);
  }
}

export const target = (s: Partial<LangSmithSettings> = {}) =>
  new LangSmithTarget({ mapping: 'convention', createWorkspaces: false, groupPrefix: 'LS:', ...s });

export function member(over: Partial<DesiredMember> = {}): DesiredMember {
  return {
    memberId: 'm-ada',
    exists: true,
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'MEMBER',
    disabled: false,
    protected: false,
    groups: [],
    ...over,
  };
}

let groupSeq = 0;
export function group(name: string, createdAt = '2024-01-01T00:00:00.000Z', bindings: DesiredBinding[] = []): DesiredGroupRef {
  groupSeq += 1;
  return { groupId: `g-${groupSeq}`, name, createdAt, bindings };
}

export const binding = (
  role: DesiredBinding['role'],
  scopeType: DesiredBinding['scopeType'],
  scopeId: string,
  customRoleId: string | null = null,
): DesiredBinding => ({
  role,
  customRoleId,
  scopeType,
  scopeId,
});

export async function orgState(): Promise<Json> {
  const { body } = await control('GET', `/state?organizationId=${fake().organization.organizationId}`);
  return body.organizations[0];
}

/** The stand-in's record of the person, or undefined when it has none. */
export async function memberOf(email: string): Promise<Json> {
  return (await orgState()).members.find((m: Json) => m.email === email);
}

/** display name → workspace role name, for one person. */
export async function workspacesOf(email: string): Promise<Record<string, string>> {
  const m = await memberOf(email);
  return Object.fromEntries((m?.workspaces ?? []).map((w: Json) => [w.displayName, w.roleName]));
}

export async function createWorkspace(displayName: string): Promise<string> {
  const res = await http().request('POST', '/api/v1/workspaces', { body: { display_name: displayName } });
  return (res.body as { id: string }).id;
}

export async function customRole(displayName: string): Promise<string> {
  const res = await control('POST', '/roles', { displayName, accessScope: 'workspace' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

export async function invitesSent(): Promise<number> {
  const { body } = await control('GET', '/requests');
  return (body.log as Json[]).filter((e) => e.method === 'POST' && e.path === '/api/v1/orgs/current/members').length;
}

export async function rejection(p: Promise<unknown>): Promise<TargetError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TargetError);
  return err as TargetError;
}

// ---- the recording proxy ---------------------------------------------------------------------

export interface Seen {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface Forwarded {
  status: number;
  body: unknown;
}

/** What a rule answers instead of the stand-in; undefined lets the request through as it is. */
export type Rule = (req: Seen, forward: (body?: unknown) => Promise<Forwarded>) => Promise<Forwarded | undefined> | Forwarded | undefined;

export interface Proxy {
  url: string;
  seen: Seen[];
  /** Adds a rule for requests whose method and path (without the query) match; `times` limits how often it applies. */
  on(method: string, path: RegExp, rule: Rule, times?: number): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startProxy(): Promise<Proxy> {
  const seen: Seen[] = [];
  const rules: { method: string; path: RegExp; rule: Rule; left: number }[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const entry: Seen = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: text ? JSON.parse(text) : undefined };
      seen.push(entry);
      const forward = async (body: unknown = entry.body): Promise<Forwarded> => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(headers)) if (!['host', 'content-length', 'connection'].includes(k)) out[k] = v;
        const r = await fetch(fake().url + entry.path, {
          method: entry.method,
          headers: out,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const t = await r.text();
        return { status: r.status, body: t ? JSON.parse(t) : null };
      };
      const pathOnly = entry.path.split('?')[0]!;
      const hit = rules.find((r) => r.left > 0 && r.method === entry.method && r.path.test(pathOnly));
      let answer: Forwarded | undefined;
      if (hit) {
        hit.left -= 1;
        answer = await hit.rule(entry, forward);
      }
      answer ??= await forward();
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    })().catch((err: unknown) => {
      res.writeHead(599, { 'Content-Type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    on: (method, path, rule, times = Infinity) => rules.push({ method, path, rule, left: times }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
