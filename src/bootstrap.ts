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
import { setTarget } from './store/targets.repo.js';

/**
 * Applies the configuration the environment asks for: the default organization, the SCIM
 * connections of BRIDGE_CONNECTIONS, the admin key of BRIDGE_ADMIN_KEY and the target of TARGET,
 * in one transaction.
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
    setTarget(db, {
      organizationId: DEFAULT_ORGANIZATION_ID,
      kind: config.TARGET,
      url: config.TARGET_URL ?? null,
      apiKeyEnv: config.TARGET === 'embedded' ? null : 'TARGET_API_KEY',
      remoteOrgId: config.TARGET_ORGANIZATION_ID ?? null,
      settings: {
        deleteMode: config.TARGET_DELETE_MODE,
        mapping: config.TARGET_GROUP_MAPPING,
        groupPrefix: config.TARGET_GROUP_PREFIX,
        createWorkspaces: config.TARGET_CREATE_WORKSPACES,
      },
    });
  })();
}
