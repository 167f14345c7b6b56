/**
 * The targets' checks, for /readyz and the doctor: one real call per target (its own
 * `checkCredentials`), classified, cached so that no probe storm reaches the application, and
 * rendered as a `target:<organization>` entry with the last calls and any reconciliation pass.
 */
import type { Config } from '../config.js';
import type { TargetRow } from '../store/targets.repo.js';
import type { ResolvedTarget } from '../sync/port.js';
import { TargetError } from '../targets/errors.js';
import { PROBE_TTL_MS, type Check, type Mode } from './check.js';

/**
 * What a credential probe found: `refused` (401/403), `missing` (no URL or no key configured),
 * `unreachable` (network error, timeout, 408, 429, 5xx) or `rejected` (another answer).
 */
export type CredentialResult = 'ok' | 'refused' | 'missing' | 'unreachable' | 'rejected';

export interface ProbeOutcome {
  result: CredentialResult;
  detail: string;
  status: number | null;
  checkedAt: string;
}

/** The environment a target's key is read from: the process's, with the parsed TARGET_API_KEY. */
export function targetEnv(config: Pick<Config, 'TARGET_API_KEY'>, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return config.TARGET_API_KEY ? { ...env, TARGET_API_KEY: config.TARGET_API_KEY } : env;
}

/** One real call (the target's own `checkCredentials`), classified; never throws. */
export async function probeCredentials(row: TargetRow, resolved: ResolvedTarget | null, env: NodeJS.ProcessEnv): Promise<ProbeOutcome> {
  const checkedAt = new Date().toISOString();
  if (!resolved || !row.url) return { result: 'missing', status: null, checkedAt, detail: 'no URL is configured' };
  if (row.apiKeyEnv && !env[row.apiKeyEnv]) {
    return { result: 'missing', status: null, checkedAt, detail: `no API key: ${row.apiKeyEnv} is not set` };
  }
  try {
    const note = await resolved.target.checkCredentials(
      resolved.http(() => {}),
      resolved.secrets,
    );
    return { result: 'ok', status: null, checkedAt, detail: note ? `credentials accepted; ${note}` : 'credentials accepted' };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof TargetError)) return { result: 'rejected', status: null, checkedAt, detail: message };
    const result: CredentialResult = err.status === 401 || err.status === 403 ? 'refused' : err.retryable ? 'unreachable' : 'rejected';
    return { result, status: err.status, checkedAt, detail: message };
  }
}

/**
 * Probe answers shared between requests: fresh for `ttlMs`; after that the last answer is still
 * given (for up to five times as long) while one new probe runs in the background, so neither a
 * probe storm nor a slow application makes /readyz slow or reaches the application more than
 * once per `ttlMs`. Concurrent callers of a cold entry share one probe.
 */
export class CredentialCache {
  private readonly entries = new Map<string, { value?: ProbeOutcome; at: number; inflight?: Promise<ProbeOutcome> }>();

  constructor(private readonly ttlMs = PROBE_TTL_MS) {}

  get(key: string, probe: () => Promise<ProbeOutcome>, nowMs = Date.now()): Promise<ProbeOutcome> {
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { at: 0 }));
    const e = entry;
    const age = nowMs - e.at;
    if (e.value && age < this.ttlMs) return Promise.resolve(e.value);
    e.inflight ??= probe()
      .then((value) => {
        e.value = value;
        e.at = Date.now();
        return value;
      })
      .finally(() => {
        e.inflight = undefined;
      });
    if (e.value && age < 5 * this.ttlMs) return Promise.resolve(e.value);
    return e.inflight;
  }

  /**
   * The answer already known, without waiting: fresh, or stale (then one refresh starts in the
   * background, as `get` does); null for a key never probed, whose first probe is left to /readyz.
   */
  peek(key: string, probe: () => Promise<ProbeOutcome>, nowMs = Date.now()): ProbeOutcome | null {
    const e = this.entries.get(key);
    if (!e?.value) return null;
    if (nowMs - e.at >= this.ttlMs) void this.get(key, probe, nowMs);
    return nowMs - e.at < 5 * this.ttlMs ? e.value : null;
  }
}

