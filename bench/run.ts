/**
 * `npm run bench [-- --full] [-- --passes N] [-- --no-build] [-- --only W1,W2,...]`
 * (BENCH_BRIDGE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the bridge)
 *
 * Builds, starts the real bridge (`node dist/cli.js serve`) and the floor (bench/floor.ts) as child
 * processes, drives both over HTTP from this process with bounded concurrency, pass by pass
 * (bridge pass, then floor pass, repeated), and reports the medians of the passes. Server CPU is
 * read from /proc/<pid>/stat before and after each pass; peak RSS is /proc/<pid>/status VmHWM,
 * reset to the current RSS before each pass (writing 5 to /proc/<pid>/clear_refs), so it is the
 * peak of that pass.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const args = process.argv.slice(2);
const FULL = args.includes('--full');
const PASSES = Number(args[args.indexOf('--passes') + 1] ?? 3) || 3;
const ONLY = args.includes('--only') ? new Set(args[args.indexOf('--only') + 1]!.split(',')) : undefined;
const runs = (w: string) => !ONLY || ONLY.has(w);
const CONCURRENCY = 8;
const S = FULL
  ? {
      w1: 3000,
      sizes: [10_000, 100_000, 1_000_000],
      w2: 3000,
      w3max: 50_000,
      w3rm: 1000,
      w4groups: 2000,
      w4sweeps: 10,
      w4users: 300,
      w5users: 5000,
      w5groups: 200,
      w6: 1_000_000,
      w6q: 200,
    }
  : {
      w1: 1000,
      sizes: [10_000, 100_000],
      w2: 2000,
      w3max: 10_000,
      w3rm: 1000,
      w4groups: 2000,
      w4sweeps: 10,
      w4users: 300,
      w5users: 1000,
      w5groups: 50,
      w6: 1_000_000,
      w6q: 200,
    };
const ROOT = new URL('..', import.meta.url).pathname;
const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

// ---------- servers ----------
interface Target {
  name: 'bridge' | 'floor';
  proc: ChildProcess;
  base: string;
  headers: Record<string, string>;
  users: { id: string; userName: string }[];
  groups: string[];
  seq: number;
}

async function waitReady(base: string, headers: Record<string, string>, proc: ChildProcess) {
  const start = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${base}/scim/v2/Users?count=1`, { headers });
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      // Not listening yet: look again below.
    }
    if (Date.now() - start > 30_000) throw new Error(`${base} not ready after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function pipeOut(name: string, p: ChildProcess) {
  p.stdout?.on('data', (d) => {
    const s = String(d).trim();
    if (s && s !== 'ready') process.stderr.write(`[${name}] ${s.slice(0, 500)}\n`);
  });
  p.stderr?.on('data', (d) => process.stderr.write(`[${name}] ${String(d).slice(0, 500)}`));
}

async function startBridge(dataDir: string, port: number, extraEnv: Record<string, string> = {}): Promise<Target> {
  const token = randomBytes(24).toString('hex');
  const proc = spawn(
    process.execPath,
    [...(process.env.BENCH_BRIDGE_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'dist/cli.js', 'serve'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        BRIDGE_CONNECTIONS: `azure-ad:${token}`,
        LOG_LEVEL: 'warn',
        SCIM_RATE_LIMIT_PER_SECOND: '0',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  pipeOut('bridge', proc);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, headers, proc);
  return { name: 'bridge', proc, base, headers, users: [], groups: [], seq: 0 };
}

async function startFloor(dataDir: string, port: number): Promise<Target> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/floor.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, FLOOR_SYNCHRONOUS: 'FULL' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pipeOut('floor', proc);
  const headers = { 'content-type': 'application/scim+json' };
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, headers, proc);
  return { name: 'floor', proc, base, headers, users: [], groups: [], seq: 0 };
}

async function stop(t: Target) {
  if (t.proc.exitCode !== null) return;
  const done = new Promise((r) => t.proc.once('exit', r));
  t.proc.kill('SIGTERM');
  await Promise.race([done, new Promise((r) => setTimeout(r, 15_000))]);
  if (t.proc.exitCode === null) t.proc.kill('SIGKILL');
}

function cpuMs(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}
function resetPeakRss(pid: number) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Kernels before 4.0 cannot reset the peak; it is then the process lifetime's.
  }
}
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// ---------- driver ----------
let errorsShown = 0;
interface Sample {
  ms: number;
  status: number;
}
/** The parts of the servers' answers the driver reads (SCIM resources, ListResponses, Bulk, the floor's seeding). */
interface Answer {
  id?: string;
  totalResults?: number;
  Operations?: { status: string; location: string }[];
  ids?: string[];
}
async function req(t: Target, method: string, path: string, body?: unknown): Promise<{ status: number; ms: number; json?: Answer }> {
  const t0 = performance.now();
  const r = await fetch(t.base + path, { method, headers: t.headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const ms = performance.now() - t0;
  if (r.status >= 400 && errorsShown++ < 10)
    process.stderr.write(`[${t.name}] ${method} ${path.slice(0, 120)} -> ${r.status} ${text.slice(0, 300)}\n`);
  return { status: r.status, ms, json: text && r.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Answer) : undefined };
}

/** The id of a created resource; a 201 without one is a broken server, not a data point. */
function createdId(t: Target, r: { json?: Answer }): string {
  if (typeof r.json?.id !== 'string') throw new Error(`${t.name}: a create answered no id`);
  return r.json.id;
}

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) await fn(i);
    }),
  );
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const median = (xs: number[]) => pct(xs, 50);

