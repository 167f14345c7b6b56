/**
 * What /readyz and the doctor say about a LangWatch target's credentials in SCIM mode: before
 * the first sync, that the SCIM token is minted then; after it, that the minted token works;
 * once LangWatch revokes it, that it was refused and is minted again at the next sync (which
 * heals it, so the check stays ok with that note). The probe never mints a token itself.
 */
import { afterEach, expect, it } from 'vitest';
import { probeCredentials } from '../../src/health/target-checks.js';
import { getTarget } from '../../src/store/targets.repo.js';
import { createTargetResolver } from '../../src/targets/registry.js';
import { createSyncHarness, type SyncHarness } from '../helpers/sync-harness.js';

let s: SyncHarness;
afterEach(() => s.close());

it('shows whether the SCIM token works, without minting one', async () => {
  s = await createSyncHarness('langwatch');
  const env = { TARGET_API_KEY: s.organization.apiKey };
  const probe = () => probeCredentials(getTarget(s.h.db, 'default')!, createTargetResolver(s.h.db, env)('default'), env);

  const before = await probe();
  expect(before.result).toBe('ok');
  expect(before.detail).toMatch(/not minted yet/i);
  expect((await s.state()).organizations[0].scimTokens).toHaveLength(0);

  expect((await s.h.request('POST', '/scim/v2/Users', { body: { userName: 'ana@contoso.com', active: true } })).status).toBe(201);
  await s.settle();
  const after = await probe();
  expect(after.result).toBe('ok');
  expect(after.detail).toMatch(/scim token.*works/i);

  // Revoked in LangWatch's settings.
  const [token] = (await s.state()).organizations[0].scimTokens as { id: string }[];
  const revoked = await fetch(`${s.fakeUrl}/api/scim-tokens/${token!.id}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${s.organization.apiKey}` },
  });
  expect(revoked.status).toBe(200);
  const refused = await probe();
  expect(refused.detail).toMatch(/SCIM token was refused.*new one is minted/);
  expect((await s.state()).organizations[0].scimTokens.filter((t: { revoked?: boolean }) => !t.revoked)).toHaveLength(0);
});