/** Emails in an application's error message are not for an unauthenticated endpoint. */
export function maskEmails(text: string): string {
  return text.replace(/[^\s@"'<>(),;:[\]]+@[^\s@"'<>(),;:[\]]+\.[A-Za-z]{2,}/g, '[email]');
}

/** `target:<organization>`: credentials (probed), last successful call and last error. */
export function targetCheck(row: TargetRow, probe: ProbeOutcome, mode: Mode): Check {
  const keyVar = row.apiKeyEnv ?? 'TARGET_API_KEY';
  const lastError = row.lastError ? maskEmails(row.lastError).slice(0, 500) : null;
  const r = row.reconcile;
  const fields = {
    name: `target:${row.organizationId}`,
    organizationId: row.organizationId,
    kind: row.kind,
    ...(mode === 'doctor' ? { url: row.url } : {}),
    credentials: probe.result,
    credentialsCheckedAt: probe.checkedAt,
    reconcile: r.phase || r.startedAt ? r : null,
    lastSuccessAt: row.lastSuccessAt,
    lastFailureAt: row.lastFailureAt,
    lastError,
  };
  const pass = r.phase ? `; provisioning what the bridge already holds: ${r.done} of ${r.total} looked at` : '';
  const calls = `last successful call: ${row.lastSuccessAt ?? 'never'}${lastError ? `; last error: ${lastError}` : ''}${pass}`;
  const detail = (what: string) => `${row.kind}: ${what}; ${calls}`;
  // The probe's own message carries the URL path; on /readyz the reason is enough.
  const reason = mode === 'doctor' ? probe.detail : probe.status ? `the application answered ${probe.status}` : probe.detail;
  switch (probe.result) {
    case 'ok': {
      const lastFailed = row.lastFailureAt !== null && (row.lastSuccessAt === null || row.lastFailureAt > row.lastSuccessAt);
      if (!lastFailed) return { ...fields, status: 'ok', detail: detail(probe.detail) };
      return {
        ...fields,
        status: 'warn',
        detail: detail('credentials accepted, but the last delivery failed'),
        fix: 'See the failing deliveries with `scim-bridge deliveries list` (GET /api/deliveries); parked ones need an admin.',
      };
    }
    // In readiness a target that cannot be used is a warning: the IdPs are still answered.
    case 'refused':
      return {
        ...fields,
        status: mode === 'doctor' ? 'fail' : 'warn',
        detail: detail(`the application refused the API key (${reason})`),
        fix:
          `Set ${keyVar} to a valid key (LangWatch: an organization key with organization:manage; ` +
          "LangSmith: an Organization Admin's personal key and the right TARGET_ORGANIZATION_ID) and restart the bridge.",
      };
    case 'missing':
      return {
        ...fields,
        status: mode === 'doctor' ? 'fail' : 'warn',
        detail: detail(reason),
        fix: `Set TARGET_URL and ${keyVar} for TARGET=${row.kind}, then restart the bridge.`,
      };
    case 'unreachable':
      return {
        ...fields,
        status: mode === 'doctor' ? 'fail' : 'warn',
        detail: detail(`the application could not be reached (${reason})`),
        fix:
          `Check that TARGET_URL${mode === 'doctor' ? ` (${row.url})` : ''} is right and that the application is up and ` +
          'reachable from the bridge; deliveries are retried meanwhile.',
      };
    case 'rejected':
      return {
        ...fields,
        status: mode === 'doctor' ? 'fail' : 'warn',
        detail: detail(`the credential check failed (${reason})`),
        fix: "Check that TARGET_URL is the application's base URL (not a page or a sub-path) and that its plan allows API access.",
      };
  }
}

/** Targets other than the embedded one, each probed through `probe` (cached or not). */
export async function checkTargets(
  rows: TargetRow[],
  resolve: (organizationId: string) => ResolvedTarget | null,
  probe: (row: TargetRow, run: () => Promise<ProbeOutcome>) => Promise<ProbeOutcome>,
  env: NodeJS.ProcessEnv,
  mode: Mode,
): Promise<Check[]> {
  const remote = rows.filter((r) => r.kind !== 'embedded');
  const outcomes = await Promise.all(remote.map((r) => probe(r, () => probeCredentials(r, resolve(r.organizationId), env))));
  return remote.map((r, i) => targetCheck(r, outcomes[i]!, mode));
}