interface PassResult {
  requests: number;
  errors: number;
  wallMs: number;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerReq: number;
  peakRssMb: number;
  extra?: Record<string, number>;
}

/** Runs fn against t, timing every request it makes through `timed`. */
async function measure(t: Target, fn: (timed: typeof req) => Promise<Record<string, number> | void>): Promise<PassResult> {
  const samples: Sample[] = [];
  const timed: typeof req = async (tt, m, p, b) => {
    const r = await req(tt, m, p, b);
    samples.push({ ms: r.ms, status: r.status });
    return r;
  };
  const pid = t.proc.pid!;
  resetPeakRss(pid);
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  const extra = (await fn(timed)) ?? undefined;
  const wallMs = performance.now() - t0;
  const cpu = cpuMs(pid) - c0;
  const lat = samples.map((s) => s.ms);
  return {
    requests: samples.length,
    errors: samples.filter((s) => s.status >= 400).length,
    wallMs,
    rps: (samples.length * 1000) / wallMs,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    cpuMsPerReq: cpu / samples.length,
    peakRssMb: peakRssMb(pid),
    ...(extra ? { extra } : {}),
  };
}

// ---------- request bodies ----------
const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];
const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Lee'];
function entraUser(userName: string, n: number) {
  const g = first[n % 10]!,
    f = last[Math.floor(n / 10) % 10]!;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: `ext-${userName}`,
    userName,
    active: true,
    displayName: `${g} ${f} ${n}`,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${g} ${f}`, familyName: f, givenName: g },
    title: 'Engineer',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: `Dept ${n % 50}`, employeeNumber: String(100000 + n) },
  };
}
const PATCH_SCHEMA = ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];
const GROUP_SCHEMAS = ['urn:ietf:params:scim:schemas:core:2.0:Group'];
const q = (s: string) => encodeURIComponent(s);

async function createUsers(t: Target, n: number, prefix: string, send = req) {
  await pool(n, CONCURRENCY, async () => {
    const k = t.seq++;
    const userName = `${prefix}-${k}@contoso.com`;
    const r = await send(t, 'POST', '/scim/v2/Users', entraUser(userName, k));
    if (r.status === 201) t.users.push({ id: createdId(t, r), userName });
  });
}
/**
 * Grows the directory to `size` users in batches of 1,000: SCIM Bulk on the bridge (each
 * operation is a full create, sync log and access model included) and one transaction per batch
 * on the floor. Seeding is not measured; batches keep a 1,000,000-user run within minutes.
 */
async function seedUsers(t: Target, size: number) {
  const missing = size - t.users.length;
  const first = t.seq;
  t.seq += missing;
  await pool(Math.ceil(missing / 1000), 2, async (b) => {
    const ks = Array.from({ length: Math.min(1000, missing - b * 1000) }, (_, i) => first + b * 1000 + i);
    const names = ks.map((k) => `seed-${k}@contoso.com`);
    let ids: string[];
    if (t.name === 'bridge') {
      const r = await req(t, 'POST', '/scim/v2/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: ks.map((k, i) => ({ method: 'POST', path: '/Users', bulkId: `b${k}`, data: entraUser(names[i]!, k) })),
      });
      if (r.status !== 200) throw new Error(`bridge: seeding Bulk answered ${r.status}`);
      ids = (r.json?.Operations ?? []).map((o) => {
        if (o.status !== '201') throw new Error(`bridge: seeding operation answered ${o.status}`);
        return o.location.slice(o.location.lastIndexOf('/') + 1);
      });
    } else {
      const r = await req(t, 'POST', '/bench/users', { users: ks.map((k, i) => entraUser(names[i]!, k)) });
      ids = r.json?.ids ?? [];
    }
    ids.forEach((id, i) => t.users.push({ id, userName: names[i]! }));
  });
}

async function createGroup(t: Target, name: string, send = req, members: string[] = []) {
  const r = await send(t, 'POST', '/scim/v2/Groups', {
    schemas: GROUP_SCHEMAS,
    displayName: name,
    externalId: `ext-${name}`,
    members: members.map((value) => ({ value })),
  });
  if (r.status !== 201) throw new Error(`${t.name}: group create failed ${r.status}`);
  const id = createdId(t, r);
  t.groups.push(id);
  return id;
}
const rnd = (n: number) => Math.floor(Math.random() * n);

// ---------- workloads ----------
type Results = Record<string, { bridge: PassResult[]; floor: PassResult[]; perPatchMs?: Record<'bridge' | 'floor', number[][]> }>;
const results: Results = {};
async function both(name: string, targets: Target[], fn: (t: Target, pass: number) => Promise<PassResult>) {
  results[name] = { bridge: [], floor: [] };
  for (let p = 0; p < PASSES; p++)
    for (const t of targets) {
      const r = await fn(t, p);
      results[name][t.name].push(r);
      process.stderr.write(
        `  ${name} pass ${p + 1} ${t.name}: ${r.requests} req, ${r.rps.toFixed(0)} rps, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, cpu ${r.cpuMsPerReq.toFixed(3)} ms/req, errors ${r.errors}${r.extra ? ' ' + JSON.stringify(r.extra) : ''}\n`,
      );
    }
}
async function untimed(label: string, targets: Target[], fn: (t: Target) => Promise<void>) {
  const t0 = performance.now();
  for (const t of targets) await fn(t);
  process.stderr.write(`  (setup: ${label} in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}

async function main() {
  process.stderr.write(`scim-bridge bench, ${FULL ? 'full' : 'quick'} mode, ${PASSES} passes, concurrency ${CONCURRENCY}\n`);
  if (!args.includes('--no-build')) execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 2, 2] });
  const tmp = mkdtempSync(join(tmpdir(), 'scim-bench-'));
  const bridge = await startBridge(join(tmp, 'bridge'), 18080);
  const floor = await startFloor(join(tmp, 'floor'), 18181);
  const targets = [bridge, floor];
  try {
    if (runs('W1')) await both('W1 create', targets, (t, p) => measure(t, (timed) => createUsers(t, S.w1, `w1p${p}`, timed)));

    let w3to5Done = false;
    for (const size of S.sizes) {
      await untimed(`seed users to ${size}`, targets, (t) => seedUsers(t, size));
      if (runs('W2'))
        await both(`W2 lookup @${size}`, targets, (t) =>
          measure(t, (timed) =>
            pool(S.w2, CONCURRENCY, async () => {
              const u = t.users[rnd(t.users.length)]!;
              const r = await timed(t, 'GET', `/scim/v2/Users?filter=${q(`userName eq "${u.userName}"`)}`);
              if (r.status === 200 && r.json?.totalResults !== 1) throw new Error(`${t.name}: lookup found ${r.json?.totalResults}`);
            }),
          ),
        );
      // W3 to W5 run once, at the first size that has the users W3 needs (--full's 1,000,000 is W2's alone).
      if (size >= S.w3max && !w3to5Done) {
        w3to5Done = true;
        if (runs('W3')) await w3(targets);
        await w4w5(targets);
      }
    }
  } finally {
    await stop(bridge);
    await stop(floor);
  }

  if (runs('W6')) await w6(tmp);
  report();
  rmSync(tmp, { recursive: true, force: true });
}

