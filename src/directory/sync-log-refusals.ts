/**
 * Requests refused for authentication (401), logged without turning the log into a DoS
 * amplifier. Anyone who can reach the bridge can send them, as fast as they like, so:
 *
 * - nothing is written on the request's path: entries go to the batching buffer
 *   (src/directory/sync-log-buffer.ts), never one commit (one fsync) per refusal;
 * - per window (a minute), the first refusal from an address is logged in full, and the
 *   following ones from that address are only counted and logged as one entry when the window
 *   closes ("41 more from this address");
 * - at most REFUSAL_SOURCES_PER_WINDOW addresses are tracked per window; refusals from further
 *   addresses fold into one overflow entry.
 *
 * So a flood costs a map lookup per request and at most 2 × 100 + 1 entries a minute, and the
 * memory held is bounded, however many requests or addresses it uses. Counts stay exact.
 */
import type { LogEntry } from '../store/sync-log.repo.js';

export const REFUSAL_WINDOW_MS = 60_000;
export const REFUSAL_SOURCES_PER_WINDOW = 100;

export interface RefusalLimits {
  windowMs: number;
  sourcesPerWindow: number;
}

interface Tally {
  first: LogEntry;
  more: number;
}

export class RefusedAuthentications {
  private windowStartMs = 0;
  private readonly sources = new Map<string, Tally>();
  private overflow: { sample: LogEntry; count: number } | null = null;

  constructor(private readonly limits: RefusalLimits = { windowMs: REFUSAL_WINDOW_MS, sourcesPerWindow: REFUSAL_SOURCES_PER_WINDOW }) {}

  /** Logs `entry` through `emit` when it is the first from its address in this window, else counts it. */
  record(entry: LogEntry, nowMs: number, emit: (e: LogEntry) => void): void {
    if (nowMs - this.windowStartMs >= this.limits.windowMs) {
      this.close(nowMs, emit);
      this.windowStartMs = nowMs;
    }
    const key = [entry.kind ?? 'scim', entry.organizationId, entry.clientIp ?? '', entry.forwardedFor ?? ''].join('\u0000');
    const tally = this.sources.get(key);
    if (tally) {
      tally.more += 1;
    } else if (this.sources.size < this.limits.sourcesPerWindow) {
      this.sources.set(key, { first: entry, more: 0 });
      emit(entry);
    } else if (this.overflow) {
      this.overflow.count += 1;
    } else {
      this.overflow = { sample: entry, count: 1 };
    }
  }

  /** Closes the window when it is over (the buffer calls this on its timer). */
  tick(nowMs: number, emit: (e: LogEntry) => void): void {
    if (nowMs - this.windowStartMs >= this.limits.windowMs) this.close(nowMs, emit);
  }

  /** Logs what was only counted in the current window, and starts afresh. */
  close(nowMs: number, emit: (e: LogEntry) => void): void {
    const at = new Date(nowMs).toISOString();
    const since = new Date(this.windowStartMs).toISOString();
    for (const { first, more } of this.sources.values()) {
      if (more === 0) continue;
      emit({
        ...first,
        at,
        durationMs: null,
        detail: `${more} more ${more === 1 ? 'request' : 'requests'} from this address refused for authentication since ${since} (the first is logged on its own).`,
        summary: { repeated: more },
      });
    }
    if (this.overflow) {
      const { sample, count } = this.overflow;
      emit({
        ...sample,
        at,
        path: '*',
        method: '*',
        durationMs: null,
        userAgent: null,
        clientIp: null,
        forwardedFor: null,
        detail:
          `${count} ${count === 1 ? 'request' : 'requests'} refused for authentication since ${since} from addresses beyond the ` +
          `${this.limits.sourcesPerWindow} logged one by one in that minute.`,
        summary: { repeated: count },
      });
    }
    this.sources.clear();
    this.overflow = null;
  }
}
