/**
 * A target call that failed. `retryable` failures (429, 5xx, timeouts, resets) are retried with
 * backoff; the others (402 plan, seat limit, last admin, a 4xx the application will keep
 * refusing) are parked as needing attention, with the application's own reason.
 */
export class TargetError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
    /** From Retry-After, when the application said how long to wait. */
    readonly retryAfterMs: number | null = null,
    /** The application's error code, when it gave one. */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** A wait that is not a failure: the application needs something to happen first (an invite accepted). */
export class NotYet extends TargetError {
  constructor(message: string, retryAfterMs: number) {
    super(message, true, null, retryAfterMs, 'not_yet');
    this.name = 'NotYet';
  }
}
