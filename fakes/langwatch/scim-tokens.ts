/**
 * The SCIM-token REST family `/api/scim-tokens` (TARGETS.md §A1 "Tokens"), after
 * `platform/app/src/app/api/scim-tokens/[[...route]]/app.ts` and `ee/scim/scim-token.service.ts`:
 * organization-key auth, `organization:manage`, the `SCIM` plan gate (402), the organization
 * family's error body, and the versioned mounts.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { LwError } from './errors.js';
import { body, orgAuth, planGate, requirePermission, versionHeaders, type RestEnv } from './rest.js';
import type { LangWatchState } from './state.js';

const CreateToken = z.object({ description: z.string().trim().min(1).max(255).optional() });

export function createScimTokensApp(state: LangWatchState, version: string | null): Hono<RestEnv> {
  const app = new Hono<RestEnv>();
  // Per route, not `use('*')`: the bare mount's wildcard would also catch the versioned paths.
  const guard = [
    versionHeaders(version),
    orgAuth(state, 'organization'),
    requirePermission('organization:manage', 'organization'),
    planGate('SCIM'),
  ] as const;

  // GET: `{tokens:[{id, description, createdAt, lastUsedAt}]}`, newest first, never a value or hash.
  app.get('/', ...guard, (c) => {
    const tokens = [...c.get('org').scimTokens.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((t) => ({ id: t.id, description: t.description, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt }));
    return c.json({ tokens });
  });

  // POST: 201 `{id, token, description}`; the token is shown only this once.
  app.post('/', ...guard, async (c) => {
    const input = await body(c, 'organization', CreateToken);
    const { token, record } = state.createScimToken(c.get('org'), input.description ?? null);
    return c.json({ id: record.id, token, description: input.description ?? null }, 201);
  });

  // DELETE: 200 `{success:true}`; an unknown or already revoked id is 404 `scim_token_not_found`.
  app.delete('/:id', ...guard, (c) => {
    const id = c.req.param('id');
    if (!state.revokeScimToken(c.get('org'), id))
      throw new LwError(404, 'scim_token_not_found', `SCIM token not found: ${id}`, { id, tokenId: id });
    return c.json({ success: true });
  });
  return app;
}
