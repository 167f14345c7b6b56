/**
 * Builds each organization's target from its row in `targets`, with the API key read from the
 * environment variable the row names. Embedded organizations have no remote target.
 */
import type { Db } from '../store/db.js';
import { getTarget } from '../store/targets.repo.js';
import type { ResolvedTarget } from '../sync/worker.js';
import { TargetHttp } from './http.js';
import { LangSmithTarget } from './langsmith.js';
import { LangWatchTarget } from './langwatch.js';

export function createTargetResolver(
  db: Db,
  env: NodeJS.ProcessEnv = process.env,
  opts: { timeoutMs?: number } = {},
): (organizationId: string) => ResolvedTarget | null {
  const cache = new Map<string, ResolvedTarget | null>();
  return (organizationId) => {
    if (cache.has(organizationId)) return cache.get(organizationId)!;
    const row = getTarget(db, organizationId);
    let resolved: ResolvedTarget | null = null;
    if (row && row.kind !== 'embedded' && row.url) {
      const key = row.apiKeyEnv ? (env[row.apiKeyEnv] ?? '') : '';
      const s = row.settings;
      if (row.kind === 'langwatch') {
        const target = new LangWatchTarget({
          deleteMode: s.deleteMode === 'disable' ? 'disable' : 'remove',
          remoteOrgId: row.remoteOrgId,
        });
        resolved = { target, http: (onCall) => new TargetHttp(row.url!, { Authorization: `Bearer ${key}` }, onCall, opts.timeoutMs) };
      } else {
        const target = new LangSmithTarget({
          mapping: s.mapping === 'bindings' ? 'bindings' : 'convention',
          createWorkspaces: s.createWorkspaces === true,
          groupPrefix: typeof s.groupPrefix === 'string' ? s.groupPrefix : '',
        });
        resolved = {
          target,
          http: (onCall) => new TargetHttp(row.url!, { 'X-API-Key': key, 'X-Organization-Id': row.remoteOrgId ?? '' }, onCall, opts.timeoutMs),
        };
      }
    }
    cache.set(organizationId, resolved);
    return resolved;
  };
}
