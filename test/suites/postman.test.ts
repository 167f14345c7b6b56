/**
 * Microsoft's SCIMReferenceCode Postman collection ("SCIM Tests", MIT, an unchanged copy found
 * by ./location.ts), run with newman against a really started, empty server on the azure-ad
 * connection. Every skip or adaptation lives in ./postman-skips.ts with its reason; everything
 * else must pass as written. Without the collection the whole file is skipped, saying why.
 */
import { readFileSync } from 'node:fs';
// @ts-expect-error -- newman ships no type declarations; the few fields we read are typed below.
import newman from 'newman';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../helpers/server.js';
import { locateSuite } from './location.js';
import { applyAdaptations, requestLabel, type AppliedAdaptations, type FlatRequest } from './postman-skips.js';

const COLLECTION = locateSuite('azuread-scimreferencecode/PostmanCollection.json');
if (COLLECTION.skip) console.log(`skipped: ${COLLECTION.skip}`);

interface NewmanError {
  name?: string;
  message: string;
}
interface NewmanExecution {
  item: { id: string; name: string };
  request?: { method?: string; url?: { toString(): string } };
  response?: { code: number; stream?: Uint8Array; responseTime?: number };
  requestError?: NewmanError;
  assertions?: { assertion: string; skipped?: boolean; error?: NewmanError }[];
  testScript?: { error?: NewmanError }[];
  prerequestScript?: { error?: NewmanError }[];
}
interface NewmanSummary {
  run: {
    stats: Record<'requests' | 'assertions' | 'testScripts', { total: number; pending: number; failed: number }>;
    executions: NewmanExecution[];
    failures: { error: NewmanError; source?: { name?: string } }[];
  };
}
type NewmanRun = (options: Record<string, unknown>, callback: (err: Error | null, summary: NewmanSummary) => void) => unknown;

function runNewman(options: Record<string, unknown>): Promise<NewmanSummary> {
  return new Promise((resolve, reject) => {
    (newman as { run: NewmanRun }).run(options, (err, summary) => (err ? reject(err) : resolve(summary)));
  });
}

const BODY_LIMIT = 1_500;

function responseText(e: NewmanExecution): string {
  if (!e.response?.stream) return '';
  const text = Buffer.from(e.response.stream).toString('utf8');
  return text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…` : text;
}

/** What went wrong in one execution: failed assertions, script errors, request errors. */
function problems(e: NewmanExecution): string[] {
  const out: string[] = [];
  if (e.requestError) out.push(`request error: ${e.requestError.message}`);
  for (const a of e.assertions ?? []) if (a.error) out.push(`assertion "${a.assertion}" failed: ${a.error.message}`);
  for (const s of e.testScript ?? []) if (s.error) out.push(`test script error: ${s.error.name ?? 'Error'}: ${s.error.message}`);
  for (const s of e.prerequestScript ?? []) if (s.error) out.push(`pre-request script error: ${s.error.message}`);
  return out;
}

function describeExecution(e: NewmanExecution): string {
  const method = e.request?.method ?? '';
  const url = e.request?.url?.toString() ?? '';
  const status = e.response ? String(e.response.code) : 'no response';
  return `${method} ${url} → ${status}\n    response: ${responseText(e) || '(empty)'}`;
}

const TITLE = 'Microsoft SCIMReferenceCode Postman collection (newman) against the real server';

describe.skipIf(COLLECTION.path === undefined)(COLLECTION.skip ? `${TITLE} — skipped: ${COLLECTION.skip}` : TITLE, () => {
  if (COLLECTION.path === undefined) {
    it.skip('runs the collection', () => {}); // counted as skipped, under the reason above
    return;
  }
  const adapted: AppliedAdaptations = applyAdaptations(JSON.parse(readFileSync(COLLECTION.path, 'utf8')));
  let server: StartedServer;
  let summary: NewmanSummary | undefined;
  const byItem = new Map<string, NewmanExecution[]>();

  beforeAll(async () => {
    server = await startServer();
    summary = await runNewman({
      collection: adapted.collection,
      envVar: [
        { key: 'Protocol', value: 'http' },
        { key: 'Server', value: '127.0.0.1' },
        { key: 'Port', value: `:${server.port}` },
        { key: 'Api', value: 'scim/v2' },
        { key: 'token', value: server.tokens.azure },
      ],
      timeoutRequest: 15_000,
      timeout: 120_000,
    });
    for (const e of summary.run.executions) {
      const list = byItem.get(e.item.id) ?? [];
      list.push(e);
      byItem.set(e.item.id, list);
    }

    const executions = summary.run.executions;
    const assertions = executions.flatMap((e) => e.assertions ?? []);
    const failed = assertions.filter((a) => a.error && !a.skipped).length;
    const passed = assertions.filter((a) => !a.error && !a.skipped).length;
    const scriptErrors = executions.flatMap((e) => (e.testScript ?? []).filter((s) => s.error)).length;
    const skipped = adapted.requests.filter((r) => r.skipped).length;
    const failing = executions.filter((e) => problems(e).length > 0);
    const labelOf = (id: string) => {
      const r = adapted.requests.find((x) => x.id === id);
      return r ? requestLabel(adapted.requests, r) : id;
    };
    const declared = adapted.requests.reduce((n, r) => n + r.tests.length, 0);
    const skippedAssertions = adapted.skippedAssertions.length;
    const notRun = declared - passed - failed - skippedAssertions;
    console.log(
      [
        `postman (SCIMReferenceCode): requests ${executions.length} run, ${skipped} skipped (of ${adapted.requests.length}); ` +
          `assertions ${passed} passed, ${failed} failed, ${skippedAssertions} skipped` +
          (notRun ? `, ${notRun} never reached (script error before them)` : '') +
          ` (of ${declared} declared); test-script errors ${scriptErrors}`,
        'adaptations (test/suites/postman-skips.ts):',
        ...adapted.log.map((l) => `  - ${l}`),
        ...(failing.length ? ['failing requests:'] : []),
        ...failing.map((e) => `  ✗ ${labelOf(e.item.id)}: ${problems(e).join('; ')}\n    ${describeExecution(e)}`),
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const runnable = (r: FlatRequest) => !r.skipped;

  for (const r of adapted.requests) {
    const title = requestLabel(adapted.requests, r);
    if (!runnable(r)) {
      it.skip(`${title} — skipped: ${r.skipped}`, () => {});
      continue;
    }
    it(title, () => {
      const executions = byItem.get(r.id) ?? [];
      expect(executions, `${title} did not run`).toHaveLength(1);
      const e = executions[0]!;
      const found = problems(e);
      expect(found, `${title}\n  ${found.join('\n  ')}\n  ${describeExecution(e)}`).toEqual([]);
    });
  }

  it('runs every request that is not skipped, and every assertion that is not skipped passes', () => {
    expect(summary, 'newman did not finish').toBeDefined();
    if (!summary) return;
    const expectedRuns = adapted.requests.filter(runnable).length;
    expect(summary.run.executions).toHaveLength(expectedRuns);
    const failures = summary.run.executions.flatMap((e) => problems(e).map((p) => `${e.item.name}: ${p}`));
    expect(failures).toEqual([]);
  });
});
