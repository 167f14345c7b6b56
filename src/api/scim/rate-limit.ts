import type { MiddlewareHandler } from 'hono';
import { ScimError } from '../../scim/errors.js';
import type { AppDeps, AppEnv } from '../env.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** One set of buckets per app (per createApp), keyed by SCIM connection id. */
const bucketsByApp = new WeakMap<AppDeps, Map<string, Bucket>>();

/**
 * A token bucket per SCIM connection (the IdP the bearer token belongs to), so one IdP's burst
 * never slows another. SCIM_RATE_LIMIT_BURST requests pass at once; the bucket refills at
 * SCIM_RATE_LIMIT_PER_SECOND. A request finding it empty gets 429 with an integer Retry-After
 * (seconds, at least 1: the time until one token is back, rounded up). Runs after scimAuth.
 */
export const scimRateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get('deps');
  const rate = deps.config.SCIM_RATE_LIMIT_PER_SECOND;
  const burst = deps.config.SCIM_RATE_LIMIT_BURST;
  const connection = c.get('connection');
  if (!(rate > 0) || !connection) return next();
  let buckets = bucketsByApp.get(deps);
  if (!buckets) bucketsByApp.set(deps, (buckets = new Map<string, Bucket>()));
  const now = performance.now();
  const bucket = buckets.get(connection.id) ?? { tokens: burst, at: now };
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
  bucket.at = now;
  buckets.set(connection.id, bucket);
  if (bucket.tokens < 1) {
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
    throw new ScimError(
      429,
      `Too many requests for this connection (limit ${rate} per second, burst ${burst}); retry after ${retryAfter} s.`,
      undefined,
      { 'Retry-After': String(retryAfter) },
    );
  }
  bucket.tokens -= 1;
  await next();
};
