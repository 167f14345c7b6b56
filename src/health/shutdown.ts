/**
 * Whether a bridge is shutting down, for /readyz: from the moment its stop begins (SIGTERM),
 * readiness fails, so a load balancer still probing it sends new IdP traffic elsewhere while
 * the requests in flight finish. Keyed by the bridge's database: one bridge per database in a
 * process (tests run many apps side by side, each with its own).
 */
import type { Db } from '../store/db.js';

const stopping = new WeakSet<Db>();

/** Called first thing by the server's close(): every /readyz after it answers 503. */
export function beginShutdown(db: Db): void {
  stopping.add(db);
}

export function isShuttingDown(db: Db): boolean {
  return stopping.has(db);
}
