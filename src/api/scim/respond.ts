import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ScimError, toScimErrorBody } from '../../scim/errors.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Every SCIM answer goes out as application/scim+json (RFC 7644 §3.1). */
export function scimJson(c: Context, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers },
  });
}

const JSON_TYPES = new Set(['application/scim+json', 'application/json']);

/**
 * Reads a JSON request body. RFC 7644 §3.1 names application/scim+json; the Okta SPEC test
 * posts application/json, and a body with no Content-Type at all is read as JSON too, since
 * refusing it helps nobody. A declared non-JSON type is refused with 415.
 */
export async function readJson(c: Context): Promise<unknown> {
  const declared = c.req.header('content-type');
  const mediaType = declared?.split(';')[0]!.trim().toLowerCase();
  if (mediaType && !JSON_TYPES.has(mediaType) && mediaType !== 'text/plain') {
    throw ScimError.unsupportedMediaType(`Content-Type ${mediaType} is not accepted; send application/scim+json or application/json.`);
  }
  const text = await c.req.text();
  if (text.trim() === '') throw ScimError.invalidSyntax('The request body is empty; a JSON object is expected.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw ScimError.invalidSyntax(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (jsonDepth(parsed) > MAX_JSON_DEPTH) {
    throw ScimError.invalidSyntax(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  return parsed;
}

/**
 * No SCIM document nests much (a Bulk operation's complex attribute is 5 levels deep). Deeper
 * bodies are refused before any recursive code (bulkId substitution, normalisation) walks them
 * and overflows the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of a parsed JSON value, walked without recursion; stops past the limit. */
function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

/** Refuses a body over `maxBytes` with a SCIM 413 while it streams in, before it is buffered. */
export function scimBodyLimit(maxBytes: number, name: string): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    scimJson(c, 413, toScimErrorBody(ScimError.payloadTooLarge(`The request body exceeds ${name} (${maxBytes} bytes).`)));
  // Chunked bodies are counted while they stream in (Hono's middleware). It needs the request
  // as a web Request, which costs about half the handling of a small write, so a body with a
  // Content-Length (what IdPs send) is judged by that header alone; Node's parser holds the
  // body to that length.
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (Number(length) > maxBytes) return tooLarge(c);
    return next();
  };
}
