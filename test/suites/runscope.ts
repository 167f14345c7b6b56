/**
 * A small runner for Runscope (BlazeMeter API Monitoring) "API test" exports, enough to run
 * Okta's SCIM 2.0 SPEC tests (../shared/scim-suites/okta) against a live server:
 *
 * - `request` steps: `{{var}}` substitution in url, headers and body, then `fetch`;
 * - `assertions[]`: every comparison the exports use (and the rest of Runscope's list); an
 *   unknown comparison or source fails the assertion instead of passing silently;
 * - `variables[]`: extracted from the response after each step (JSON paths such as
 *   `Resources[0].id`, headers, status, text);
 * - `scripts[]` / `before_scripts[]`: run in a `vm` sandbox with Runscope's script globals
 *   (`response`, `request`, `variables`, `assert`, `log`); `assert` is a small chai-assert
 *   look-alike that records every check. A non-empty script that throws, or that makes no
 *   check at all, fails (the second catches a script whose guard silently skipped its check);
 * - `pause` steps are no-ops; `skipped` steps are skipped; other step types fail.
 */
import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import vm from 'node:vm';

// ---------------------------------------------------------------------------------------------
// The export format (only the parts we read).

export interface RunscopeAssertion {
  source: string;
  comparison: string;
  property?: string | null;
  value?: string | number | null;
}

export interface RunscopeVariable {
  source: string;
  name: string;
  property?: string | null;
}

export interface RunscopeRequestStep {
  step_type: 'request';
  skipped?: boolean;
  note?: string;
  method: string;
  url: string;
  headers?: Record<string, string[] | string>;
  body?: string | null;
  assertions?: RunscopeAssertion[];
  variables?: RunscopeVariable[];
  scripts?: string[];
  before_scripts?: string[];
}

export interface RunscopeOtherStep {
  step_type: string;
  skipped?: boolean;
  note?: string;
  duration?: number;
}

export type RunscopeStep = RunscopeRequestStep | RunscopeOtherStep;

export interface RunscopeTest {
  name: string;
  description?: string;
  steps: RunscopeStep[];
}

export function isRequestStep(step: RunscopeStep): step is RunscopeRequestStep {
  return step.step_type === 'request';
}

// ---------------------------------------------------------------------------------------------
// Results.

export interface AssertionResult {
  /** 0-based index of the assertion inside its step. */
  index: number;
  source: string;
  property: string | null;
  comparison: string;
  expected: string | null;
  actual: unknown;
  passed: boolean;
  message?: string;
}

export interface ScriptCheck {
  /** `before_scripts[0]`, `scripts[1]`, ... */
  script: string;
  description: string;
  passed: boolean;
  message?: string;
}

export interface StepResult {
  /** 0-based position among all steps of the test (pauses included). */
  stepIndex: number;
  /** 1-based position among request steps. */
  requestNumber: number;
  note: string;
  method: string;
  url: string;
  status: number | null;
  responseTimeMs: number | null;
  /** Response text, cut to a few KB, for failure messages. */
  responseText: string;
  requestError?: string;
  assertions: AssertionResult[];
  scriptChecks: ScriptCheck[];
  /** Problems that are not assertions: an unknown `{{var}}`, a failed extraction, ... */
  errors: string[];
}

export interface RunscopeReport {
  name: string;
  steps: StepResult[];
  assertions: { total: number; passed: number; failed: number };
  scriptChecks: { total: number; passed: number; failed: number };
  variables: Record<string, string>;
}

