/**
 * Drives the LangWatch target directly against a really started LangWatch stand-in, with an
 * in-memory stand-in of the worker's durable memory (remote ids, secrets, confirmed state,
 * drift notes): each trap is then one precise call sequence, without the worker's scheduling.
 * End-to-end tests use test/helpers/sync-harness.ts instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLangWatchFake, type RunningLangWatchFake } from '../../fakes/langwatch/server.js';
import type { SeededOrganization } from '../../fakes/langwatch/model.js';
import { TargetError } from '../../src/targets/errors.js';
import type { CallRecord } from '../../src/sync/port.js';
import { TargetHttp } from '../../src/targets/http.js';
import { LangWatchTarget, langWatchErrorReason, type LangWatchSettings } from '../../src/targets/langwatch/index.js';
import type { DesiredBinding, DesiredGroup, DesiredMember, SyncIo } from '../../src/targets/types.js';

export const SCIM = '/api/scim/v2';

export function settings(over: Partial<LangWatchSettings> = {}): LangWatchSettings {
  return {
    mode: 'scim',
    suspend: 'organization',
    deleteMode: 'remove',
    inviteTeamId: null,
    inviteTeamRole: 'MEMBER',
    remoteOrgId: null,
    scimToken: null,
    inviteWaitMs: 10,
    ...over,
  };
}

let seq = 0;
export function person(email: string, over: Partial<DesiredMember> = {}): DesiredMember {
  return {
    memberId: `m-${++seq}`,
    exists: true,
    email,
    name: null,
    role: 'MEMBER',
    disabled: false,
    protected: false,
    groups: [],
    ...over,
  };
}

export function group(
  name: string,
  members: DesiredMember[] = [],
  bindings: DesiredBinding[] = [],
  over: Partial<DesiredGroup> = {},
): DesiredGroup {
  return {
    groupId: `g-${++seq}`,
    exists: true,
    name,
    scimSource: 'azure-ad',
    memberIds: members.map((m) => m.memberId),
    members: members.map((m) => ({ memberId: m.memberId, email: m.email })),
    bindings,
    ...over,
  };
}

/** The worker's memory, in memory: ids, secrets and confirmed state survive between calls. */
export class MemoryBridge {
  readonly ids = new Map<string, string>();
  readonly secrets = new Map<string, string>();
  readonly confirmed = new Map<string, unknown>();
  readonly drifts: string[] = [];
  readonly calls: CallRecord[] = [];

  constructor(
    readonly url: string,
    readonly apiKey: string,
    readonly target: LangWatchTarget,
  ) {}

  http(): TargetHttp {
    return new TargetHttp(
      this.url,
      { Authorization: `Bearer ${this.apiKey}` },
      {
        vendor: 'LangWatch',
        readError: langWatchErrorReason,
        onCall: (c) => this.calls.push(c),
        timeoutMs: 2_000,
      },
    );
  }

  io(type: 'member' | 'group', id: string): SyncIo {
    const ids = this.ids;
    return {
      organizationId: 'default',
      http: this.http(),
      secrets: {
        get: (n) => this.secrets.get(n) ?? null,
        set: (n, v) => void this.secrets.set(n, v),
        delete: (n) => void this.secrets.delete(n),
      },
      remoteId: (t, l) => ids.get(`${t}:${l}`) ?? null,
      saveRemoteId: (t, l, r) => void ids.set(`${t}:${l}`, r),
      forgetRemoteId: (t, l) => void ids.delete(`${t}:${l}`),
      localIdOf: (t, r) => [...ids].find(([k, v]) => v === r && k.startsWith(`${t}:`))?.[0].slice(t.length + 1) ?? null,
      confirmed: () => this.confirmed.get(`${type}:${id}`) ?? null,
      drift: (d) => void this.drifts.push(d),
    };
  }

  remote(type: 'member' | 'group', localId: string): string | null {
    return this.ids.get(`${type}:${localId}`) ?? null;
  }

  /** One member sync, confirmed as the worker confirms it. */
  async member(d: DesiredMember): Promise<void> {
    await this.target.syncMember(d, this.io('member', d.memberId));
    this.confirmed.set(`member:${d.memberId}`, d.exists ? { email: d.email, role: d.role, disabled: d.disabled && !d.protected } : null);
  }

