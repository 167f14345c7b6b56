/**
 * Builds each organization's target from its row in `targets`, with the API key read from the
 * environment variable the row names. Embedded organizations have no remote target.
 */
import type { Db } from '../store/db.js';
import { deleteTargetSecret, getTarget, getTargetSecret, setTargetSecret, type TargetRow } from '../store/targets.repo.js';
import { TargetHttp } from './http.js';
import { LangSmithTarget, langSmithErrorReason } from './langsmith/index.js';
import { LangWatchTarget, langWatchErrorReason } from './langwatch/index.js';
import type { ResolvedTarget, TargetSecrets } from './types.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** A target's own secrets, kept in the live database (also when the target row comes from a scratch one). */
export function targetSecrets(db: Db, organizationId: string): TargetSecrets {
  return {
    get: (name) => getTargetSecret(db, organizationId, name),
    set: (name, value) => setTargetSecret(db, organizationId, name, value, new Date().toISOString()),
    delete: (name) => deleteTargetSecret(db, organizationId, name),
  };
}

interface ResolverOptions {
  timeoutMs?: number;
  /** How long a target waits before looking at a pending invite again (tests shorten it). */
  inviteWaitMs?: number;
  /** Where target secrets live: the live database (default `db`), or null for memory only. */
  secretsDb?: Db | null;
}

function build(row: TargetRow, env: NodeJS.ProcessEnv, opts: ResolverOptions, secrets: TargetSecrets): ResolvedTarget | null {
  const { timeoutMs, inviteWaitMs } = opts;
  if (row.kind === 'embedded' || !row.url) return null;
  const url = row.url;
  const key = row.apiKeyEnv ? (env[row.apiKeyEnv] ?? '') : '';
  const s = row.settings;
  if (row.kind === 'langwatch') {
    const scimTokenEnv = str(s.scimTokenEnv);
    const target = new LangWatchTarget({
      mode: s.langwatchMode === 'invite' ? 'invite' : 'scim',
      suspend: s.suspend === 'account' ? 'account' : 'organization',
      deleteMode: s.deleteMode === 'disable' ? 'disable' : 'remove',
      inviteTeamId: str(s.inviteTeamId),
      inviteTeamRole: s.inviteTeamRole === 'ADMIN' || s.inviteTeamRole === 'VIEWER' ? s.inviteTeamRole : 'MEMBER',
      remoteOrgId: row.remoteOrgId,
      scimToken: scimTokenEnv ? (env[scimTokenEnv] ?? null) || null : null,
      ...(inviteWaitMs !== undefined ? { inviteWaitMs } : {}),
    });
    return {
      target,
      secrets,
      http: (onCall) =>
        new TargetHttp(
          url,
          { Authorization: `Bearer ${key}` },
          { vendor: 'LangWatch', onCall, timeoutMs, readError: langWatchErrorReason },
        ),
    };
  }
  const target = new LangSmithTarget({
    mapping: s.mapping === 'bindings' ? 'bindings' : 'convention',
    createWorkspaces: s.createWorkspaces === true,
    groupPrefix: typeof s.groupPrefix === 'string' ? s.groupPrefix : '',
    ...(inviteWaitMs !== undefined ? { inviteWaitMs } : {}),
  });
  return {
    target,
    secrets,
    http: (onCall) =>
      new TargetHttp(
        url,
        { 'X-API-Key': key, 'X-Organization-Id': row.remoteOrgId ?? '' },
        { vendor: 'LangSmith', onCall, timeoutMs, readError: langSmithErrorReason },
      ),
  };
}

export function createTargetResolver(
  db: Db,
  env: NodeJS.ProcessEnv = process.env,
  opts: ResolverOptions = {},
): (organizationId: string) => ResolvedTarget | null {
  const cache = new Map<string, ResolvedTarget | null>();
  const memory = new Map<string, string>();
  // Without a live database (the doctor before any start), secrets live in memory and are lost.
  const secretsOf = (organizationId: string): TargetSecrets =>
    opts.secretsDb === null
      ? { get: (n) => memory.get(n) ?? null, set: (n, v) => void memory.set(n, v), delete: (n) => void memory.delete(n) }
      : targetSecrets(opts.secretsDb ?? db, organizationId);
  return (organizationId) => {
    if (cache.has(organizationId)) return cache.get(organizationId)!;
    const row = getTarget(db, organizationId);
    const resolved = row ? build(row, env, opts, secretsOf(organizationId)) : null;
    cache.set(organizationId, resolved);
    return resolved;
  };
}
