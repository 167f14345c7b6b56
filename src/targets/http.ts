import { TargetError } from './errors.js';

export interface CallRecord {
  method: string;
  path: string;
  status: number | null;
  ok: boolean;
  detail: string | null;
  startedAt: string;
  durationMs: number;
}

export interface TargetResponse<T = unknown> {
  status: number;
  body: T;
}

/** Seconds or an HTTP date, as RFC 9110 §10.2.3 allows; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function reasonOf(body: unknown): { code: string | null; message: string | null } {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; detail?: unknown; message?: unknown };
    if (b.error && typeof b.error === 'object') {
      const e = b.error as { code?: unknown; message?: unknown };
      return { code: typeof e.code === 'string' ? e.code : null, message: typeof e.message === 'string' ? e.message : null };
    }
    if (typeof b.detail === 'string') return { code: null, message: b.detail };
    if (b.detail !== undefined) return { code: null, message: JSON.stringify(b.detail) };
    if (typeof b.message === 'string') return { code: null, message: b.message };
  }
  return { code: null, message: typeof body === 'string' && body ? body.slice(0, 300) : null };
}

/**
 * The HTTP client every target uses: JSON in and out, a timeout, every call recorded, and
 * every failure classified once (TargetError). Statuses the caller expects (a 404 on delete,
 * a 409 "already a member") are returned instead of thrown.
 */
export class TargetHttp {
  /** Header values (API keys) that must never appear in a recorded or thrown message. */
  private readonly secrets: string[];

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    private readonly onCall: (call: CallRecord) => void = () => {},
    private readonly timeoutMs = 15_000,
  ) {
    this.secrets = Object.values(headers)
      .flatMap((v) => [v, v.replace(/^Bearer\s+/i, '')])
      .filter((v) => v.length >= 8);
  }

  private redact(text: string): string {
    return this.secrets.reduce((t, secret) => t.split(secret).join('[redacted]'), text);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; expect?: number[] } = {},
  ): Promise<TargetResponse<T>> {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const record = (status: number | null, ok: boolean, detail: string | null) =>
      this.onCall({ method, path, status, ok, detail: detail && this.redact(detail), startedAt, durationMs: Math.round(performance.now() - started) });
    let res: Response;
    try {
      res = await fetch(this.baseUrl.replace(/\/+$/, '') + path, {
        method,
        headers: { Accept: 'application/json', ...this.headers, ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...opts.headers },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const message = this.redact(
        (err as Error).name === 'TimeoutError' ? `timed out after ${this.timeoutMs} ms` : `network error: ${(err as Error).message}`,
      );
      record(null, false, message);
      throw new TargetError(`${method} ${path}: ${message}`, true);
    }
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text for the reason.
    }
    if (res.ok || opts.expect?.includes(res.status)) {
      record(res.status, true, null);
      return { status: res.status, body: body as T };
    }
    const { code, message } = reasonOf(body);
    const reason = this.redact(`${method} ${path}: ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`);
    record(res.status, false, reason);
    if (res.status === 429) throw new TargetError(reason, true, 429, parseRetryAfter(res.headers.get('retry-after')), code);
    if (res.status >= 500 || res.status === 408) throw new TargetError(reason, true, res.status, parseRetryAfter(res.headers.get('retry-after')), code);
    throw new TargetError(reason, false, res.status, null, code);
  }
}
