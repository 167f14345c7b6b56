import { ScimError } from './errors.js';
import { etag } from './render.js';

/** The opaque part of an entity tag, so that W/"3" and "3" compare equal (weak comparison). */
function opaque(tag: string): string {
  return tag.trim().replace(/^W\//i, '');
}

function listMatches(header: string, version: number): boolean {
  const current = opaque(etag(version));
  return header.split(',').some((t) => t.trim() === '*' || opaque(t) === current);
}

/** RFC 7232 §3.1 / RFC 7644 §3.14: a write with a stale If-Match fails with 412. */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (header !== undefined && header.trim() !== '' && !listMatches(header, version)) {
    throw ScimError.preconditionFailed();
  }
}

/** RFC 7232 §3.2: a GET whose If-None-Match names the current version gets 304. */
export function notModified(header: string | undefined, version: number): boolean {
  return header !== undefined && header.trim() !== '' && listMatches(header, version);
}