// ---------- W3 to W5 ----------
async function w3(targets: Target[]) {
  const addRows: Record<'bridge' | 'floor', number[][]> = { bridge: [], floor: [] };
  const rmRows: Record<'bridge' | 'floor', PassResult[]> = { bridge: [], floor: [] };
  const adds: Results[string] = { bridge: [], floor: [], perPatchMs: addRows };
  results['W3 add 1,000 members/PATCH'] = adds;
  for (let p = 0; p < PASSES; p++)
    for (const t of targets) {
      const gid = await createGroup(t, `w3-p${p}`);
      const perPatch: number[] = [];
      const r = await measure(t, async (timed) => {
        for (let from = 0; from < S.w3max; from += 1000) {
          const members = t.users.slice(from, from + 1000).map((u) => ({ value: u.id }));
          const x = await timed(t, 'PATCH', `/scim/v2/Groups/${gid}`, {
            schemas: PATCH_SCHEMA,
            Operations: [{ op: 'add', path: 'members', value: members }],
          });
          perPatch.push(x.ms);
        }
        return {
          firstPatchMs: perPatch[0]!,
          lastPatchMs: perPatch[perPatch.length - 1]!,
          lastOverFirst: perPatch[perPatch.length - 1]! / perPatch[0]!,
          meanPatchMs: perPatch.reduce((a, b) => a + b, 0) / perPatch.length,
        };
      });
      adds[t.name].push(r);
      addRows[t.name].push(perPatch);
      process.stderr.write(
        `  W3 add pass ${p + 1} ${t.name}: ${JSON.stringify(r.extra)} cpu ${r.cpuMsPerReq.toFixed(1)} ms/PATCH errors ${r.errors}\n`,
      );
      const rm = await measure(t, (timed) =>
        pool(S.w3rm, 1, async (i) => {
          await timed(t, 'PATCH', `/scim/v2/Groups/${gid}`, {
            schemas: PATCH_SCHEMA,
            Operations: [{ op: 'Remove', path: `members[value eq "${t.users[i * 7]!.id}"]` }],
          });
        }),
      );
      rmRows[t.name].push(rm);
      process.stderr.write(
        `  W3 remove pass ${p + 1} ${t.name}: ${rm.rps.toFixed(0)} rps p50 ${rm.p50.toFixed(2)} ms errors ${rm.errors}\n`,
      );
    }
  results['W3 remove members[value eq]'] = rmRows;
}

