/**
 * A bridge in process with a real sync worker pointed at a really started stand-in of the
 * application (LangWatch or LangSmith), for end-to-end sync tests. `switchTo` re-starts the
 * bridge's configuration on the same database with another target, as an operator who changes
 * TARGET and restarts would.
 */
import { pino } from 'pino';
import { startLangSmithFake, type RunningLangSmithFake } from '../../fakes/langsmith/server.js';
import { startLangWatchFake, type RunningLangWatchFake } from '../../fakes/langwatch/server.js';
import { bootstrap } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { SyncWorker, type WorkerOptions } from '../../src/sync/worker.js';
import { createTargetResolver } from '../../src/targets/registry.js';
import { createHarness, TEST_ADMIN_KEY, TEST_TOKENS, type Harness } from './harness.js';

export type TargetKind = 'embedded' | 'langwatch' | 'langsmith';
type WorkerTweaks = Pick<WorkerOptions, 'protectedEmails' | 'massRemoval'>;

export interface SyncHarness {
  h: Harness;
  worker: SyncWorker;
  fakeUrl: string | null;
  organization: any;
  /** Runs the worker until no mark is left (or only held/parked ones) and no reconciliation is under way. */
  settle(timeoutMs?: number): Promise<void>;
  /** The stand-in's full state (GET /_fake/state). */
  state(): Promise<any>;
  /** Calls the stand-in's control API. */
  control(method: string, path: string, body?: unknown): Promise<any>;
  /** Points the bridge at another target (a stand-in started now), as a restart with a new TARGET would. */
  switchTo(kind: Exclude<TargetKind, 'embedded'>, env?: HarnessEnv): Promise<void>;
  close(): Promise<void>;
}

type Fake = RunningLangWatchFake | RunningLangSmithFake;

const startFake = (kind: TargetKind): Promise<Fake> | null =>
  kind === 'langwatch' ? startLangWatchFake({ port: 0 }) : kind === 'langsmith' ? startLangSmithFake({ port: 0 }) : null;

function targetEnv(kind: TargetKind, fake: Fake | null): Record<string, string> {
  if (kind === 'embedded' || !fake) return {};
  const org = fake.organization as { apiKey: string; organizationId: string };
  return {
    TARGET: kind,
    TARGET_URL: fake.url,
    TARGET_API_KEY: org.apiKey,
    ...(kind === 'langsmith' ? { TARGET_ORGANIZATION_ID: org.organizationId } : {}),
  };
}

/** Settings for the bridge, fixed or made from the stand-in's seeded organization (a team id, say). */
export type HarnessEnv = Record<string, string> | ((organization: any) => Record<string, string>);

export async function createSyncHarness(
  kind: TargetKind,
  envOrFn: HarnessEnv = {},
  workerOptions: WorkerTweaks = {},
  resolverEnv: Record<string, string> = {},
): Promise<SyncHarness> {
  let fake = await startFake(kind);
  const fakes: Fake[] = fake ? [fake] : [];
  let env = typeof envOrFn === 'function' ? envOrFn(fake?.organization ?? null) : envOrFn;
  const h = await createHarness({ ...targetEnv(kind, fake), ...env });
  const makeWorker = () =>
    new SyncWorker({
      db: h.db,
      logger: pino({ level: 'silent' }),
      resolveTarget: createTargetResolver(h.db, { ...targetEnv(kind, fake), ...env, ...resolverEnv }, { timeoutMs: 500, inviteWaitMs: 50 }),
      backoff: { baseMs: 20, maxMs: 200 },
      pollMs: 10,
      ...workerOptions,
    });
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake!.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  const s: SyncHarness = {
    h,
    worker: makeWorker(),
    get organization() {
      return fake?.organization ?? null;
    },
    get fakeUrl() {
      return fake?.url ?? null;
    },
    async settle(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const open = h.db.prepare("SELECT count(*) FROM sync_marks WHERE state IN ('pending', 'retrying')").pluck().get() as number;
        const passes = h.db.prepare('SELECT count(*) FROM targets WHERE reconcile_phase IS NOT NULL').pluck().get() as number;
        if (open === 0 && passes === 0) return;
        if (Date.now() > deadline)
          throw new Error(`sync did not settle: ${JSON.stringify(h.db.prepare('SELECT * FROM sync_marks').all())}`);
        if ((await s.worker.tick()) === 0) await new Promise((r) => setTimeout(r, 15));
      }
    },
    state: () => control('GET', '/_fake/state'),
    control,
    async switchTo(next, extra = {}) {
      await s.worker.stop();
      kind = next;
      fake = await startFake(next);
      fakes.push(fake!);
      env = { ...env, ...(typeof extra === 'function' ? extra(fake!.organization) : extra) };
      const config = loadConfig({
        BRIDGE_CONNECTIONS: `okta:${TEST_TOKENS.okta},azure-ad:${TEST_TOKENS.azure}`,
        BRIDGE_ADMIN_KEY: TEST_ADMIN_KEY,
        LOG_LEVEL: 'silent',
        ...targetEnv(next, fake),
        ...env,
      });
      bootstrap(h.db, config);
      s.worker = makeWorker();
    },
    async close() {
      await s.worker.stop();
      h.close();
      await Promise.all(fakes.map((f) => f.close()));
    },
  };
  return s;
}
