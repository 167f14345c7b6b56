/**
 * Replays the recorded IdP exchanges in fixtures/{entra,okta}/*.json in process, through the
 * harness: one test per fixture file, its steps in order, each request answered as the IdP's
 * documentation requires.
 *
 * Fixture format (validated below):
 *
 *   { "name": "...", "source": "okta" | "azure-ad", "reference": "where the sequence is documented",
 *     "steps": [ { "name": "...",
 *                  "request": { "method": "PATCH", "path": "/scim/v2/Users/{{userId}}",
 *                               "headers"?: {...}, "body"?: <JSON>, "rawBody"?: "...",
 *                               "auth"?: "none" },
 *                  "expect": { "status": 200, "body"?: <pattern>, "absent"?: ["json.path", ...],
 *                              "headers"?: { "content-type": "application/scim+json" } },
 *                  "capture"?: { "userId": "id" } } ] }
 *
 * - The request carries the bearer token of the fixture's `source` connection (`auth: "none"`
 *   sends none). `{{var}}` is replaced everywhere in request and expectations by earlier
 *   captures; a string that is exactly `"{{var}}"` takes the captured value as is.
 * - A body pattern is a deep subset: an object matches when each of its keys matches (other keys
 *   are allowed); an array matches an array of the same length whose elements can be paired one
 *   to one with matching elements, in any order; `{"$contains": [...]}` matches an array holding
 *   matching elements among others; `"$present"` matches any value but null; anything else must
 *   be strictly equal (so 0 is not "0").
 * - `absent` lists JSON paths (`a.b[0].c`, `["urn:...:User"].manager`) that must not exist.
 * - A header expectation holds when the actual header contains the value, case-insensitively.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHarness } from './helpers/harness.js';
import { readPath } from './suites/runscope.js';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

const stepSchema = z.object({
  name: z.string().min(1),
  request: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    path: z.string().startsWith('/'),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    rawBody: z.string().optional(),
    auth: z.literal('none').optional(),
  }),
  expect: z.object({
    status: z.number().int(),
    body: z.unknown().optional(),
    absent: z.array(z.string()).optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  capture: z.record(z.string(), z.string()).optional(),
});

const fixtureSchema = z.object({
  name: z.string().min(1),
  source: z.enum(['okta', 'azure-ad']),
  reference: z.string().optional(),
  steps: z.array(stepSchema).min(1),
});

type Fixture = z.infer<typeof fixtureSchema>;

// ---------------------------------------------------------------------------------------------

const WHOLE_VAR = /^\{\{\s*([A-Za-z0-9_]+)\s*\}\}$/;
const ANY_VAR = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function substitute(value: unknown, vars: Record<string, unknown>): unknown {
  const lookup = (name: string) => {
    if (!(name in vars)) throw new Error(`{{${name}}} is used before any step captured it`);
    return vars[name];
  };
  if (typeof value === 'string') {
    const whole = WHOLE_VAR.exec(value);
    if (whole) return lookup(whole[1] as string);
    return value.replace(ANY_VAR, (_m, name: string) => String(lookup(name)));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [String(substitute(k, vars)), substitute(v, vars)]));
  }
  return value;
}

function show(v: unknown): string {
  const text = JSON.stringify(v);
  return text === undefined ? 'nothing' : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Mismatches between a pattern and a value, each as "path: what". Empty when it matches. */
