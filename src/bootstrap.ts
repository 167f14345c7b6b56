import type { Config } from './config.js';
import { setEnvAdminKey } from './store/admin-keys.repo.js';
import { DEFAULT_ORGANIZATION_ID, createConnection, ensureOrganization, findConnection, setEnvToken } from './store/connections.repo.js';
import type { Db } from './store/db.js';
import { forgetTargetState, startReconcile, stopReconcile } from './store/reconcile.repo.js';
import { getTarget, setTarget, type TargetRow } from './store/targets.repo.js';

/**
 * Applies the configuration the environment asks for: the default organization, the SCIM
 * connections of BRIDGE_CONNECTIONS, the admin key of BRIDGE_ADMIN_KEY and the target of TARGET,
 * in one transaction.
 */
export function bootstrap(db: Db, config: Config): void {
  db.transaction(() => {
    ensureOrganization(db, DEFAULT_ORGANIZATION_ID, 'Default organization');
    for (const { source, token } of config.BRIDGE_CONNECTIONS) {
      const connection = findConnection(db, DEFAULT_ORGANIZATION_ID, source) ?? createConnection(db, DEFAULT_ORGANIZATION_ID, source);
      setEnvToken(db, connection.id, token);
    }
    if (config.BRIDGE_ADMIN_KEY) setEnvAdminKey(db, DEFAULT_ORGANIZATION_ID, config.BRIDGE_ADMIN_KEY);
    configureTarget(db, {
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
        langwatchMode: config.TARGET_LANGWATCH_MODE,
        suspend: config.TARGET_SUSPEND,
        inviteTeamId: config.TARGET_INVITE_TEAM_ID ?? null,
        inviteTeamRole: config.TARGET_INVITE_TEAM_ROLE,
        // The token itself stays in the environment, like the API key.
        scimTokenEnv: config.TARGET_SCIM_TOKEN ? 'TARGET_SCIM_TOKEN' : null,
      },
    });
  })();
}

type TargetConfig = Pick<TargetRow, 'organizationId' | 'kind' | 'url' | 'apiKeyEnv' | 'remoteOrgId' | 'settings'>;

/** The application a target row points at: what its confirmed state and remote ids are about. */
const identity = (t: Pick<TargetRow, 'kind' | 'url' | 'remoteOrgId'>) =>
  JSON.stringify([t.kind, t.kind === 'embedded' ? null : (t.url ?? '').replace(/\/+$/, ''), t.remoteOrgId]);

/**
 * Sets an organization's target. When it now points at another application than before
 * (embedded → LangWatch, a new URL or remote organization), nothing the old one confirmed holds:
 * that is forgotten, and a reconciliation pass provisions every existing member and group into
 * the new one (issue 11 item 5). The same target again changes nothing.
 */
export function configureTarget(db: Db, t: TargetConfig): void {
  const before = getTarget(db, t.organizationId);
  setTarget(db, t);
  if (before && identity(before) === identity(t)) return;
  if (before) forgetTargetState(db, t.organizationId);
  if (t.kind === 'embedded') stopReconcile(db, t.organizationId);
  else startReconcile(db, t.organizationId, new Date().toISOString());
}
