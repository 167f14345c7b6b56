import type { Db } from './db.js';

export interface TargetRow {
  organizationId: string;
  kind: 'embedded' | 'langwatch' | 'langsmith';
  url: string | null;
  /** The environment variable holding the API key; the key itself is never stored. */
  apiKeyEnv: string | null;
  remoteOrgId: string | null;
  settings: Record<string, unknown>;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  /** The reconciliation pass (migration 0006): under way while `phase` is set. */
  reconcile: { phase: 'member' | 'group' | null; total: number; done: number; startedAt: string | null; finishedAt: string | null };
}

export function getTarget(db: Db, organizationId: string): TargetRow | null {
  const r = db.prepare('SELECT * FROM targets WHERE organization_id = ?').get(organizationId) as
    | {
        organization_id: string;
        kind: TargetRow['kind'];
        url: string | null;
        api_key_env: string | null;
        remote_org_id: string | null;
        settings: string;
        last_success_at: string | null;
        last_failure_at: string | null;
        last_error: string | null;
        reconcile_phase: 'member' | 'group' | null;
        reconcile_total: number;
        reconcile_done: number;
        reconcile_started_at: string | null;
        reconcile_finished_at: string | null;
      }
    | undefined;
  if (!r) return null;
  return {
    organizationId: r.organization_id,
    kind: r.kind,
    url: r.url,
    apiKeyEnv: r.api_key_env,
    remoteOrgId: r.remote_org_id,
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    lastSuccessAt: r.last_success_at,
    lastFailureAt: r.last_failure_at,
    lastError: r.last_error,
    reconcile: {
      phase: r.reconcile_phase,
      total: r.reconcile_total,
      done: r.reconcile_done,
      startedAt: r.reconcile_started_at,
      finishedAt: r.reconcile_finished_at,
    },
  };
}

export function listTargets(db: Db): TargetRow[] {
  return (db.prepare('SELECT organization_id FROM targets ORDER BY organization_id').pluck().all() as string[]).map((id) =>
    getTarget(db, id)!,
  );
}

export function setTarget(db: Db, t: Pick<TargetRow, 'organizationId' | 'kind' | 'url' | 'apiKeyEnv' | 'remoteOrgId' | 'settings'>): void {
  db.prepare(
    `INSERT INTO targets (organization_id, kind, url, api_key_env, remote_org_id, settings) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (organization_id) DO UPDATE SET kind = excluded.kind, url = excluded.url, api_key_env = excluded.api_key_env,
       remote_org_id = excluded.remote_org_id, settings = excluded.settings`,
  ).run(t.organizationId, t.kind, t.url, t.apiKeyEnv, t.remoteOrgId, JSON.stringify(t.settings));
}

/**
 * True when the organization's target derives a person's access from their groups (LangSmith):
 * then a membership change must mark the member too, not only the group.
 */
export function isMemberCentric(db: Db, organizationId: string): boolean {
  return db.prepare("SELECT 1 FROM targets WHERE organization_id = ? AND kind = 'langsmith'").get(organizationId) !== undefined;
}

export function recordTargetSuccess(db: Db, organizationId: string, at: string): void {
  db.prepare('UPDATE targets SET last_success_at = ? WHERE organization_id = ?').run(at, organizationId);
}

export function recordTargetFailure(db: Db, organizationId: string, at: string, error: string): void {
  db.prepare('UPDATE targets SET last_failure_at = ?, last_error = ? WHERE organization_id = ?').run(at, error, organizationId);
}

// Secrets a target minted for itself (migration 0006) ------------------------------------------

export function getTargetSecret(db: Db, organizationId: string, name: string): string | null {
  return (
    (db.prepare('SELECT value FROM target_secrets WHERE organization_id = ? AND name = ?').pluck().get(organizationId, name) as
      string | undefined) ?? null
  );
}

export function setTargetSecret(db: Db, organizationId: string, name: string, value: string, now: string): void {
  db.prepare(
    `INSERT INTO target_secrets (organization_id, name, value, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (organization_id, name) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
  ).run(organizationId, name, value, now);
}

export function deleteTargetSecret(db: Db, organizationId: string, name: string): void {
  db.prepare('DELETE FROM target_secrets WHERE organization_id = ? AND name = ?').run(organizationId, name);
}