function match(pattern: unknown, actual: unknown, path = '$'): string[] {
  if (pattern === '$present') {
    return actual === undefined || actual === null ? [`${path}: expected a value, got ${show(actual)}`] : [];
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array of ${pattern.length}, got ${show(actual)}`];
    if (actual.length !== pattern.length) {
      return [`${path}: expected ${pattern.length} element(s) matching ${show(pattern)}, got ${actual.length}: ${show(actual)}`];
    }
    return pairUp(pattern, actual, path);
  }
  if (pattern !== null && typeof pattern === 'object') {
    const keys = Object.keys(pattern);
    if (keys.length === 1 && keys[0] === '$contains') {
      const wanted = (pattern as { $contains: unknown }).$contains;
      if (!Array.isArray(wanted)) return [`${path}: $contains takes an array`];
      if (!Array.isArray(actual)) return [`${path}: expected an array containing ${show(wanted)}, got ${show(actual)}`];
      return pairUp(wanted, actual, path);
    }
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: expected an object like ${show(pattern)}, got ${show(actual)}`];
    }
    return keys.flatMap((k) => match((pattern as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return Object.is(pattern, actual) ? [] : [`${path}: expected ${show(pattern)}, got ${show(actual)}`];
}

/** Pairs each wanted pattern with a distinct matching element of `actual` (greedy, in order). */
function pairUp(wanted: unknown[], actual: unknown[], path: string): string[] {
  const used = new Set<number>();
  const out: string[] = [];
  for (const w of wanted) {
    const i = actual.findIndex((a, idx) => !used.has(idx) && match(w, a).length === 0);
    if (i === -1) out.push(`${path}: no element matches ${show(w)} in ${show(actual)}`);
    else used.add(i);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function loadFixtures(): { file: string; fixture: Fixture }[] {
  const out: { file: string; fixture: Fixture }[] = [];
  for (const dir of ['entra', 'okta']) {
    const full = join(FIXTURES_DIR, dir);
    for (const name of readdirSync(full)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const file = join(full, name);
      const parsed = fixtureSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${dir}/${name} is not a valid fixture: ${parsed.error.message}`);
      const expectedSource = dir === 'entra' ? 'azure-ad' : 'okta';
      if (parsed.data.source !== expectedSource) throw new Error(`${dir}/${name}: source must be ${expectedSource}`);
      out.push({ file: `${dir}/${name}`, fixture: parsed.data });
    }
  }
  return out;
}

const fixtures = loadFixtures();

describe('recorded IdP exchanges replayed in process', () => {
  it('has fixtures for both IdPs', () => {
    expect(fixtures.some((f) => f.fixture.source === 'azure-ad')).toBe(true);
    expect(fixtures.some((f) => f.fixture.source === 'okta')).toBe(true);
  });

  for (const { file, fixture } of fixtures) {
    it(`${file}: ${fixture.name}`, async () => {
      const harness = await createHarness();
      try {
        const token = fixture.source === 'okta' ? harness.tokens.okta : harness.tokens.azure;
        const vars: Record<string, unknown> = {};
        for (const [i, step] of fixture.steps.entries()) {
          const where = `${basename(file)} step ${i + 1} "${step.name}"`;
          const req = substitute(step.request, vars) as Fixture['steps'][number]['request'];
          const want = substitute(step.expect, vars) as Fixture['steps'][number]['expect'];
          const res = await harness.request(req.method, req.path, {
            ...(req.body !== undefined ? { body: req.body } : {}),
            ...(req.rawBody !== undefined ? { rawBody: req.rawBody } : {}),
            ...(req.headers ? { headers: req.headers } : {}),
            token: req.auth === 'none' ? null : token,
          });
          const problems: string[] = [];
          if (res.status !== want.status) problems.push(`status: expected ${want.status}, got ${res.status}`);
          for (const [name, value] of Object.entries(want.headers ?? {})) {
            const got = res.headers.get(name);
            if (got === null || !got.toLowerCase().includes(value.toLowerCase())) {
              problems.push(`header ${name}: expected it to contain ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
            }
          }
          if (want.body !== undefined) problems.push(...match(want.body, res.body));
          for (const p of want.absent ?? []) {
            const found = readPath(res.body, p);
            if (found !== undefined) problems.push(`${p}: expected it to be absent, got ${show(found)}`);
          }
          if (problems.length === 0) {
            for (const [name, p] of Object.entries(step.capture ?? {})) {
              const value = readPath(res.body, p);
              if (value === undefined || value === null) problems.push(`capture ${name}: nothing at ${p}`);
              else vars[name] = value;
            }
          }
          expect(
            problems,
            `${where} failed\n  ${req.method} ${req.path} → ${res.status}\n  response: ${res.text.slice(0, 2_000) || '(empty)'}\n  ` +
              problems.join('\n  '),
          ).toEqual([]);
        }
      } finally {
        harness.close();
      }
    });
  }
});
