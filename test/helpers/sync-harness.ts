/**
 * A bridge in process with a real sync worker pointed at a really started stand-in of the
 * application (LangWatch or LangSmith), for end-to-end sync tests.
 */
import { pino } from 'pino';
import { startLangSmithFake } from '../../fakes/langsmith/server.js';
import { startLangWatchFake } from '../../fakes/langwatch/server.js';
import { SyncWorker } from '../../src/sync/worker.js';
import { createTargetResolver } from '../../src/targets/registry.js';
import { createHarness, type Harness } from './harness.js';

export interface SyncHarness {
  h: Harness;
  worker: SyncWorker;
  fakeUrl: string | null;
  /** Runs the worker until no mark is left (or only held/parked ones), within a time limit. */
  settle(timeoutMs?: number): Promise<void>;
  /** The stand-in's full state (GET /_fake/state). */
  state(): Promise<any>;
  /** Calls the stand-in's control API. */
  control(method: string, path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

export async function createSyncHarness(
  kind: 'embedded' | 'langwatch' | 'langsmith',
  env: Record<string, string> = {},
  workerOptions: { protectedEmails?: string[]; massRemoval?: { share: number; minPeople: number; windowMs: number } } = {},
  resolverEnv: Record<string, string> = {},
): Promise<SyncHarness & { organization: any }> {
  const fake =
    kind === 'langwatch' ? await startLangWatchFake({ port: 0 }) : kind === 'langsmith' ? await startLangSmithFake({ port: 0 }) : null;
  const organization = fake?.organization ?? null;
  const key = (organization as { apiKey?: string } | null)?.apiKey ?? '';
  const targetEnv: Record<string, string> =
    kind === 'embedded'
      ? {}
      : {
          TARGET: kind,
          TARGET_URL: fake!.url,
          TARGET_API_KEY: key,
          ...(kind === 'langsmith' ? { TARGET_ORGANIZATION_ID: (organization as { organizationId: string }).organizationId } : {}),
        };
  const h = await createHarness({ ...targetEnv, ...env });
  const worker = new SyncWorker({
    db: h.db,
    logger: pino({ level: 'silent' }),
    resolveTarget: createTargetResolver(h.db, { TARGET_API_KEY: key, ...resolverEnv }, { timeoutMs: 500 }),
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
  return {
    h,
    worker,
    organization,
    fakeUrl: fake?.url ?? null,
    async settle(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const open = h.db
          .prepare("SELECT count(*) FROM sync_marks WHERE state IN ('pending', 'retrying')")
          .pluck()
          .get() as number;
        if (open === 0) return;
        if (Date.now() > deadline) throw new Error(`sync did not settle: ${JSON.stringify(h.db.prepare('SELECT * FROM sync_marks').all())}`);
        if ((await worker.tick()) === 0) await new Promise((r) => setTimeout(r, 15));
      }
    },
    state: () => control('GET', '/_fake/state'),
    control,
    async close() {
      await worker.stop();
      h.close();
      await fake?.close();
    },
  };
}
