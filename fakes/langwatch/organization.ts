/**
 * The organization family `/api/organization/…` (TARGETS.md §A3), after
 * `platform/app/src/app/api/organization/[[...route]]/{app,wire,handlers}.ts`: the profile, the
 * members (members.ts) and the invites (invites.ts), each endpoint guarded as LangWatch guards
 * it (org-key auth, `organization:view` or `organization:manage`, the `MANAGEMENT_API` plan),
 * served at the bare path, `/2026-08-07/` and `/latest/` (TARGETS §A0 "Versioning").
 */
import { Hono } from 'hono';
import { registerInvites } from './invites.js';
import { registerMembers } from './members.js';
import { orgAuth, planGate, requirePermission, versionHeaders, type Guard, type RestEnv } from './rest.js';
import type { LangWatchState } from './state.js';

export function createOrganizationApp(state: LangWatchState, version: string | null, publicUrl: string | undefined): Hono<RestEnv> {
  const app = new Hono<RestEnv>();
  // Per route, not `use('*')`: the bare mount's wildcard would also catch the versioned paths.
  const headers = versionHeaders(version);
  const auth = orgAuth(state, 'organization');
  const gate = planGate('MANAGEMENT_API');
  const guard: Guard = (permission) => [headers, auth, requirePermission(permission, 'organization'), gate] as const;

  // GET / (view): the organization profile (the SSO fields and the S3 secret are never returned).
  app.get('/', ...guard('organization:view'), (c) => {
    const org = c.get('org');
    return c.json({
      id: org.id,
      name: org.name,
      slug: org.slug,
      supportContact: null,
      presenceEnabled: false,
      traceSharingEnabled: false,
      primaryIntent: null,
      s3Endpoint: null,
      s3AccessKeyId: null,
      s3Bucket: null,
      createdAt: org.createdAt,
      updatedAt: org.createdAt,
    });
  });

  registerMembers(app, state, guard);
  registerInvites(app, state, guard, publicUrl);
  return app;
}
