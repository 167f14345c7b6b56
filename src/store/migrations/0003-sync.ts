/**
 * Downstream sync (DESIGN principle 2). A SCIM or admin write marks what changed in the same
 * transaction ("needs sync"); the worker compares the desired state with what the target last
 * confirmed and sends the calls that close the gap. Ids the target hands out are kept here and
 * never guessed twice.
 */
export default `
-- The application an organization provisions into. The API key is never stored: api_key_env
-- names the environment variable that holds it.
CREATE TABLE targets (
  organization_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('embedded', 'langwatch', 'langsmith')),
  url             TEXT,
  api_key_env     TEXT,
  remote_org_id   TEXT,
  settings        TEXT NOT NULL DEFAULT '{}',
  last_success_at TEXT,
  last_failure_at TEXT,
  last_error      TEXT
);

-- One row per entity that needs a sync. generation moves on every new mark, so the worker
-- clears a mark only if nothing marked it again while it was syncing.
CREATE TABLE sync_marks (
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  entity_type     TEXT NOT NULL CHECK (entity_type IN ('member', 'group')),
  entity_id       TEXT NOT NULL,
  generation      INTEGER NOT NULL DEFAULT 1,
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'retrying', 'parked', 'awaiting_approval')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  marked_at       TEXT NOT NULL,
  last_error      TEXT,
  -- An admin approved a removal the mass-removal guard held back.
  approved        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, entity_type, entity_id)
);
CREATE INDEX sync_marks_due ON sync_marks(state, next_attempt_at);

-- The target's ids for our members, groups and (LangSmith) workspaces.
CREATE TABLE target_ids (
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  entity_type     TEXT NOT NULL,
  local_id        TEXT NOT NULL,
  remote_id       TEXT NOT NULL,
  PRIMARY KEY (organization_id, entity_type, local_id)
);

-- What the target last confirmed for each entity, as JSON, to diff the desired state against.
CREATE TABLE target_state (
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  entity_type     TEXT NOT NULL,
  entity_id       TEXT NOT NULL,
  state           TEXT NOT NULL,
  confirmed_at    TEXT NOT NULL,
  PRIMARY KEY (organization_id, entity_type, entity_id)
);

-- Every call the worker made to a target, and its outcome.
CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  entity_type     TEXT NOT NULL,
  entity_id       TEXT NOT NULL,
  method          TEXT NOT NULL,
  path            TEXT NOT NULL,
  status          INTEGER,
  outcome         TEXT NOT NULL CHECK (outcome IN ('ok', 'retry', 'parked', 'drift')),
  detail          TEXT,
  started_at      TEXT NOT NULL,
  duration_ms     INTEGER NOT NULL
);
CREATE INDEX deliveries_recent ON deliveries(organization_id, id);
CREATE INDEX deliveries_entity ON deliveries(organization_id, entity_type, entity_id, id);
`;
