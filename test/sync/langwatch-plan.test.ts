/**
 * The bridge's SCIM token and LangWatch's plan (TARGETS.md §A1 "Tokens", "Authentication";
 * §A4 step 1): minted once with the API key and kept the moment it is shown, TARGET_SCIM_TOKEN
 * preferred, a revoked minted token replaced once, and a plan without SCIM (402 on minting, 403
 * on a SCIM call) parked with its reason rather than retried.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TargetHttp } from '../../src/targets/http.js';
import { langWatchErrorReason, SCIM_TOKEN_SECRET } from '../../src/targets/langwatch/index.js';
import { person, refusal, SCIM, startLw, type Lw } from './langwatch.fixture.js';

let lw: Lw;
beforeEach(async () => {
  lw = await startLw();
});
afterEach(() => lw.close());

const setPlan = (plan: boolean) => lw.control('PATCH', '/_fake/settings', { organizationId: lw.org.organizationId, plan });

describe('LangWatch scim mode: the SCIM token', () => {
  it('is minted on the first sync, kept at once, and reused', async () => {
    const b = lw.bridge();
    await b.member(person('ana@acme.com'));
    await b.member(person('bob@acme.com'));
    const minted = b.calls.filter((c) => c.path === '/api/scim-tokens');
    expect(minted).toEqual([expect.objectContaining({ method: 'POST', status: 201 })]);
    expect(b.secrets.get(SCIM_TOKEN_SECRET)).toMatch(/^[0-9a-f]{64}$/);
    expect((await lw.state()).scimTokens).toEqual([expect.objectContaining({ description: 'scim-bridge' })]);
  });

  it('TARGET_SCIM_TOKEN is used instead of minting one', async () => {
    const { token } = await lw.control('POST', `/_fake/organizations/${lw.org.organizationId}/scim-tokens`, { description: 'from the UI' });
    const b = lw.bridge({ scimToken: token });
    await b.member(person('ana@acme.com'));
    expect(b.routes()).not.toContain('POST /api/scim-tokens');
    expect(b.secrets.size).toBe(0);
  });

  it('a minted token revoked in LangWatch is forgotten and minted again once; a refused TARGET_SCIM_TOKEN is parked', async () => {
    const b = lw.bridge();
    await b.member(person('ana@acme.com'));
    const old = b.secrets.get(SCIM_TOKEN_SECRET);
    const [{ id }] = (await lw.state()).scimTokens;
    const headers = { Authorization: `Bearer ${lw.org.apiKey}` };
    expect((await fetch(`${lw.fake.url}/api/scim-tokens/${id}`, { method: 'DELETE', headers })).status).toBe(200);
    await b.member(person('bob@acme.com'));
    expect(b.secrets.get(SCIM_TOKEN_SECRET)).not.toBe(old);
    expect(b.calls.filter((c) => c.path === '/api/scim-tokens').map((c) => c.status)).toEqual([201, 201]);

    const err = await refusal(lw.bridge({ scimToken: 'f'.repeat(64) }).member(person('cy@acme.com')));
    expect(err).toMatchObject({ retryable: false, status: 401, code: 'scim_token_invalid' });
    expect(err.message).toContain('TARGET_SCIM_TOKEN');
  });
});

describe('LangWatch scim mode: a plan without SCIM', () => {
  it('402 on minting is parked with its reason, nothing stored, nothing retried', async () => {
    await setPlan(false);
    const b = lw.bridge();
    const err = await refusal(b.member(person('ana@acme.com')));
    expect(err).toMatchObject({ retryable: false, status: 402, code: 'enterprise_plan_required' });
    expect(err.message).toMatch(
      /^LangWatch POST \/api\/scim-tokens: 402 enterprise_plan_required: .*Enterprise.*TARGET_LANGWATCH_MODE=invite/,
    );
    expect(b.secrets.size).toBe(0);
    expect(b.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/scim-tokens']);
  });

  it('403 on a SCIM call (the plan lapsed) is parked with its reason, not retried', async () => {
    const b = lw.bridge();
    await b.member(person('ana@acme.com'));
    await setPlan(false);
    const err = await refusal(b.member(person('bob@acme.com')));
    expect(err).toMatchObject({ retryable: false, status: 403, code: 'scim_plan_required' });
    expect(err.message).toMatch(
      new RegExp(`^LangWatch GET ${SCIM}/Users: 403 scim_plan_required: SCIM provisioning requires an Enterprise plan`),
    );
    // The token is not thrown away for a plan problem.
    expect(b.secrets.get(SCIM_TOKEN_SECRET)).toBeTruthy();
  });
});

describe('LangWatch checkCredentials', () => {
  it('checks the key, and says whether the SCIM token is minted, works, or was revoked', async () => {
    const b = lw.bridge();
    const check = () => b.target.checkCredentials(b.http(), b.io('member', 'x').secrets);
    expect(await check()).toBe('SCIM token not minted yet; minted on first sync');
    expect(b.routes()).toEqual(['GET /api/organization/members']);
    await b.member(person('ana@acme.com'));
    expect(await check()).toBe('SCIM token (minted by the bridge) works');
    const [{ id }] = (await lw.state()).scimTokens;
    await fetch(`${lw.fake.url}/api/scim-tokens/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${lw.org.apiKey}` } });
    expect(await check()).toMatch(/stored SCIM token was refused .* a new one is minted on the next sync/);
    // A health check never mints.
    expect(b.calls.filter((c) => c.path === '/api/scim-tokens')).toHaveLength(1);

    await setPlan(false);
    await expect(check()).rejects.toMatchObject({ status: 402, code: 'enterprise_plan_required' });
  });

  it('a wrong API key is refused', async () => {
    const b = lw.bridge();
    const bad = new TargetHttp(
      lw.fake.url,
      { Authorization: 'Bearer sk-lw-nope_nope' },
      { vendor: 'LangWatch', readError: langWatchErrorReason },
    );
    await expect(b.target.checkCredentials(bad, b.io('member', 'x').secrets)).rejects.toMatchObject({ status: 401, retryable: false });
  });
});
