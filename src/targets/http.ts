/**
 * The HTTP client every target uses: JSON in and out, a timeout, every call recorded, every
 * failure classified once (TargetError), and every answer the bridge reads parsed by a zod
 * schema written from ../shared/TARGETS.md. Nothing that crosses the wire is trusted: a body of
 * an unexpected shape becomes a non-retryable TargetError that names the call and the field
 * (`LangWatch GET /api/organization/members: members[3].user.email: expected string, received
 * number`), never a TypeError deep in an adapter, and never an empty list read as "nobody".
 */
import type { z } from 'zod';
import type { CallRecord } from '../sync/port.js';
import { TargetError } from './errors.js';

/** What an error body says, in the vendor family's own shape. */
export interface ErrorReason {
  code: string | null;
  message: string | null;
}

/** Reads an error body; the path tells which API family answered (LangWatch has three shapes). */
export type ErrorReader = (path: string, body: unknown) => ErrorReason;

/** A success (2xx, its body parsed), or a refusal the caller said it expects (`expect`). */
export type Answer<T> =
  { ok: true; status: number; body: T } | { ok: false; status: number; body: unknown; code: string | null; message: string | null };

export interface RequestOptions<S extends z.ZodType | undefined> {
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-2xx statuses returned as `{ok:false}` instead of thrown (a 404 on delete, a 409 "already there"). */
  expect?: number[];
  /** The schema a 2xx body must match; without one the body is returned as `unknown`. */
  schema?: S;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface TargetHttpOptions {
  /** Names the application in every message ("LangWatch", "LangSmith"). */
  vendor: string;
  onCall?: (call: CallRecord) => void;
  timeoutMs?: number;
  readError?: ErrorReader;
}

/** Seconds or an HTTP date, as RFC 9110 §10.2.3 allows; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** A reader for bodies of no known family: `{code|error, message|detail}` as strings, or text. */
export function genericReason(_path: string, body: unknown): ErrorReason {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
    const code = str(b.code) ?? str(b.error);
    const message = str(b.message) ?? str(b.detail) ?? (b.detail !== undefined ? JSON.stringify(b.detail) : null);
    return { code, message };
  }
  return { code: null, message: typeof body === 'string' && body ? body.slice(0, 300) : null };
}

/** `members[3].user.email: expected string, received number` */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
  const message = issue.message.replace(/^Invalid input: /, '');
  return `${path || '(body)'}: ${message}`;
}

const withoutQuery = (path: string) => path.split('?')[0]!;

export class TargetHttp {
  /** Header values (API keys, tokens) that must never appear in a recorded or thrown message. */
  private readonly secrets: string[];
  readonly vendor: string;
  private readonly onCall: (call: CallRecord) => void;
  private readonly timeoutMs: number;
  private readonly readError: ErrorReader;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    opts: TargetHttpOptions,
  ) {
    this.vendor = opts.vendor;
    this.onCall = opts.onCall ?? (() => {});
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.readError = opts.readError ?? genericReason;
    this.secrets = Object.values(headers)
      .flatMap((v) => [v, v.replace(/^Bearer\s+/i, '')])
      .filter((v) => v.length >= 8);
  }

  /** The same client (base URL, recording, timeout) with other headers, e.g. a second credential. */
  withHeaders(headers: Record<string, string>): TargetHttp {
    return new TargetHttp(
      this.baseUrl,
      { ...this.headers, ...headers },
      {
        vendor: this.vendor,
        onCall: this.onCall,
        timeoutMs: this.timeoutMs,
        readError: this.readError,
      },
    );
  }

  /** Redacts every credential this client sends, and any the caller names (a token just minted). */
  redact(text: string, extra: string[] = []): string {
    return [...this.secrets, ...extra.filter((s) => s.length >= 8)].reduce((t, secret) => t.split(secret).join('[redacted]'), text);
  }

  /** The request, expecting a 2xx whose body matches `schema`; anything else throws a TargetError. */
  async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    opts: Omit<RequestOptions<S>, 'schema' | 'expect'> = {},
  ): Promise<z.output<S>> {
    const res = await this.request(method, path, { ...opts, schema });
    // Without `expect`, request() throws on every non-2xx.
    return (res as { body: z.output<S> }).body;
  }

  async request<S extends z.ZodType | undefined = undefined>(
    method: string,
    path: string,
    opts: RequestOptions<S> = {},
  ): Promise<Answer<S extends z.ZodType ? z.output<S> : unknown>> {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const call = `${this.vendor} ${method} ${withoutQuery(path)}`;
    const record = (status: number | null, ok: boolean, detail: string | null) =>
      this.onCall({
        method,
        path,
        status,
        ok,
        detail: detail && this.redact(detail),
        startedAt,
        durationMs: Math.round(performance.now() - started),
      });
    let res: Response;
    try {
      res = await fetch(this.baseUrl.replace(/\/+$/, '') + path, {
        method,
        headers: {
          Accept: 'application/json',
          ...this.headers,
          ...(opts.body !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json' } : {}),
          ...opts.headers,
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const message = this.redact(
        (err as Error).name === 'TimeoutError' ? `timed out after ${this.timeoutMs} ms` : `network error: ${(err as Error).message}`,
      );
      record(null, false, message);
      throw new TargetError(`${call}: ${message}`, true);
    }
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    let parsedJson = text === '';
    try {
      body = text ? JSON.parse(text) : null;
      parsedJson = true;
    } catch {
      // Not JSON: kept as text for the reason (an HTML error page from a proxy, say).
    }
    if (res.ok) {
      if (!opts.schema) {
        record(res.status, true, null);
        return { ok: true, status: res.status, body } as Answer<never>;
      }
      const parsed = opts.schema.safeParse(body);
      if (parsed.success) {
        record(res.status, true, null);
        return { ok: true, status: res.status, body: parsed.data } as Answer<never>;
      }
      const why = parsedJson ? describeIssue(parsed.error.issues[0]!) : `the answer is not JSON (${text.slice(0, 80)})`;
      const reason = this.redact(`${call}: ${res.status}: unexpected answer: ${why}`);
      record(res.status, false, reason);
      throw new TargetError(reason, false, res.status, null, 'unexpected_answer');
    }
    const { code, message } = this.readError(withoutQuery(path), body);
    if (opts.expect?.includes(res.status)) {
      record(res.status, true, null);
      return { ok: false, status: res.status, body, code, message: message && this.redact(message) };
    }
    const reason = this.redact(`${call}: ${res.status}${code ? ` ${code}` : ''}${message && message !== code ? `: ${message}` : ''}`);
    record(res.status, false, reason);
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    if (res.status === 429) throw new TargetError(reason, true, 429, retryAfter, code);
    if (res.status >= 500 || res.status === 408) throw new TargetError(reason, true, res.status, retryAfter, code);
    throw new TargetError(reason, false, res.status, null, code);
  }
}
