import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tokens and keys are stored only as SHA-256 hashes: they are long random secrets, so a
 * slow password hash would add latency to every request without adding safety. (The one-shot
 * `hash` skips the Hash object that `createHash` builds for every request.) */
export function hashSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** Constant-time comparison of two hashes, so a lookup result is never checked with `===`. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new secret: 32 random bytes, base64url, with a prefix that says what it is. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}
