import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import type { Config } from './config.js';
import { migrate, openDb, type Db } from './store/db.js';
import { SyncLogBuffer, applyRetention } from './directory/sync-log-buffer.js';
import { SyncWorker } from './sync/worker.js';
import { createTargetResolver } from './targets/registry.js';

export const DB_FILE = 'scim-bridge.db';

export function openDataDir(config: Config): Db {
  const db = openDb(join(config.DATA_DIR, DB_FILE));
  migrate(db);
  return db;
}

/** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const db = openDataDir(config);
  bootstrap(db, config);
  const worker = new SyncWorker({
    db,
    logger,
    resolveTarget: createTargetResolver(db),
    protectedEmails: config.SYNC_PROTECTED_EMAILS,
    massRemoval: { share: config.SYNC_MASS_REMOVAL_SHARE, minPeople: config.SYNC_MASS_REMOVAL_MIN, windowMs: 10 * 60_000 },
  });
  const syncLog = new SyncLogBuffer(db);
  const retain = () => applyRetention(db, config.SYNC_LOG_RETENTION_DAYS, config.SYNC_LOG_MAX_ENTRIES);
  retain();
  const retention = setInterval(retain, 3600_000);
  retention.unref();
  const app = createApp({ db, config, logger, worker, syncLog });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.PORT,
        hostname: config.HOST,
        // Slow clients (slowloris): headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the whole
        // request within HTTP_REQUEST_TIMEOUT_MS; Node checks both at this interval.
        serverOptions: {
          headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
          requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
          keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
          connectionsCheckingInterval: Math.min(1_000, config.HTTP_HEADERS_TIMEOUT_MS),
        },
      },
      () => resolve(s),
    );
    // Set on the instance as well: older Node versions read keepAliveTimeout only from there.
    (s as { keepAliveTimeout?: number }).keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, host: config.HOST, dataDir: config.DATA_DIR, target: config.TARGET }, 'listening');
  worker.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        logger.warn('requests still in flight after the grace period; closing anyway');
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }, SHUTDOWN_GRACE_MS);
      server.close(async () => {
        clearTimeout(force);
        await worker.stop();
        clearInterval(retention);
        syncLog.close();
        // Fold the WAL back into the database so the file is complete on its own.
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        logger.info('stopped');
        resolve();
      });
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    }));
  return { port, close };
}