export interface RunOptions {
  /** Initial variables (the Initial Script's output). Mutated copies, never the original. */
  variables: Record<string, string>;
  /** Per-request timeout; Okta itself gives up after 60 s. */
  requestTimeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Okta's Initial Script, reproduced from the variable table in OKTA-PREP / SOURCES.md.

const LOWER = 'abcdefghijklmnopqrstuvwxyz';

function randomDigits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

function randomLetters(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += LOWER[randomInt(LOWER.length)];
  return out;
}

/**
 * The variables Okta's SPEC test expects: SCIMBaseURL, auth, randomGivenName ("Runscope" + 3
 * digits), randomFamilyName (a capital, 8 lowercase letters, 3 digits), randomUsername =
 * randomEmail = `<given><family>@atko.com`, randomUsernameCaps, InvalidUserEmail and
 * UserIdThatDoesNotExist.
 */
export function oktaSpecVariables(scimBaseUrl: string, bearerToken: string): Record<string, string> {
  const randomGivenName = `Runscope${randomDigits(3)}`;
  const randomFamilyName = `${randomLetters(1).toUpperCase()}${randomLetters(8)}${randomDigits(3)}`;
  const randomUsername = `${randomGivenName}${randomFamilyName}@atko.com`;
  return {
    SCIMBaseURL: scimBaseUrl,
    auth: `Bearer ${bearerToken}`,
    randomGivenName,
    randomFamilyName,
    randomUsername,
    randomEmail: randomUsername,
    randomUsernameCaps: randomUsername.toUpperCase(),
    InvalidUserEmail: 'abcdefgh@atko.com',
    UserIdThatDoesNotExist: '010101001010101011001010101011',
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers.

const VAR_RE = /\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g;

/** Replaces `{{name}}`; unknown names are left in place and reported. */
export function substitute(text: string, vars: Record<string, string>, unknown: Set<string>): string {
  return text.replace(VAR_RE, (whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name] as string;
    unknown.add(name);
    return whole;
  });
}

/**
 * Reads `a.b[0].c` (also `a["x.y"]`) from a JSON value. Returns `undefined` for any missing
 * step. Runscope property paths use exactly this dotted/indexed syntax.
 */
export function readPath(root: unknown, path: string): unknown {
  const segments: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]|\['([^']*)'\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4]) as string);
  }
  let cur: unknown = root;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}

