/**
 * The sync log: one entry per SCIM request, linked to the sync marks it caused and, through
 * them, to the calls the worker made to the application. `*_key` columns are folded copies
 * for case-insensitive filters; every filter has an index that starts with the organization
 * and ends with the id, so a page of a filtered log is an index range, newest first.
 */
export default `
CREATE TABLE sync_log (
  id              INTEGER PRIMARY KEY,
  at              TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  connection_id   TEXT,
  source          TEXT,
  request_id      TEXT NOT NULL,
  method          TEXT NOT NULL,
  path            TEXT NOT NULL,
  resource_type   TEXT,
  resource_id     TEXT,
  action          TEXT NOT NULL,
  status          INTEGER NOT NULL,
  scim_type       TEXT,
  outcome         TEXT NOT NULL CHECK (outcome IN ('success', 'failed')),
  duration_ms     REAL,
  user_agent      TEXT,
  user_key        TEXT,
  email_key       TEXT,
  group_key       TEXT,
  summary         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sync_log_org ON sync_log(organization_id, id);
CREATE INDEX sync_log_at ON sync_log(organization_id, at);
CREATE INDEX sync_log_resource ON sync_log(organization_id, resource_id, id);
CREATE INDEX sync_log_source ON sync_log(organization_id, source, id);
CREATE INDEX sync_log_type ON sync_log(organization_id, resource_type, id);
CREATE INDEX sync_log_outcome ON sync_log(organization_id, outcome, id);
CREATE INDEX sync_log_user ON sync_log(organization_id, user_key, id) WHERE user_key IS NOT NULL;
CREATE INDEX sync_log_email ON sync_log(organization_id, email_key, id) WHERE email_key IS NOT NULL;
CREATE INDEX sync_log_group ON sync_log(organization_id, group_key, id) WHERE group_key IS NOT NULL;

-- What each entry marked for sync.
CREATE TABLE sync_log_effects (
  log_id      INTEGER NOT NULL REFERENCES sync_log(id) ON DELETE CASCADE,
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  PRIMARY KEY (log_id, entity_type, entity_id)
) WITHOUT ROWID;
CREATE INDEX sync_log_effects_entity ON sync_log_effects(entity_type, entity_id);

-- The entries a mark carries until the worker clears it; each call it makes is linked to them.
ALTER TABLE sync_marks ADD COLUMN log_ids TEXT NOT NULL DEFAULT '[]';

CREATE TABLE delivery_logs (
  delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
  log_id      INTEGER NOT NULL,
  PRIMARY KEY (log_id, delivery_id)
) WITHOUT ROWID;
`;
