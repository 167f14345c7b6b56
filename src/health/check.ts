/**
 * One check's shape and the few helpers every group of checks shares (readiness.ts for the
 * database, backlog and connections; target-checks.ts for the targets' credentials).
 */

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it, for a person; present on warn and fail. */
  fix?: string;
  [field: string]: unknown;
}

export interface Report {
  status: 'ok' | 'fail';
  checks: Check[];
}

/** `readiness` for /readyz; `doctor` for the CLI (see the module comment for the differences). */
export type Mode = 'readiness' | 'doctor';

/** A credential probe's answer is reused this long, so a probe storm never reaches the target. */
export const PROBE_TTL_MS = 30_000;
/** /readyz waits at most this long for the target (orchestrators time probes out quickly). */
export const PROBE_TIMEOUT_MS = 2_500;

export const overall = (checks: Check[]): Report['status'] => (checks.some((c) => c.status === 'fail') ? 'fail' : 'ok');

/** Runs a check; an exception becomes a check with `onError` status and the error's message. */
export function guarded(name: string, onError: CheckStatus, fix: string, fn: () => Check | Check[]): Check[] {
  try {
    const out = fn();
    return Array.isArray(out) ? out : [out];
  } catch (err) {
    return [{ name, status: onError, detail: `the check could not run: ${err instanceof Error ? err.message : String(err)}`, fix }];
  }
}