function asText(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'symbol':
      return value.toString();
    default:
      return JSON.stringify(value) ?? '';
  }
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.length === 0;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false; // numbers and booleans (including false and 0) are values
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Evaluates one Runscope comparison. Returns an error message, or null when it holds. */
export function compare(comparison: string, actual: unknown, expected: string | null): string | null {
  const exp = expected ?? '';
  const num = (label: string, ok: (a: number, b: number) => boolean): string | null => {
    const a = asNumber(actual);
    const b = asNumber(exp);
    if (a === null) return `expected a number to compare (${label} ${exp}), got ${asText(actual) || 'nothing'}`;
    if (b === null) return `the assertion's value ${JSON.stringify(exp)} is not a number`;
    return ok(a, b) ? null : `expected ${a} ${label} ${b}`;
  };
  switch (comparison) {
    case 'equal':
      return actual !== undefined && asText(actual) === exp
        ? null
        : `expected ${JSON.stringify(exp)}, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}`;
    case 'not_equal':
      return asText(actual) !== exp ? null : `expected anything but ${JSON.stringify(exp)}`;
    case 'empty':
      return isEmpty(actual) ? null : `expected empty, got ${JSON.stringify(actual)}`;
    case 'not_empty':
      return !isEmpty(actual) ? null : `expected a non-empty value, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}`;
    case 'contains':
    case 'does_not_contain': {
      let found: boolean;
      if (Array.isArray(actual)) found = actual.some((el) => asText(el) === exp || asText(el).includes(exp));
      else found = actual !== undefined && asText(actual).includes(exp);
      const want = comparison === 'contains';
      return found === want ? null : `expected ${JSON.stringify(actual)} ${want ? 'to contain' : 'not to contain'} ${JSON.stringify(exp)}`;
    }
    case 'has_key':
      return actual !== null && typeof actual === 'object' && !Array.isArray(actual) && exp in actual
        ? null
        : `expected an object with key ${JSON.stringify(exp)}, got ${JSON.stringify(actual)}`;
    case 'has_value': {
      const values = Array.isArray(actual) ? actual : actual !== null && typeof actual === 'object' ? Object.values(actual) : [];
      return values.some((v) => asText(v) === exp) ? null : `expected ${JSON.stringify(actual)} to have the value ${JSON.stringify(exp)}`;
    }
    case 'is_a_number':
      // Strict: Okta requires totalResults/startIndex/itemsPerPage as JSON numbers, not strings.
      return typeof actual === 'number' && Number.isFinite(actual)
        ? null
        : `expected a JSON number, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}`;
    case 'equal_number':
      return num('==', (a, b) => a === b);
    case 'is_less_than':
      return num('<', (a, b) => a < b);
    case 'is_less_than_or_equal':
      return num('<=', (a, b) => a <= b);
    case 'is_greater_than':
      return num('>', (a, b) => a > b);
    case 'is_greater_than_or_equal':
      return num('>=', (a, b) => a >= b);
    case 'is_null':
      return actual === null ? null : `expected null, got ${JSON.stringify(actual)}`;
    case 'is_true':
      return actual === true || actual === 'true' ? null : `expected true, got ${JSON.stringify(actual)}`;
    case 'is_false':
      return actual === false || actual === 'false' ? null : `expected false, got ${JSON.stringify(actual)}`;
    default:
      return `unsupported comparison ${JSON.stringify(comparison)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Scripts: a sandbox with Runscope's globals and a chai-assert look-alike that records checks.

class ScriptAssertionError extends Error {}

interface Recorder {
  record(description: string, passed: boolean, message?: string): void;
}

function makeAssert(rec: Recorder) {
  const check = (passed: boolean, description: string, message: string | undefined, why: string) => {
    rec.record(message ?? description, passed, passed ? undefined : why);
    if (!passed) throw new ScriptAssertionError(`${message ?? description}: ${why}`);
  };
  const show = (v: unknown) => {
    try {
      return JSON.stringify(v) ?? String(v);
    } catch {
      return String(v);
    }
  };
  // chai's assert(expr, msg) and the members the Runscope docs show.
  const assert = (expr: unknown, message?: string) =>
    check(Boolean(expr), 'assert(expression)', message, `expected ${show(expr)} to be truthy`);
  const members = {
    ok: (v: unknown, m?: string) => check(Boolean(v), 'assert.ok', m, `expected ${show(v)} to be truthy`),
    isOk: (v: unknown, m?: string) => check(Boolean(v), 'assert.isOk', m, `expected ${show(v)} to be truthy`),
    notOk: (v: unknown, m?: string) => check(!v, 'assert.notOk', m, `expected ${show(v)} to be falsy`),
    isNotOk: (v: unknown, m?: string) => check(!v, 'assert.isNotOk', m, `expected ${show(v)} to be falsy`),
    // Chai's assert.equal is loose (==), and the Okta scripts rely on it.
    equal: (a: unknown, b: unknown, m?: string) => check(a == b, 'assert.equal', m, `expected ${show(a)} == ${show(b)}`),
    notEqual: (a: unknown, b: unknown, m?: string) => check(a != b, 'assert.notEqual', m, `expected ${show(a)} != ${show(b)}`),
    strictEqual: (a: unknown, b: unknown, m?: string) => check(a === b, 'assert.strictEqual', m, `expected ${show(a)} === ${show(b)}`),
    notStrictEqual: (a: unknown, b: unknown, m?: string) =>
      check(a !== b, 'assert.notStrictEqual', m, `expected ${show(a)} !== ${show(b)}`),
    deepEqual: (a: unknown, b: unknown, m?: string) =>
      check(isDeepStrictEqual(a, b), 'assert.deepEqual', m, `expected ${show(a)} to deeply equal ${show(b)}`),
    notDeepEqual: (a: unknown, b: unknown, m?: string) =>
      check(!isDeepStrictEqual(a, b), 'assert.notDeepEqual', m, `expected ${show(a)} not to deeply equal ${show(b)}`),
    isTrue: (v: unknown, m?: string) => check(v === true, 'assert.isTrue', m, `expected ${show(v)} to be true`),
    isFalse: (v: unknown, m?: string) => check(v === false, 'assert.isFalse', m, `expected ${show(v)} to be false`),
    isNull: (v: unknown, m?: string) => check(v === null, 'assert.isNull', m, `expected ${show(v)} to be null`),
    isNotNull: (v: unknown, m?: string) => check(v !== null, 'assert.isNotNull', m, 'expected a non-null value'),
    isDefined: (v: unknown, m?: string) => check(v !== undefined, 'assert.isDefined', m, 'expected a defined value'),
    isUndefined: (v: unknown, m?: string) => check(v === undefined, 'assert.isUndefined', m, `expected undefined, got ${show(v)}`),
    exists: (v: unknown, m?: string) => check(v !== null && v !== undefined, 'assert.exists', m, 'expected a value'),
    notExists: (v: unknown, m?: string) => check(v === null || v === undefined, 'assert.notExists', m, `expected no value, got ${show(v)}`),
    isArray: (v: unknown, m?: string) => check(Array.isArray(v), 'assert.isArray', m, `expected ${show(v)} to be an array`),
    isNotArray: (v: unknown, m?: string) => check(!Array.isArray(v), 'assert.isNotArray', m, `expected ${show(v)} not to be an array`),
    isString: (v: unknown, m?: string) => check(typeof v === 'string', 'assert.isString', m, `expected ${show(v)} to be a string`),
    isNumber: (v: unknown, m?: string) => check(typeof v === 'number', 'assert.isNumber', m, `expected ${show(v)} to be a number`),
    isBoolean: (v: unknown, m?: string) => check(typeof v === 'boolean', 'assert.isBoolean', m, `expected ${show(v)} to be a boolean`),
    isObject: (v: unknown, m?: string) =>
      check(v !== null && typeof v === 'object' && !Array.isArray(v), 'assert.isObject', m, `expected ${show(v)} to be an object`),
    include: (hay: unknown, needle: unknown, m?: string) =>
      check(
        typeof hay === 'string'
          ? typeof needle === 'string' && hay.includes(needle)
          : Array.isArray(hay) && hay.some((x) => isDeepStrictEqual(x, needle)),
        'assert.include',
        m,
        `expected ${show(hay)} to include ${show(needle)}`,
      ),
    notInclude: (hay: unknown, needle: unknown, m?: string) =>
      check(
        !(typeof hay === 'string'
          ? typeof needle === 'string' && hay.includes(needle)
          : Array.isArray(hay) && hay.some((x) => isDeepStrictEqual(x, needle))),
        'assert.notInclude',
        m,
        `expected ${show(hay)} not to include ${show(needle)}`,
      ),
    lengthOf: (v: unknown, n: number, m?: string) =>
      check((typeof v === 'string' || Array.isArray(v)) && v.length === n, 'assert.lengthOf', m, `expected ${show(v)} to have length ${n}`),
    match: (v: unknown, re: RegExp, m?: string) =>
      check(typeof v === 'string' && re.test(v), 'assert.match', m, `expected ${show(v)} to match ${String(re)}`),
    property: (obj: unknown, prop: string, m?: string) =>
      check(obj !== null && typeof obj === 'object' && prop in obj, 'assert.property', m, `expected a property ${prop}`),
    isAbove: (a: number, b: number, m?: string) => check(a > b, 'assert.isAbove', m, `expected ${a} > ${b}`),
    isAtLeast: (a: number, b: number, m?: string) => check(a >= b, 'assert.isAtLeast', m, `expected ${a} >= ${b}`),
    isBelow: (a: number, b: number, m?: string) => check(a < b, 'assert.isBelow', m, `expected ${a} < ${b}`),
    isAtMost: (a: number, b: number, m?: string) => check(a <= b, 'assert.isAtMost', m, `expected ${a} <= ${b}`),
    fail: (m?: string) => check(false, 'assert.fail', m, 'assert.fail() called'),
  };
  return Object.assign(assert, members);
}

interface ScriptContext {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response?: {
    status: number;
    body: string;
    headers: Record<string, string[]>;
    response_time_ms: number;
    size_bytes: number;
  };
  vars: Record<string, string>;
  logs: string[];
}

function runScript(label: string, source: string, ctx: ScriptContext): ScriptCheck[] {
  const checks: ScriptCheck[] = [];
  if (source.trim() === '') return checks; // the exports carry "" for "no script"
  const rec: Recorder = {
    record: (description, passed, message) => checks.push({ script: label, description, passed, message }),
  };
  const sandbox = {
    assert: makeAssert(rec),
    request: ctx.request,
    response: ctx.response,
    variables: {
      get: (name: string) => ctx.vars[name],
      set: (name: string, value: unknown) => {
        ctx.vars[name] = String(value);
      },
    },
    log: (...args: unknown[]) => ctx.logs.push(args.map((a) => asText(a)).join(' ')),
    console: { log: (...args: unknown[]) => ctx.logs.push(args.map((a) => asText(a)).join(' ')) },
  };
  try {
    vm.runInNewContext(source, sandbox, { timeout: 2_000, filename: label });
  } catch (err) {
    if (!(err instanceof ScriptAssertionError)) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      checks.push({ script: label, description: 'script ran to the end', passed: false, message });
    }
    return checks;
  }
  if (checks.length === 0) {
    checks.push({
      script: label,
      description: 'script made at least one check',
      passed: false,
      message: 'the script ran without asserting anything (its guards skipped every check)',
    });
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// The runner.

function headerEntries(headers: RunscopeRequestStep['headers'], vars: Record<string, string>, unknown: Set<string>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, substitute(v, vars, unknown)]);
  }
  return out;
}

function readSource(
  source: string,
  property: string | null | undefined,
  res: { status: number; text: string; json: unknown; headers: Headers; timeMs: number },
): unknown {
  switch (source) {
    case 'response_status':
      return res.status;
    case 'response_time':
      return res.timeMs;
    case 'response_text':
      return res.text;
    case 'response_size':
      return Buffer.byteLength(res.text);
    case 'response_headers':
      return property ? (res.headers.get(property) ?? undefined) : undefined;
    case 'response_json':
      if (res.json === undefined) return undefined;
      return property ? readPath(res.json, property) : res.json;
    default:
      throw new Error(`unsupported source ${JSON.stringify(source)}`);
  }
}

const TEXT_LIMIT = 4_000;

export async function runRunscopeTest(test: RunscopeTest, opts: RunOptions): Promise<RunscopeReport> {
  const vars: Record<string, string> = { ...opts.variables };
  const steps: StepResult[] = [];
  let requestNumber = 0;

  for (const [stepIndex, step] of test.steps.entries()) {
    if (step.skipped) continue;
    if (step.step_type === 'pause') continue; // the suite waits 5-10 s between steps; we don't need to
    if (!isRequestStep(step)) {
      steps.push({
        stepIndex,
        requestNumber: 0,
        note: step.note ?? step.step_type,
        method: '',
        url: '',
        status: null,
        responseTimeMs: null,
        responseText: '',
        assertions: [],
        scriptChecks: [],
        errors: [`unsupported step type ${JSON.stringify(step.step_type)}`],
      });
      continue;
    }
    requestNumber++;
    const unknown = new Set<string>();
    const errors: string[] = [];
    const url = substitute(step.url, vars, unknown);
    const headers = headerEntries(step.headers, vars, unknown);
    const body = step.body ? substitute(step.body, vars, unknown) : null;
    const result: StepResult = {
      stepIndex,
      requestNumber,
      note: (step.note ?? `${step.method} ${step.url}`).trim(),
      method: step.method,
      url,
      status: null,
      responseTimeMs: null,
      responseText: '',
      assertions: [],
      scriptChecks: [],
      errors,
    };
    steps.push(result);

    const logs: string[] = [];
    const requestCtx = {
      method: step.method,
      url,
      headers: Object.fromEntries(headers),
      body,
    };
    for (const [i, script] of (step.before_scripts ?? []).entries()) {
      result.scriptChecks.push(...runScript(`before_scripts[${i}]`, script, { request: requestCtx, vars, logs }));
    }

    let res: { status: number; text: string; json: unknown; headers: Headers; timeMs: number } | undefined;
    try {
      const h = new Headers();
      for (const [name, value] of headers) h.append(name, value);
      const started = performance.now();
      const response = await fetch(new URL(url), {
        method: step.method,
        headers: h,
        body: body !== null && step.method !== 'GET' && step.method !== 'HEAD' ? body : undefined,
        signal: AbortSignal.timeout(opts.requestTimeoutMs ?? 60_000),
      });
      const text = await response.text();
      const timeMs = performance.now() - started;
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      res = { status: response.status, text, json, headers: response.headers, timeMs };
      result.status = response.status;
      result.responseTimeMs = Math.round(timeMs);
      result.responseText = text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}…` : text;
    } catch (err) {
      result.requestError = err instanceof Error ? err.message : String(err);
    }

    for (const [index, a] of (step.assertions ?? []).entries()) {
      const expected = a.value === null || a.value === undefined ? null : substitute(String(a.value), vars, unknown);
      let actual: unknown;
      let message: string | null;
      if (!res) {
        actual = undefined;
        message = `no response: ${result.requestError ?? 'request failed'}`;
      } else {
        try {
          actual = readSource(a.source, a.property, res);
          message = compare(a.comparison, actual, expected);
        } catch (err) {
          actual = undefined;
          message = err instanceof Error ? err.message : String(err);
        }
      }
      result.assertions.push({
        index,
        source: a.source,
        property: a.property ?? null,
        comparison: a.comparison,
        expected,
        actual,
        passed: message === null,
        ...(message === null ? {} : { message }),
      });
    }

    for (const v of step.variables ?? []) {
      if (!res) {
        errors.push(`variable ${v.name}: no response to extract it from`);
        continue;
      }
      let value: unknown;
      try {
        value = readSource(v.source, v.property, res);
      } catch (err) {
        errors.push(`variable ${v.name}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      if (value === undefined || value === null) {
        errors.push(`variable ${v.name}: nothing at ${v.source} ${v.property ?? ''}`.trim());
        continue;
      }
      vars[v.name] = asText(value);
    }

    if (unknown.size > 0) errors.push(`unknown variables: ${[...unknown].map((n) => `{{${n}}}`).join(', ')}`);

    if (res) {
      const responseHeaders: Record<string, string[]> = {};
      res.headers.forEach((value, name) => {
        (responseHeaders[name] ??= []).push(value);
      });
      const responseCtx = {
        status: res.status,
        body: res.text,
        headers: responseHeaders,
        response_time_ms: res.timeMs,
        size_bytes: Buffer.byteLength(res.text),
      };
      for (const [i, script] of (step.scripts ?? []).entries()) {
        result.scriptChecks.push(...runScript(`scripts[${i}]`, script, { request: requestCtx, response: responseCtx, vars, logs }));
      }
    } else if ((step.scripts ?? []).some((s) => s.trim() !== '')) {
      result.scriptChecks.push({
        script: 'scripts',
        description: 'script ran',
        passed: false,
        message: 'no response to run the script on',
      });
    }
  }

  const all = steps.flatMap((s) => s.assertions);
  const checks = steps.flatMap((s) => s.scriptChecks);
  return {
    name: test.name,
    steps,
    assertions: { total: all.length, passed: all.filter((a) => a.passed).length, failed: all.filter((a) => !a.passed).length },
    scriptChecks: {
      total: checks.length,
      passed: checks.filter((c) => c.passed).length,
      failed: checks.filter((c) => !c.passed).length,
    },
    variables: vars,
  };
}

/** Counts the assertions a test declares (request steps that are not skipped). */
export function declaredAssertionCount(test: RunscopeTest): number {
  return test.steps
    .filter((s): s is RunscopeRequestStep => isRequestStep(s) && !s.skipped)
    .reduce((n, s) => n + (s.assertions?.length ?? 0), 0);
}

/** One line per assertion and script check, for the console and for failure messages. */
export function describeStep(step: StepResult): string {
  const lines = [
    `#${step.requestNumber} ${step.note} — ${step.method} ${step.url} → ${step.status ?? 'no response'}` +
      (step.responseTimeMs === null ? '' : ` in ${step.responseTimeMs} ms`),
  ];
  if (step.requestError) lines.push(`  request error: ${step.requestError}`);
  for (const a of step.assertions) {
    const what = `${a.source}${a.property ? ` ${a.property}` : ''} ${a.comparison}${a.expected === null ? '' : ` ${JSON.stringify(a.expected)}`}`;
    lines.push(`  ${a.passed ? 'ok  ' : 'FAIL'} ${what}${a.passed ? '' : ` — ${a.message}`}`);
  }
  for (const c of step.scriptChecks) {
    lines.push(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.script}: ${c.description}${c.passed ? '' : ` — ${c.message}`}`);
  }
  for (const e of step.errors) lines.push(`  ERROR ${e}`);
  const failed = step.assertions.some((a) => !a.passed) || step.scriptChecks.some((c) => !c.passed) || step.errors.length > 0;
  if (failed) lines.push(`  response: ${step.responseText || '(empty)'}`);
  return lines.join('\n');
}