async function w4w5(targets: Target[]) {
  if (runs('W4')) {
    await untimed(`seed groups to ${S.w4groups}`, targets, async (t) =>
      pool(Math.max(0, S.w4groups - t.groups.length), CONCURRENCY, async () => {
        await createGroup(t, `w4-${t.seq++}`);
      }),
    );
    const pages = Math.ceil(S.w4groups / 100);
    await both('W4 groups page 100 excl. members', targets, (t) =>
      measure(t, (timed) =>
        pool(pages * S.w4sweeps, CONCURRENCY, async (i) => {
          await timed(t, 'GET', `/scim/v2/Groups?excludedAttributes=members&startIndex=${(i % pages) * 100 + 1}&count=100`);
        }),
      ),
    );
    await both('W4 users page count=100', targets, (t) =>
      measure(t, (timed) =>
        pool(S.w4users, CONCURRENCY, async () => {
          await timed(t, 'GET', `/scim/v2/Users?startIndex=${rnd(Math.max(1, t.users.length - 100)) + 1}&count=100`);
        }),
      ),
    );
  }

  if (runs('W5')) {
    await both('W5 Entra cycle', targets, (t, p) =>
      measure(t, async (timed) => {
        await pool(S.w5users, CONCURRENCY, async () => {
          const k = t.seq++;
          const userName = `w5p${p}-${k}@contoso.com`;
          const f = await timed(t, 'GET', `/scim/v2/Users?filter=${q(`userName eq "${userName}"`)}`);
          if (f.status !== 200 || f.json?.totalResults !== 0) throw new Error(`${t.name}: W5 filter expected no match`);
          const r = await timed(t, 'POST', '/scim/v2/Users', entraUser(userName, k));
          if (r.status === 201) t.users.push({ id: createdId(t, r), userName });
        });
        const recent = t.users.slice(-S.w5users);
        await pool(S.w5groups, CONCURRENCY, async (g) => {
          const gid = await createGroup(t, `w5p${p}-g${g}`, timed);
          const members = Array.from({ length: 25 }, (_, i) => ({ value: recent[(g * 25 + i) % recent.length]!.id }));
          await timed(t, 'PATCH', `/scim/v2/Groups/${gid}`, {
            schemas: PATCH_SCHEMA,
            Operations: [{ op: 'Add', path: 'members', value: members }],
          });
        });
      }),
    );
  }
}

