/**
 * The application's teams and projects, for the admin API's GET /api/scopes (the console's
 * binding form picks a scope from them): asked of the organization's target through its
 * optional `listScopes`, and kept for a minute per organization, so that consoles opened or
 * reloaded by several admins ask the application at most once a minute. src/server.ts builds
 * it from the same target resolver as the worker.
 */
import type { ResolvedTarget, TargetScope } from './port.js';

export const SCOPES_TTL_MS = 60_000;

/** Null when the organization's target cannot list its scopes (embedded, or a target without `listScopes`). */
export type ScopeLister = (organizationId: string) => Promise<TargetScope[] | null>;

export interface ScopeListerOptions {
  ttlMs?: number;
  now?: () => number;
}

export function scopeLister(resolve: (organizationId: string) => ResolvedTarget | null, opts: ScopeListerOptions = {}): ScopeLister {
  const ttlMs = opts.ttlMs ?? SCOPES_TTL_MS;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; answer: Promise<TargetScope[] | null> }>();
  return (organizationId) => {
    const hit = cache.get(organizationId);
    if (hit && now() - hit.at < ttlMs) return hit.answer;
    const resolved = resolve(organizationId);
    // The calls are not recorded: a listing belongs to no member's or group's deliveries.
    const answer = resolved?.target.listScopes
      ? resolved.target.listScopes(
          resolved.http(() => {}),
          resolved.secrets,
        )
      : Promise.resolve(null);
    cache.set(organizationId, { at: now(), answer });
    // A failure is not kept: requests meanwhile share the one in flight, the next one asks again.
    answer.catch(() => {
      if (cache.get(organizationId)?.answer === answer) cache.delete(organizationId);
    });
    return answer;
  };
}
