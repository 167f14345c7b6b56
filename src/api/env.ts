import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Connection } from '../store/connections.repo.js';
import type { Db } from '../store/db.js';

/** What every handler can reach: the app's dependencies and, after auth, the caller. */
export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    connection: Connection;
  };
}
