/**
 * The application side of the embedded default: the organization's members, groups, group
 * members and role bindings (the LangWatch model of ../shared/TARGETS.md §A), kept in step
 * with the SCIM tables in the same transaction as each SCIM write.
 */
export default `
-- A person of the organization. Its id is the application user id: for someone pushed by an
-- IdP, the SCIM id of the first identity that brought them. One person per email.
CREATE TABLE org_members (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email           TEXT NOT NULL,
  email_key       TEXT NOT NULL,
  name            TEXT,
  role            TEXT NOT NULL DEFAULT 'MEMBER' CHECK (role IN ('ADMIN', 'MEMBER', 'EXTERNAL')),
  -- An admin's emergency lock-out. No IdP push clears it; only an admin does.
  admin_disabled  INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (organization_id, email_key)
);

-- Which SCIM user of which connection a member is. A person pushed by Okta and by Entra
-- (the same primary email, during a move between IdPs) has two identities and one member.
CREATE TABLE member_identities (
  scim_user_id  TEXT PRIMARY KEY,
  member_id     TEXT NOT NULL REFERENCES org_members(id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  active        INTEGER NOT NULL
);
CREATE INDEX member_identities_member ON member_identities(member_id);

CREATE TABLE org_groups (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  slug            TEXT NOT NULL,
  external_id     TEXT,
  -- The owning connection's source ("okta", "azure-ad"); NULL for a group made by an admin.
  scim_source     TEXT,
  connection_id   TEXT REFERENCES connections(id) ON DELETE CASCADE,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX org_groups_organization ON org_groups(organization_id, created_at, id);

-- via_scim_user_id: the identity through which an IdP group holds the member (NULL when an
-- admin added them), so that losing one identity removes only what it brought.
CREATE TABLE org_group_members (
  group_id         TEXT NOT NULL REFERENCES org_groups(id) ON DELETE CASCADE,
  member_id        TEXT NOT NULL REFERENCES org_members(id) ON DELETE CASCADE,
  via_scim_user_id TEXT,
  created_at       TEXT NOT NULL,
  PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;
CREATE INDEX org_group_members_member ON org_group_members(member_id);
CREATE INDEX org_group_members_via ON org_group_members(via_scim_user_id) WHERE via_scim_user_id IS NOT NULL;

-- A role on a scope, granted to a group or directly to a member (exactly one of the two).
CREATE TABLE role_bindings (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  group_id        TEXT REFERENCES org_groups(id) ON DELETE CASCADE,
  member_id       TEXT REFERENCES org_members(id) ON DELETE CASCADE,
  role            TEXT NOT NULL CHECK (role IN ('ADMIN', 'MEMBER', 'VIEWER', 'CUSTOM')),
  custom_role_id  TEXT,
  scope_type      TEXT NOT NULL CHECK (scope_type IN ('ORGANIZATION', 'TEAM', 'PROJECT')),
  scope_id        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  CHECK ((group_id IS NULL) <> (member_id IS NULL)),
  CHECK ((role = 'CUSTOM') = (custom_role_id IS NOT NULL))
);
CREATE INDEX role_bindings_group ON role_bindings(group_id) WHERE group_id IS NOT NULL;
CREATE INDEX role_bindings_member ON role_bindings(member_id) WHERE member_id IS NOT NULL;

-- When an IdP push and an admin's decision disagree (an IdP re-activating someone an admin
-- locked out), the admin's decision stands and the disagreement is kept here.
CREATE TABLE member_conflicts (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  member_id       TEXT NOT NULL REFERENCES org_members(id) ON DELETE CASCADE,
  connection_id   TEXT REFERENCES connections(id) ON DELETE SET NULL,
  kind            TEXT NOT NULL,
  detail          TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX member_conflicts_member ON member_conflicts(member_id, created_at);
`;
