/**
 * The first start of a bridge nobody configured: no SCIM connection and no admin key exist at
 * all (none in the database, none in BRIDGE_CONNECTIONS or BRIDGE_ADMIN_KEY). The bridge then
 * makes an `okta` connection with a token and an admin key with organization:manage, so that the
 * README's quickstart can push with curl and open the console at once, and the caller prints
 * both secrets once on the terminal. Only their hashes are stored; a second start finds them and
 * makes nothing.
 */
import { ADMIN_SCOPES, createAdminKey } from './store/admin-keys.repo.js';
import { DEFAULT_ORGANIZATION_ID, addToken, createConnection } from './store/connections.repo.js';
import { credentialCounts } from './store/credentials.repo.js';
import type { Db } from './store/db.js';
import { newSecret } from './store/secrets.js';

/** The connection the first run makes: the quickstart pushes in Okta's shape. */
export const FIRST_RUN_SOURCE = 'okta';

export interface FirstRunSecrets {
  source: string;
  token: string;
  adminKeyId: string;
  adminKey: string;
}

/** Makes the connection and the key when nothing exists yet; null otherwise. One transaction. */
export function firstRun(db: Db): FirstRunSecrets | null {
  return db.transaction(() => {
    const counts = credentialCounts(db);
    if (counts.connections > 0 || counts.adminKeys > 0) return null;
    const connection = createConnection(db, DEFAULT_ORGANIZATION_ID, FIRST_RUN_SOURCE);
    const token = newSecret('scim');
    addToken(db, connection.id, token, 'cli');
    const { id, key } = createAdminKey(db, DEFAULT_ORGANIZATION_ID, 'first run', [...ADMIN_SCOPES]);
    return { source: FIRST_RUN_SOURCE, token, adminKeyId: id, adminKey: key };
  })();
}
