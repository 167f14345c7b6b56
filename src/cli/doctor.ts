/**
 * `scim-bridge doctor`: the readiness checks (src/health/readiness.ts) run from the command line
 * against the configuration in the environment, with a line saying what to fix for each
 * problem. It reads the same environment `serve` does, and changes nothing: the database is not
 * created or migrated, and the only write is the rolled-back one of the database check.
 *
 * Differences from /readyz: a bad configuration is a failed check (not a refusal to run); the
 * target of the default organization is the one the configuration names now (what the next
 * start would use), probed for real without a cache; an unreachable application fails; and
 * migrations the next start applies by itself are a warning.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bootstrap } from '../bootstrap.js';
import { loadConfig, type Config } from '../config.js';
import { appliedMigration } from '../store/health.repo.js';
import { backlogThresholds, checkBacklog, checkConnections, checkDatabase, checkMigrations } from '../health/readiness.js';
import { guarded, overall, type Check, type Report } from '../health/check.js';
import { checkTargets, targetEnv } from '../health/target-checks.js';
import { DEFAULT_ORGANIZATION_ID } from '../store/connections.repo.js';
import { DB_FILE, migrate, openDb, type Db } from '../store/db.js';
import { getTarget, listTargets, type TargetRow } from '../store/targets.repo.js';
import type { ResolvedTarget } from '../sync/port.js';
import { createTargetResolver } from '../targets/registry.js';
import { JSON_OPTION, type CommandSpec, type Input } from './args.js';
import { print } from './common.js';

/** The doctor waits longer for the application than /readyz does: it is run by a person. */
const DOCTOR_PROBE_TIMEOUT_MS = 10_000;

const DOCTOR_DESCRIPTION = `Checks what the bridge needs, with the environment serve would start with, and says what to fix:
  configuration    the environment variables (see README "Configuration")
  database         DATA_DIR's database is there and writable (a write that is rolled back)
  migrations       every migration of this build is applied
  sync_backlog     deliveries waiting, and their age (READY_BACKLOG_MAX, READY_BACKLOG_MAX_AGE_SECONDS)
  target:<org>     the application's credentials, with one real call; last success and last error
  connection:<src> when each IdP connection last called (a warning at most)

Nothing is changed: the database is neither created nor migrated.
Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage error.`;

const LABEL: Record<Check['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** One block per check: status, name and detail, then the fix on its own line. */
export function formatReport(report: Report): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.flatMap((c) => [
    `${LABEL[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`,
    ...(c.fix ? [`${' '.repeat(6 + width + 2)}fix: ${c.fix}`] : []),
  ]);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    '',
    failed
      ? `${plural(failed, 'check')} failed${warned ? `, ${plural(warned, 'warning')}` : ''}: fix the FAIL lines above.`
      : `No check failed${warned ? ` (${plural(warned, 'warning')})` : ''}.`,
  );
  return lines.join('\n');
}

function configurationCheck(env: NodeJS.ProcessEnv): { check: Check; config: Config | null } {
  try {
    const config = loadConfig(env);
    const parts = [
      `TARGET=${config.TARGET}`,
      `DATA_DIR=${config.DATA_DIR}`,
      `${config.BRIDGE_CONNECTIONS.length} connection(s) in BRIDGE_CONNECTIONS`,
      `BRIDGE_ADMIN_KEY ${config.BRIDGE_ADMIN_KEY ? 'set' : 'not set'}`,
    ];
    return { check: { name: 'configuration', status: 'ok', detail: parts.join(', ') }, config };
  } catch (err) {
    return {
      check: {
        name: 'configuration',
        status: 'fail',
        detail: err instanceof Error ? err.message : String(err),
        fix: 'Correct the variable named above (README "Configuration" and "Targets" list each one); serve refuses to start until then.',
      },
      config: null,
    };
  }
}

