/**
 * No secret is ever stored or logged: the real server, at the most verbose log level, is
 * driven with every kind of secret the suite uses (SCIM tokens, an admin key, a target API
 * key, a user's password, a wrong token); then its log output and every file of its database
 * (the WAL included) are searched for each of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startLangWatchFake } from '../fakes/langwatch/server.js';
import { startServer } from './helpers/server.js';

it('secrets appear in neither the logs nor the database', async () => {
  const fake = await startLangWatchFake({ port: 0 });
  const adminKey = 'redaction-admin-key-0123456789abcdef';
  const password = 'Pa55word-never-stored-8841';
  const wrongToken = 'wrong-token-never-stored-77123';
  const server = await startServer({
    env: {
      LOG_LEVEL: 'trace',
      BRIDGE_ADMIN_KEY: adminKey,
      TARGET: 'langwatch',
      TARGET_URL: fake.url,
      TARGET_API_KEY: fake.organization.apiKey,
    },
  });
  try {
    const scim = (path: string, init: RequestInit = {}, token = server.tokens.okta) =>
      fetch(`${server.baseUrl}/scim/v2${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json', ...init.headers },
      });
    const created = await scim('/Users', {
      method: 'POST',
      body: JSON.stringify({ userName: 'ana@example.com', password, emails: [{ value: 'ana@example.com', primary: true }] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await scim(`/Users/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'password', value: password }],
      }),
    });
    expect((await scim('/Users', {}, wrongToken)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/api/groups`, { headers: { Authorization: `Bearer ${adminKey}` } })).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/api/groups`, { headers: { Authorization: `Bearer ${wrongToken}` } })).status).toBe(401);
    // Let the worker call the target with its key, so deliveries exist to search too.
    for (let i = 0; i < 100; i++) {
      const d = (await (await fetch(`${server.baseUrl}/api/deliveries`, { headers: { Authorization: `Bearer ${adminKey}` } })).json()) as {
        recent: unknown[];
        pending: unknown[];
      };
      if (d.recent.length > 0 && d.pending.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const files = readdirSync(server.dataDir).map((f) => readFileSync(join(server.dataDir, f)).toString('latin1'));
    const output = server.output();
    expect(output).toMatch(/"msg":"request"/);
    for (const secret of [server.tokens.okta, server.tokens.azure, adminKey, fake.organization.apiKey, password, wrongToken]) {
      expect(output, 'logs').not.toContain(secret);
      for (const content of files) expect(content, 'database').not.toContain(secret);
    }
  } finally {
    await server.stop();
    await fake.close();
  }
});