// ---------- W6: sync log at 1,000,000 entries (bridge only; the floor has no sync log) ----------
async function w6(tmp: string) {
  const dir = join(tmp, 'w6');
  // The built bridge's own store (what `npm run build` just wrote), typed by its source.
  const { openDb, migrate } = (await import(join(ROOT, 'dist/store/db.js'))) as typeof import('../src/store/db.js');
  const { DEFAULT_ORGANIZATION_ID } = (await import(
    join(ROOT, 'dist/store/connections.repo.js')
  )) as typeof import('../src/store/connections.repo.js');
  mkdirSync(dir, { recursive: true });
  const db = openDb(join(dir, 'scim-bridge.db'));
  migrate(db);
  db.pragma('synchronous = OFF'); // seeding only; the bridge reopens the file with its own pragmas
  const t0 = performance.now();
  const now = Date.now();
  const span = 20 * 24 * 3600_000; // spread over 20 days, inside the 30-day retention
  const resourceIds = Array.from({ length: 20_000 }, (_, i) => `res-${i}`);
  const ins =
    db.prepare(`INSERT INTO sync_log (at, organization_id, connection_id, source, request_id, method, path, resource_type, resource_id, action, status, outcome, duration_ms, user_agent, user_key, summary)
    VALUES (?, ?, NULL, 'azure-ad', ?, 'PATCH', ?, 'User', ?, 'update', 200, 'success', 1.5, 'Microsoft.Identity.Provisioning', ?, '{}')`);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const rid = resourceIds[i % resourceIds.length]!;
      ins.run(
        new Date(now - span + (i * span) / S.w6).toISOString(),
        DEFAULT_ORGANIZATION_ID,
        `req-${i}`,
        `/scim/v2/Users/${rid}`,
        rid,
        `user${i % resourceIds.length}@contoso.com`,
      );
    }
  });
  for (let i = 0; i < S.w6; i += 50_000) batch(i, Math.min(S.w6, i + 50_000));
  db.close();
  process.stderr.write(`  (setup: seeded ${S.w6} sync_log rows in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  const adminKey = randomBytes(24).toString('hex');
  const bridge = await startBridge(dir, 18082, { BRIDGE_ADMIN_KEY: adminKey });
  bridge.headers = { authorization: `Bearer ${adminKey}` };
  try {
    const rows: Record<string, PassResult[]> = { 'W6 sync log by resourceId': [], 'W6 sync log by time range': [] };
    for (let p = 0; p < PASSES; p++) {
      rows['W6 sync log by resourceId']!.push(
        await measure(bridge, (timed) =>
          pool(S.w6q, 1, async () => {
            const r = await timed(bridge, 'GET', `/api/sync-logs?resourceId=${resourceIds[rnd(resourceIds.length)]}`);
            if (r.status !== 200) throw new Error(`W6 ${r.status}`);
          }),
        ),
      );
      rows['W6 sync log by time range']!.push(
        await measure(bridge, (timed) =>
          pool(S.w6q, 1, async () => {
            const from = now - span + rnd(span - 3600_000);
            await timed(
              bridge,
              'GET',
              `/api/sync-logs?from=${q(new Date(from).toISOString())}&to=${q(new Date(from + 3600_000).toISOString())}`,
            );
          }),
        ),
      );
    }
    for (const [k, v] of Object.entries(rows)) results[k] = { bridge: v, floor: [] };
  } finally {
    await stop(bridge);
  }
}

// ---------- report ----------
function report() {
  const med = (rs: PassResult[], k: keyof PassResult) => median(rs.map((r) => r[k] as number));
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const summary: Record<string, Summary> = {};
  const lines: string[][] = [
    ['workload', 'bridge rps', 'floor rps', 'ratio', 'p50 ms b/f', 'p99 ms b/f', 'CPU ms/req b/f', 'peak RSS MB b/f', 'errors b/f'],
  ];
  for (const [name, r] of Object.entries(results)) {
    const b = r.bridge,
      fl = r.floor;
    const s = {
      bridge: b.length
        ? {
            rps: med(b, 'rps'),
            p50: med(b, 'p50'),
            p99: med(b, 'p99'),
            cpuMsPerReq: med(b, 'cpuMsPerReq'),
            peakRssMb: med(b, 'peakRssMb'),
            wallMs: med(b, 'wallMs'),
            errors: b.reduce((a, x) => a + x.errors, 0),
            extra: medExtra(b),
          }
        : null,
      floor: fl.length
        ? {
            rps: med(fl, 'rps'),
            p50: med(fl, 'p50'),
            p99: med(fl, 'p99'),
            cpuMsPerReq: med(fl, 'cpuMsPerReq'),
            peakRssMb: med(fl, 'peakRssMb'),
            wallMs: med(fl, 'wallMs'),
            errors: fl.reduce((a, x) => a + x.errors, 0),
            extra: medExtra(fl),
          }
        : null,
    };
    const ratio = s.bridge && s.floor ? s.bridge.rps / s.floor.rps : NaN;
    summary[name] = { ...s, ratio, passes: r };
    lines.push([
      name,
      f(s.bridge?.rps ?? NaN, 0),
      f(s.floor?.rps ?? NaN, 0),
      f(ratio, 2),
      `${f(s.bridge?.p50 ?? NaN, 2)} / ${f(s.floor?.p50 ?? NaN, 2)}`,
      `${f(s.bridge?.p99 ?? NaN, 2)} / ${f(s.floor?.p99 ?? NaN, 2)}`,
      `${f(s.bridge?.cpuMsPerReq ?? NaN, 3)} / ${f(s.floor?.cpuMsPerReq ?? NaN, 3)}`,
      `${f(s.bridge?.peakRssMb ?? NaN, 0)} / ${f(s.floor?.peakRssMb ?? NaN, 0)}`,
      `${s.bridge?.errors ?? '-'} / ${s.floor?.errors ?? '-'}`,
    ]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const out = lines.map((l) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
  console.log(`\nscim-bridge bench (${FULL ? 'full' : 'quick'}), medians of ${PASSES} passes, concurrency ${CONCURRENCY} (W3 and W6: 1)\n`);
  console.log(out);
  const w3 = summary['W3 add 1,000 members/PATCH'];
  if (w3?.bridge?.extra && w3.floor?.extra) {
    const b = w3.bridge.extra,
      fl = w3.floor.extra;
    const m = (x: Record<string, number>, k: string) => x[k] ?? NaN;
    console.log(
      `\nW3 per 1,000-member PATCH (median of passes): bridge first ${f(m(b, 'firstPatchMs'))} ms, last ${f(m(b, 'lastPatchMs'))} ms, last/first ${f(m(b, 'lastOverFirst'), 2)}, mean ${f(m(b, 'meanPatchMs'))} ms; floor mean ${f(m(fl, 'meanPatchMs'))} ms; bridge/floor time ${f(m(b, 'meanPatchMs') / m(fl, 'meanPatchMs'), 2)}x`,
    );
  }
  const w5 = summary['W5 Entra cycle'];
  if (w5?.bridge && w5.floor)
    console.log(
      `W5 wall time: bridge ${f(w5.bridge.wallMs / 1000, 2)} s, floor ${f(w5.floor.wallMs / 1000, 2)} s, bridge/floor ${f(w5.bridge.wallMs / w5.floor.wallMs, 2)}x`,
    );
  const w2 = Object.keys(summary).filter((k) => k.startsWith('W2'));
  for (let i = 1; i < w2.length; i++) {
    const a = summary[w2[i - 1]!],
      z = summary[w2[i]!];
    if (!a?.bridge || !a.floor || !z?.bridge || !z.floor) continue;
    console.log(
      `W2 growth ${w2[i - 1]} -> ${w2[i]}: bridge p50 x${f(z.bridge.p50 / a.bridge.p50, 2)}, CPU/req x${f(z.bridge.cpuMsPerReq / a.bridge.cpuMsPerReq, 2)}; floor p50 x${f(z.floor.p50 / a.floor.p50, 2)}, CPU/req x${f(z.floor.cpuMsPerReq / a.floor.cpuMsPerReq, 2)}`,
    );
  }
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGb: totalmem() / 2 ** 30,
    node: process.version,
    platform: process.platform,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        mode: FULL ? 'full' : 'quick',
        passes: PASSES,
        concurrency: CONCURRENCY,
        scale: S,
        machine,
        synchronous: 'FULL',
        workloads: summary,
      },
      null,
      2,
    ),
  );
  console.log(`\nmachine: ${machine.cpus} x ${machine.cpu}, ${machine.memGb.toFixed(1)} GB, node ${machine.node}\nJSON: ${file}`);
}
/** The medians of one side's passes of a workload, as reported and written to the JSON file. */
interface SideSummary {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerReq: number;
  peakRssMb: number;
  wallMs: number;
  errors: number;
  extra: Record<string, number> | undefined;
}
interface Summary {
  bridge: SideSummary | null;
  floor: SideSummary | null;
  ratio: number;
  passes: Results[string];
}

function medExtra(rs: PassResult[]): Record<string, number> | undefined {
  if (!rs[0]?.extra) return undefined;
  return Object.fromEntries(Object.keys(rs[0].extra).map((k) => [k, median(rs.map((r) => r.extra![k]!))]));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
