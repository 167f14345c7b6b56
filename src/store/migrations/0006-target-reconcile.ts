/**
 * Targets that provision what is already there (issue 11 item 5), and credentials a target
 * obtains for itself.
 *
 * - When a start names another target than the row holds (embedded → LangWatch, a new URL or
 *   remote organization), nothing the old one confirmed holds for the new one: it is forgotten
 *   and a reconciliation pass begins (src/bootstrap.ts).
 * - A reconciliation pass marks every member, then every group, of the organization in bounded
 *   batches, walking a keyset cursor (`reconcile_phase`, `reconcile_after`), so a directory of
 *   any size is compared with the target without one huge transaction. `reconcile_total` and
 *   `reconcile_done` are its progress, shown in /api/deliveries, the console and the doctor.
 * - `target_secrets` keeps what a target minted for itself (LangWatch's SCIM token, shown by
 *   LangWatch only once): losing it would mean minting another and leaving the first live.
 */
export default `
ALTER TABLE targets ADD COLUMN reconcile_phase TEXT CHECK (reconcile_phase IN ('member', 'group'));
ALTER TABLE targets ADD COLUMN reconcile_after TEXT NOT NULL DEFAULT '';
ALTER TABLE targets ADD COLUMN reconcile_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE targets ADD COLUMN reconcile_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE targets ADD COLUMN reconcile_started_at TEXT;
ALTER TABLE targets ADD COLUMN reconcile_finished_at TEXT;

CREATE TABLE target_secrets (
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  value           TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (organization_id, name)
);
`;
