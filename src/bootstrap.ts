import type { Config } from './config.js';
import { setEnvAdminKey } from './store/admin-keys.repo.js';
import {
  DEFAULT_ORGANIZATION_ID,
  createConnection,
  ensureOrganization,
  findConnection,
  setEnvToken,
} from './store/connections.repo.js';
import type { Db } from './store/db.js';

/**
 * Applies the configuration the environment asks for: the default organization, the SCIM
 * connections of BRIDGE_CONNECTIONS and the admin key of BRIDGE_ADMIN_KEY, in one transaction.
 */
export function bootstrap(db: Db, config: Config): void {
  db.transaction(() => {
    ensureOrganization(db, DEFAULT_ORGANIZATION_ID, 'Default organization');
    for (const { source, token } of config.BRIDGE_CONNECTIONS) {
      const connection =
        findConnection(db, DEFAULT_ORGANIZATION_ID, source) ?? createConnection(db, DEFAULT_ORGANIZATION_ID, source);
      setEnvToken(db, connection.id, token);
    }
    if (config.BRIDGE_ADMIN_KEY) setEnvAdminKey(db, DEFAULT_ORGANIZATION_ID, config.BRIDGE_ADMIN_KEY);
  })();
}