  async group(d: DesiredGroup): Promise<void> {
    await this.target.syncGroup(d, this.io('group', d.groupId));
    this.confirmed.set(`group:${d.groupId}`, d.exists ? { name: d.name, memberIds: d.memberIds, bindings: d.bindings } : null);
  }

  async prepare(ds: DesiredMember[]): Promise<void> {
    await this.target.prepareMembers(ds, this.io('member', ds[0]!.memberId));
  }

  /** The calls made so far as `METHOD /path` (query left out), for asserting which routes were used. */
  routes(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`);
  }
}

/** What the sync threw (a TargetError), or fails the test when it did not throw. */
export async function refusal(p: Promise<unknown>): Promise<TargetError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TargetError) return err;
    throw err;
  }
  throw new Error('expected the sync to be refused');
}

export interface Lw {
  fake: RunningLangWatchFake;
  org: SeededOrganization;
  bridge(over?: Partial<LangWatchSettings>): MemoryBridge;
  control(method: string, path: string, body?: unknown): Promise<any>;
  /** The seeded organization as GET /_fake/state dumps it. */
  state(): Promise<any>;
  /** Members by email: `{role, disabled, deactivated}`. */
  members(): Promise<Record<string, { userId: string; role: string; disabled: boolean; deactivated: boolean }>>;
  close(): Promise<void>;
}

export async function startLw(opts: Parameters<typeof startLangWatchFake>[0] = {}): Promise<Lw> {
  const fake = await startLangWatchFake({ port: 0, ...opts });
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const state = async () => (await control('GET', `/_fake/state?organizationId=${fake.organization.organizationId}`)).organizations[0];
  return {
    fake,
    get org() {
      return fake.organization;
    },
    bridge: (over = {}) => new MemoryBridge(fake.url, fake.organization.apiKey, new LangWatchTarget(settings(over))),
    control,
    state,
    async members() {
      const s = await state();
      return Object.fromEntries(
        s.members.map((m: any) => [m.email, { userId: m.userId, role: m.role, disabled: m.disabled, deactivated: m.deactivated }]),
      );
    },
    close: () => fake.close(),
  };
}

/** Seeds `n` members straight into the stand-in (no invite, no SCIM), as people already there. */
export async function seedMembers(lw: Lw, emails: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const email of emails)
    ids.push((await lw.control('POST', `/_fake/organizations/${lw.org.organizationId}/members`, { email })).userId);
  return ids;
}

export interface Proxy {
  url: string;
  /** Every request that passed, with its JSON body (what the bridge really sent). */
  seen: { method: string; path: string; search: string; body: any }[];
  /** Where requests go; may be set after the proxy started (a harness starts its stand-in itself). */
  upstream: string;
  close(): Promise<void>;
}

/**
 * A proxy in front of the stand-in that can rewrite what passes: the request URL (to make a
 * server that ignores a filter), or a JSON answer (to make a malformed one). Binds 127.0.0.1:0.
 */
export async function startProxy(
  upstream: string,
  hooks: {
    url?: (method: string, url: URL) => void;
    answer?: (method: string, path: string, status: number, body: any) => unknown;
  },
): Promise<Proxy> {
  const { createServer } = await import('node:http');
  const proxy: Proxy = { url: '', seen: [], upstream, close: async () => {} };
  const relay = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', proxy.upstream);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw || undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // kept as text
    }
    proxy.seen.push({ method: req.method ?? 'GET', path: url.pathname, search: url.search, body });
    hooks.url?.(req.method ?? 'GET', url);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    try {
      const up = await fetch(url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      let text = await up.text();
      if (hooks.answer && text) {
        try {
          const changed = hooks.answer(req.method ?? 'GET', url.pathname, up.status, JSON.parse(text));
          if (changed !== undefined) text = JSON.stringify(changed);
        } catch {
          // Not JSON: passed through as it is.
        }
      }
      res.writeHead(up.status, { 'Content-Type': up.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    } catch {
      res.destroy();
    }
  };
  // A request that fails before it reaches the upstream is cut, as a broken proxy would cut it.
  const server = createServer((req, res) => void relay(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
