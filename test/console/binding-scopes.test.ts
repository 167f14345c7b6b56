/**
 * The binding form picks the scope from the application's teams and projects when the target
 * lists them: the real server (so src/server.ts's wiring of GET /api/scopes) on LangSmith's
 * stand-in, driven by headless Chromium. The free-text form of the other targets is covered by
 * console.test.ts (LangWatch). Without a browser this file is skipped, saying so.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLangSmithFake, type RunningLangSmithFake } from '../../fakes/langsmith/server.js';
import { findChromium } from '../setup/chromium.js';
import { startServer, type StartedServer } from '../helpers/server.js';

const ADMIN_KEY = 'console-scopes-admin-key-0123456789abcdef';
const BROWSER = findChromium();
if (BROWSER.reason) console.log(`skipped: console binding scopes: ${BROWSER.reason}`);
const TITLE = 'console binding form on LangSmith (headless Chromium)';

describe.skipIf(BROWSER.path === undefined)(BROWSER.reason ? `${TITLE} — skipped: ${BROWSER.reason}` : TITLE, () => {
  let fake: RunningLangSmithFake;
  let server: StartedServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let production = '';
  let groupId = '';

  async function admin(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.ok, `${method} ${path}: ${res.status} ${text}\n${server.output()}`).toBe(true);
    return text ? JSON.parse(text) : null;
  }

  beforeAll(async () => {
    fake = await startLangSmithFake({ port: 0 });
    const org = fake.organization;
    const made = await fetch(`${fake.url}/api/v1/workspaces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': org.apiKey, 'X-Organization-Id': org.organizationId },
      body: JSON.stringify({ display_name: 'Production' }),
    });
    production = ((await made.json()) as { id: string }).id;
    server = await startServer({
      env: {
        BRIDGE_ADMIN_KEY: ADMIN_KEY,
        TARGET: 'langsmith',
        TARGET_URL: fake.url,
        TARGET_API_KEY: org.apiKey,
        TARGET_ORGANIZATION_ID: org.organizationId,
        TARGET_GROUP_MAPPING: 'bindings',
      },
    });
    groupId = (await admin('POST', '/api/groups', { name: 'Reviewers' })).id;
    userDataDir = await mkdtemp(join(tmpdir(), 'scim-console-scopes-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: BROWSER.path,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await server?.stop();
    await fake?.close();
  });

  it("offers LangSmith's workspaces by name, binds the one picked by its id, and keeps free text behind Another scope", async () => {
    await page.goto(`${server.baseUrl}/admin`);
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('main h1', { hasText: 'Sync log' }).waitFor();
    await page.goto(`${server.baseUrl}/admin#/groups/${groupId}`);
    await page.locator('main h1', { hasText: 'Reviewers' }).waitFor();

    const scope = page.getByLabel('Scope', { exact: true });
    await scope.waitFor();
    const options = await scope.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).textContent));
    expect(options).toEqual(['The whole organization', 'Default', 'Production', 'Another scope, by type and id…']);
    // Picking by name hides the free-text fields.
    expect(await page.getByLabel('Scope id').isHidden()).toBe(true);
    expect(await page.getByLabel('Scope type').isHidden()).toBe(true);

    await scope.selectOption({ label: 'Production' });
    await page.getByLabel('Role', { exact: true }).selectOption('VIEWER');
    await page.getByRole('button', { name: 'Add binding' }).click();
    await page.locator('main tbody tr', { hasText: production }).waitFor();
    const bindings = await admin('GET', `/api/groups/${groupId}/bindings`);
    expect(bindings.data).toEqual([expect.objectContaining({ role: 'VIEWER', scopeType: 'TEAM', scopeId: production })]);

    await page.getByLabel('Scope', { exact: true }).selectOption({ label: 'Another scope, by type and id…' });
    expect(await page.getByLabel('Scope type').isVisible()).toBe(true);
    expect(await page.getByLabel('Scope id').isVisible()).toBe(true);
  });
});
