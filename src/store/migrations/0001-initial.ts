/**
 * The first schema. Users and groups keep their full SCIM representation as JSON in `resource`
 * (what was sent, normalised to schema casing), plus copies of the attributes that filters,
 * uniqueness and sorting need as plain indexed columns. `*_key` columns hold case-folded
 * values (JavaScript toLowerCase, so non-ASCII letters fold too) for the attributes that
 * compare case-insensitively.
 */
export default `
CREATE TABLE organizations (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE connections (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  source          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  last_used_at    TEXT,
  UNIQUE (organization_id, source)
);

CREATE TABLE connection_tokens (
  id            TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  token_hash    BLOB NOT NULL UNIQUE,
  -- 'env' tokens come from BRIDGE_CONNECTIONS and are replaced when it changes; 'cli' ones are not.
  origin        TEXT NOT NULL DEFAULT 'cli',
  created_at    TEXT NOT NULL,
  last_used_at  TEXT,
  revoked_at    TEXT
);
CREATE INDEX connection_tokens_connection ON connection_tokens(connection_id);

CREATE TABLE admin_keys (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  key_hash        BLOB NOT NULL UNIQUE,
  scopes          TEXT NOT NULL,
  origin          TEXT NOT NULL DEFAULT 'cli',
  created_at      TEXT NOT NULL,
  last_used_at    TEXT,
  revoked_at      TEXT
);
CREATE INDEX admin_keys_organization ON admin_keys(organization_id);

-- seq gives every listing a stable order (RFC 7644 §3.4.2.4 paging) without sorting by text ids.
CREATE TABLE scim_users (
  seq              INTEGER PRIMARY KEY,
  id               TEXT NOT NULL UNIQUE,
  connection_id    TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  user_name        TEXT NOT NULL,
  user_name_key    TEXT NOT NULL,
  external_id      TEXT,
  display_name_key TEXT,
  active           INTEGER NOT NULL,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  last_modified    TEXT NOT NULL,
  resource         TEXT NOT NULL
);
CREATE UNIQUE INDEX scim_users_user_name ON scim_users(connection_id, user_name_key);
CREATE INDEX scim_users_external_id ON scim_users(connection_id, external_id);
CREATE INDEX scim_users_display_name ON scim_users(connection_id, display_name_key);
CREATE INDEX scim_users_connection_seq ON scim_users(connection_id, seq);
CREATE INDEX scim_users_last_modified ON scim_users(connection_id, last_modified);

-- One row per element of a multi-valued user attribute (emails, phoneNumbers, ...), so that
-- filters such as emails[type eq "work"].value eq "..." (an Entra matching attribute) are an
-- index lookup instead of a scan of every user's JSON.
CREATE TABLE scim_user_values (
  user_seq      INTEGER NOT NULL REFERENCES scim_users(seq) ON DELETE CASCADE,
  connection_id TEXT NOT NULL,
  attr          TEXT NOT NULL,
  position      INTEGER NOT NULL,
  value_key     TEXT,
  type_key      TEXT,
  is_primary    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_seq, attr, position)
) WITHOUT ROWID;
CREATE INDEX scim_user_values_lookup ON scim_user_values(connection_id, attr, value_key);

CREATE TABLE scim_groups (
  seq              INTEGER PRIMARY KEY,
  id               TEXT NOT NULL UNIQUE,
  connection_id    TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  display_name     TEXT NOT NULL,
  display_name_key TEXT NOT NULL,
  external_id      TEXT,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  last_modified    TEXT NOT NULL,
  resource         TEXT NOT NULL
);
CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups(connection_id, display_name_key);
CREATE INDEX scim_groups_external_id ON scim_groups(connection_id, external_id);
CREATE INDEX scim_groups_connection_seq ON scim_groups(connection_id, seq);
CREATE INDEX scim_groups_last_modified ON scim_groups(connection_id, last_modified);

-- member_id is the SCIM id of a user or group of the same connection. Membership writes touch
-- one row per named member, so a PATCH costs what it names, not the size of the group.
CREATE TABLE scim_group_members (
  group_seq   INTEGER NOT NULL REFERENCES scim_groups(seq) ON DELETE CASCADE,
  member_id   TEXT NOT NULL,
  member_type TEXT NOT NULL,
  display     TEXT,
  PRIMARY KEY (group_seq, member_id)
) WITHOUT ROWID;
CREATE INDEX scim_group_members_member ON scim_group_members(member_id, group_seq);
`;
