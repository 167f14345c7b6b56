/**
 * The sync log says why, and who (issue 12 items 9 and 10).
 *
 * - `kind`: `scim` for what an IdP sent (or tried to), `admin` for what an admin did through
 *   the admin API, the console or the CLI. Its index keeps `kind=admin` a range read.
 * - `detail` / `error_code`: on a refusal, the message the client was told (a SCIM `detail`,
 *   an admin API `error.message`) and, for the admin API, its `error.code`.
 * - `resource_name`: what the entry was about in words (a userName, a displayName, a group's
 *   name, a member's email, a key's name), so a refused write says which resource it concerned.
 * - `actor_*`: the admin key that made an admin change (its id and name, never the secret) and
 *   how it came (`api`, `console`, `cli`).
 * - `client_ip` / `forwarded_for`: the peer address of a request refused for authentication,
 *   and what a proxy (or the client) claimed in X-Forwarded-For.
 */
export default `
ALTER TABLE sync_log ADD COLUMN kind TEXT NOT NULL DEFAULT 'scim' CHECK (kind IN ('scim', 'admin'));
ALTER TABLE sync_log ADD COLUMN detail TEXT;
ALTER TABLE sync_log ADD COLUMN error_code TEXT;
ALTER TABLE sync_log ADD COLUMN resource_name TEXT;
ALTER TABLE sync_log ADD COLUMN actor_key_id TEXT;
ALTER TABLE sync_log ADD COLUMN actor_name TEXT;
ALTER TABLE sync_log ADD COLUMN actor_via TEXT CHECK (actor_via IN ('api', 'console', 'cli'));
ALTER TABLE sync_log ADD COLUMN client_ip TEXT;
ALTER TABLE sync_log ADD COLUMN forwarded_for TEXT;
CREATE INDEX sync_log_kind ON sync_log(organization_id, kind, id);
`;
