import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { AdminScope } from '../store/admin-keys.repo.js';
import type { Connection } from '../store/connections.repo.js';
import type { Db } from '../store/db.js';
import type { SyncLogBuffer } from '../directory/sync-log-buffer.js';
import type { LogDraft } from '../directory/sync-log.js';
import type { ScopeLister } from '../sync/scopes.js';
import type { SyncWorker } from '../sync/worker.js';

/** What every handler can reach: the app's dependencies and, after auth, the caller. */
export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** Absent in tests that exercise the HTTP layer alone. */
  worker?: SyncWorker;
  /** Batches the log entries of SCIM reads; createApp makes one when none is given. */
  syncLog: SyncLogBuffer;
  /**
   * Authenticates an admin request that carries no `Authorization: Bearer` key, or answers null:
   * the console's session cookie, wired in by src/app.ts, so the admin API knows no console.
   */
  adminSession?: (c: Context<AppEnv>) => AdminCaller | null;
  /**
   * The teams and projects of an organization's application (GET /api/scopes), or null when its
   * target cannot list them; src/server.ts wires it from the target resolver. Absent: none.
   */
  listScopes?: ScopeLister;
}

/** The caller of an admin request: the organization, scopes and id of its admin key. */
export interface AdminCaller {
  organizationId: string;
  scopes: AdminScope[];
  keyId: string;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    connection: Connection;
    /** The SCIM request's sync-log draft (src/api/scim/sync-log.ts). */
    log: LogDraft;
    /** Set by the admin API's auth: the organization and scopes of the caller's admin key. */
    admin: AdminCaller;
  };
}
