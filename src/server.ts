import { createAdaptorServer, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import type { Config } from './config.js';
import { firstRun, type FirstRunSecrets } from './first-run.js';
import { credentialCounts, type CredentialCounts } from './store/credentials.repo.js';
import { DB_FILE, closeDb, openDataDirDb, prepareDataDir, type Db } from './store/db.js';
import { beginShutdown } from './health/shutdown.js';
import { lockDataDir } from './store/instance-lock.js';
import { SyncLogBuffer, applyRetention } from './directory/sync-log-buffer.js';
import { SyncWorker } from './sync/worker.js';
import { scopeLister } from './sync/scopes.js';
import { createTargetResolver } from './targets/registry.js';

export { DB_FILE };

/** The database under DATA_DIR, migrated (what the CLI's commands work on, beside a running bridge). */
export function openDataDir(config: Config): Db {
  return openDataDirDb(config.DATA_DIR);
}

/** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/** The server could not start; the message is one line naming the cause. */
export class StartupError extends Error {}

export interface RunningServer {
  port: number;
  /** The secrets the first run made (only when asked for and nothing existed), shown once. */
  firstRun: FirstRunSecrets | null;
  credentials: CredentialCounts;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Make a connection and an admin key when none exist (only where someone sees them once). */
  firstRun?: boolean;
}

const LISTEN_ERRORS: Record<string, (where: string) => string> = {
  EADDRINUSE: (where) =>
    `cannot listen on ${where}: the port is already in use; stop what listens there, or set PORT (or serve --port) to a free port`,
  EACCES: (where) =>
    `cannot listen on ${where}: not allowed (ports below 1024 need privileges); set PORT (or serve --port) to 1024 or more`,
  EADDRNOTAVAIL: (where) => `cannot listen on ${where}: HOST is not an address of this machine`,
  ENOTFOUND: (where) => `cannot listen on ${where}: HOST does not resolve`,
};

function listen(server: ServerType, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      const explain = LISTEN_ERRORS[err.code ?? ''];
      reject(new StartupError(explain ? explain(where) : `cannot listen on ${where}: ${err.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Starts the bridge in the order that keeps a failed start harmless: DATA_DIR checked, the
 * one-bridge-per-file lock taken, the port bound, and only then the database opened, migrated
 * and bootstrapped (BRIDGE_CONNECTIONS can revoke tokens: a second process that would die on a
 * busy port must not have applied it first).
 */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const dataDir = prepareDataDir(config.DATA_DIR);
  const lock = lockDataDir(dataDir);
  // Requests that arrive before the database is open wait in the accept queue (the open is
  // synchronous); the 503 is only a guard.
  let app: ReturnType<typeof createApp> | null = null;
  const server = createAdaptorServer({
    fetch: (req, env) =>
      app ? app.fetch(req, env) : Response.json({ status: 'starting' }, { status: 503, headers: { 'Retry-After': '1' } }),
    hostname: config.HOST,
    // Slow clients (slowloris): headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the whole
    // request within HTTP_REQUEST_TIMEOUT_MS; Node checks both at this interval.
    serverOptions: {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1_000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
  });
  // Set on the instance as well: older Node versions read keepAliveTimeout only from there.
  (server as { keepAliveTimeout?: number }).keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;

  let db: Db | undefined;
  let port: number;
  let secrets: FirstRunSecrets | null = null;
  try {
    port = await listen(server, config.PORT, config.HOST);
    db = openDataDirDb(dataDir);
    bootstrap(db, config);
    if (options.firstRun) secrets = firstRun(db);
  } catch (err) {
    server.close();
    db?.close();
    lock.release();
    throw err;
  }
  const openDb = db;
  const resolveTarget = createTargetResolver(openDb);
  const worker = new SyncWorker({
    db: openDb,
    logger,
    resolveTarget,
    protectedEmails: config.SYNC_PROTECTED_EMAILS,
    massRemoval: { share: config.SYNC_MASS_REMOVAL_SHARE, minPeople: config.SYNC_MASS_REMOVAL_MIN, windowMs: 10 * 60_000 },
  });
  const syncLog = new SyncLogBuffer(openDb);
  const retain = () => applyRetention(openDb, config.SYNC_LOG_RETENTION_DAYS, config.SYNC_LOG_MAX_ENTRIES);
  retain();
  const retention = setInterval(retain, 3600_000);
  retention.unref();
  app = createApp({ db: openDb, config, logger, worker, syncLog, listScopes: scopeLister(resolveTarget) });
  const credentials = credentialCounts(openDb);
  logger.info({ port, host: config.HOST, dataDir: config.DATA_DIR, target: config.TARGET }, 'listening');
  // No secret here: the first run's go to the terminal only (src/cli/banner.ts).
  if (credentials.liveConnections === 0) {
    logger.warn('no SCIM connection has a live token: set BRIDGE_CONNECTIONS, or run scim-bridge connections create <source>');
  }
  if (credentials.liveAdminKeys === 0) {
    logger.warn('no live admin key: the console and the admin API refuse everyone; set BRIDGE_ADMIN_KEY, or run scim-bridge keys create');
  }
  worker.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      // From here /readyz answers 503, so a load balancer sends new IdP traffic elsewhere.
      beginShutdown(openDb);
      const force = setTimeout(() => {
        logger.warn('requests still in flight after the grace period; closing anyway');
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }, SHUTDOWN_GRACE_MS);
      const finish = async () => {
        clearTimeout(force);
        await worker.stop();
        clearInterval(retention);
        syncLog.close();
        closeDb(openDb);
        lock.release();
        logger.info('stopped');
        resolve();
      };
      server.close(() => void finish());
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    }));
  return { port, firstRun: secrets, credentials, close };
}