/** The nearest existing directory on the way to `dir` is writable (so the first start can create the file). */
function writableDirectory(dir: string): boolean {
  let d = resolve(dir);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    accessSync(d, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The default organization's target as the configuration names it (bootstrapped into a scratch
 * in-memory database, exactly as a start would), with the last calls recorded in the real one.
 */
function configuredTarget(config: Config, db: Db | null, env: NodeJS.ProcessEnv): { row: TargetRow; resolved: ResolvedTarget | null } {
  const scratch = openDb(':memory:');
  try {
    migrate(scratch);
    bootstrap(scratch, config);
    const row = getTarget(scratch, DEFAULT_ORGANIZATION_ID)!;
    // The SCIM token a LangWatch target minted lives in the real database, not the scratch one.
    const resolved = createTargetResolver(scratch, env, { timeoutMs: DOCTOR_PROBE_TIMEOUT_MS, secretsDb: db })(DEFAULT_ORGANIZATION_ID);
    const recorded = db ? getTarget(db, DEFAULT_ORGANIZATION_ID) : null;
    const same = recorded && recorded.kind === row.kind && recorded.url === row.url;
    return {
      row: same
        ? {
            ...row,
            lastSuccessAt: recorded.lastSuccessAt,
            lastFailureAt: recorded.lastFailureAt,
            lastError: recorded.lastError,
            reconcile: recorded.reconcile,
          }
        : row,
      resolved,
    };
  } finally {
    scratch.close();
  }
}

/** Every check; never throws. */
export async function runDoctor(env: NodeJS.ProcessEnv = process.env, nowMs = Date.now()): Promise<Report> {
  const { check: configuration, config } = configurationCheck(env);
  const checks: Check[] = [configuration];
  const dataDir = config?.DATA_DIR ?? env.DATA_DIR ?? './data';
  const file = join(dataDir, DB_FILE);
  const keys = config ? targetEnv(config, env) : env;

  let db: Db | null = null;
  if (!existsSync(file)) {
    checks.push(
      writableDirectory(dataDir)
        ? {
            name: 'database',
            status: 'warn',
            detail: `no database at ${file} yet`,
            fix: 'The first start creates it (or run `scim-bridge migrate`); if the bridge has run before, DATA_DIR points at the wrong place.',
          }
        : {
            name: 'database',
            status: 'fail',
            detail: `no database at ${file}, and the directory cannot be created or written`,
            fix: `Make DATA_DIR (${dataDir}) a directory the bridge's user can write, or point DATA_DIR elsewhere.`,
          },
    );
  } else {
    try {
      db = openDb(file);
    } catch (err) {
      checks.push({
        name: 'database',
        status: 'fail',
        detail: `${file} cannot be opened: ${(err as Error).message}`,
        fix: 'Check the file is a scim-bridge SQLite database the bridge user can read and write (restore a backup if it is corrupt).',
      });
    }
  }

  try {
    let migrated = false;
    if (db) {
      checks.push(checkDatabase(db));
      const migrations = guarded('migrations', 'fail', 'Run `scim-bridge migrate`.', () => checkMigrations(db, 'doctor'));
      checks.push(...migrations);
      migrated = appliedMigration(db) !== null && migrations.every((c) => c.status !== 'fail');
      if (migrated) {
        const thresholds = backlogThresholds(config ?? {});
        checks.push(...guarded('sync_backlog', 'fail', 'See the database check.', () => checkBacklog(db, thresholds, nowMs)));
      }
    }

    // Targets: the configured one for the default organization, the recorded ones for any other.
    const rows: TargetRow[] = migrated && db ? listTargets(db) : [];
    const resolvers = new Map<string, ResolvedTarget | null>();
    if (config) {
      const { row, resolved } = configuredTarget(config, migrated ? db : null, keys);
      const at = rows.findIndex((r) => r.organizationId === DEFAULT_ORGANIZATION_ID);
      if (at >= 0) rows[at] = row;
      else rows.unshift(row);
      resolvers.set(DEFAULT_ORGANIZATION_ID, resolved);
      if (row.kind === 'embedded') {
        checks.push({
          name: `target:${DEFAULT_ORGANIZATION_ID}`,
          status: 'ok',
          detail: 'embedded (TARGET=embedded): the bridge is the application, there is nothing remote to check',
        });
      }
    }
    const recorded = db && migrated ? createTargetResolver(db, keys, { timeoutMs: DOCTOR_PROBE_TIMEOUT_MS }) : () => null;
    const resolveTarget = (org: string) => (resolvers.has(org) ? resolvers.get(org)! : recorded(org));
    checks.push(...(await checkTargets(rows, resolveTarget, (_row, run) => run(), keys, 'doctor')));

    if (db && migrated) {
      const connections = guarded('connections', 'warn', 'See the database check.', () => checkConnections(db, nowMs));
      // BRIDGE_CONNECTIONS names connections the next start creates: not a problem, but say so.
      const known = new Set(connections.map((c) => c.source));
      const pending: Check[] = (config?.BRIDGE_CONNECTIONS ?? [])
        .filter((c) => !known.has(c.source))
        .map((c) => ({
          name: `connection:${c.source}`,
          status: 'warn',
          detail: 'named in BRIDGE_CONNECTIONS but not in the database yet',
          fix: 'The next start creates it; then give the IdP its token.',
        }));
      checks.push(...(pending.length ? connections.filter((c) => c.name !== 'connections') : connections), ...pending);
    }
  } catch (err) {
    checks.push({
      name: 'doctor',
      status: 'fail',
      detail: `a check could not run: ${err instanceof Error ? err.message : String(err)}`,
      fix: 'Fix the failures above and run the doctor again.',
    });
  } finally {
    db?.close();
  }
  return { status: overall(checks), checks };
}

/** Returns the exit code: 0 nothing failed, 1 a check failed. */
async function run(input: Input): Promise<number> {
  const json = input.values.json === true;
  const report = await runDoctor();
  print(json, report, formatReport(report));
  return report.status === 'ok' ? 0 : 1;
}

/** The doctor loads the configuration itself: a bad one is one of the things it reports. */
export const DOCTOR_COMMAND: CommandSpec = {
  name: 'doctor',
  summary: 'Check configuration, database, backlog, target credentials and\nconnections, and say what to fix',
  description: DOCTOR_DESCRIPTION,
  options: { json: JSON_OPTION },
  run,
};
