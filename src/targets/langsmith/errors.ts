/**
 * LangSmith's refusals, read in its own shape (TARGETS.md §B, Conventions): the only documented
 * error is FastAPI's 422 `{"detail":[{"loc":[...],"msg":"...","type":"..."}]}`; other refusals
 * (401, 403, 404, 409: bodies not documented) come as FastAPI's `HTTPException`,
 * `{"detail":"<sentence>"}`. Anything else is kept as text for the reason.
 *
 * Also here: which refusals of a write mean "look again" (TARGETS.md §B, "Unknown": the answer
 * to a re-invite, a DELETE of an unknown identity, a last-admin refusal are not documented, so
 * a client settles "already there" or "already gone" by re-reading the lists, whatever the 4xx),
 * and the error a write parks with when looking again did not settle it.
 */
import { z } from 'zod';
import { TargetError } from '../errors.js';
import type { Answer, ErrorReason } from '../http.js';

const ValidationItem = z.object({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
});
const ValidationBody = z.object({ detail: z.array(ValidationItem).min(1) });
const DetailBody = z.object({ detail: z.string().min(1) });

/**
 * The error reader TargetHttp is built with (`readError`). A 422 gives the first pydantic error
 * type as the code (`missing`, `uuid_parsing`) and every error as `body.role_id: Field
 * required`; a string `detail` is the message, with no code (LangSmith gives none).
 */
export function langSmithErrorReason(_path: string, body: unknown): ErrorReason {
  const validation = ValidationBody.safeParse(body);
  if (validation.success) {
    const items = validation.data.detail;
    const message = items.map((e) => `${e.loc.map(String).join('.') || '(body)'}: ${e.msg}`).join('; ');
    return { code: items[0]!.type, message: message.slice(0, 500) };
  }
  const detail = DetailBody.safeParse(body);
  if (detail.success) return { code: null, message: detail.data.detail.slice(0, 500) };
  if (typeof body === 'string' && body.trim()) return { code: null, message: body.trim().slice(0, 300) };
  if (body && typeof body === 'object') return { code: null, message: JSON.stringify(body).slice(0, 300) };
  return { code: null, message: null };
}

/**
 * The statuses a write takes back as `{ok:false}` to look again before parking: every 4xx but
 * 401 (the key is refused: looking again would only be refused too), 408 and 429 (TargetHttp
 * retries those with backoff).
 */
export const LOOK_AGAIN: number[] = Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 401 && s !== 408 && s !== 429);

/** A write refused, looked at again, and still not settled: parked, with LangSmith's own reason. */
export function unsettled(call: string, answer: Answer<unknown>, after: string): TargetError {
  const refusal = answer.ok
    ? `${answer.status}`
    : `${answer.status}${answer.code ? ` ${answer.code}` : ''}${answer.message ? `: ${answer.message}` : ''}`;
  return new TargetError(
    `LangSmith ${call}: ${refusal}; looked again and ${after}.`,
    false,
    answer.status,
    null,
    answer.ok ? null : answer.code,
  );
}
