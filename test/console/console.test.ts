/**
 * The admin console (/admin): its session endpoints and cookie in process, then the real server
 * driven end to end by headless Chromium (found by test/setup/chromium.ts: CHROMIUM_PATH, then
 * Debian's package, then PATH; driven through playwright-core), with a screenshot of every page.
 * Without a browser only the end-to-end part is skipped, saying so.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findChromium } from '../setup/chromium.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_HTML } from '../../src/console/assets/page.js';
import { bundleConsoleScript, consoleEntry } from '../../src/console/bundle.js';
import { SessionStore, sessionStore } from '../../src/console/sessions.js';
import { createAdminKey, revokeAdminKey } from '../../src/store/admin-keys.repo.js';
import { createHarness, TEST_ADMIN_KEY, type Harness } from '../helpers/harness.js';
import { freePort, startServer, type StartedServer } from '../helpers/server.js';

const CONSOLE = { 'X-Requested-With': 'scim-bridge-console' };
const JSON_BODY = { 'Content-Type': 'application/json' };

// ---- in process ------------------------------------------------------------------------------

describe('console sessions (in process)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const signIn = (key: string, headers: Record<string, string> = {}) =>
    h.request('POST', '/admin/session', {
      token: null,
      rawBody: JSON.stringify({ key }),
      headers: { ...CONSOLE, ...JSON_BODY, ...headers },
    });
  const cookieOf = (setCookie: string | null) => setCookie!.split(';')[0]!;

  it('refuses an unknown key with 401 and sets no cookie', async () => {
    const res = await signIn('not-a-key-0123456789abcdef');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a missing key and a body that is not JSON with 400', async () => {
    expect((await h.request('POST', '/admin/session', { token: null, rawBody: '{}', headers: { ...CONSOLE, ...JSON_BODY } })).status).toBe(
      400,
    );
    expect(
      (await h.request('POST', '/admin/session', { token: null, rawBody: '{nope', headers: { ...CONSOLE, ...JSON_BODY } })).status,
    ).toBe(400);
  });

  it('refuses a sign-in without the console header (CSRF) with 403', async () => {
    const res = await h.request('POST', '/admin/session', {
      token: null,
      rawBody: JSON.stringify({ key: TEST_ADMIN_KEY }),
      headers: JSON_BODY,
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('sets an HttpOnly, SameSite=Strict, Path=/ cookie holding an opaque id, never the key', async () => {
    const res = await signIn(TEST_ADMIN_KEY);
    expect(res.status, res.text).toBe(200);
    expect(res.body.scopes).toEqual(['organization:view', 'organization:manage']);
    expect(res.text).not.toContain(TEST_ADMIN_KEY);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^scim_bridge_console=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure'); // plain http here
    expect(setCookie).not.toContain(TEST_ADMIN_KEY);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('marks the cookie Secure (and __Host-) when the request came over https', async () => {
    const res = await signIn(TEST_ADMIN_KEY, { 'X-Forwarded-Proto': 'https' });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^__Host-scim_bridge_console=/);
    expect(setCookie).toContain('Secure');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    const https = await h.request('GET', '/api/groups', { token: null, headers: { ...CONSOLE, cookie: cookieOf(setCookie) } });
    expect(https.status).toBe(200);
  });

  it('the admin API accepts the cookie only together with X-Requested-With: scim-bridge-console', async () => {
    const cookie = cookieOf((await signIn(TEST_ADMIN_KEY)).headers.get('set-cookie'));
    expect((await h.request('GET', '/api/groups', { token: null, headers: { cookie } })).status).toBe(401);
    expect((await h.request('GET', '/api/groups', { token: null, headers: { cookie, 'X-Requested-With': 'XMLHttpRequest' } })).status).toBe(
      401,
    );
    const ok = await h.request('GET', '/api/groups', { token: null, headers: { cookie, ...CONSOLE } });
    expect(ok.status, ok.text).toBe(200);
    // Writes too.
    const made = await h.request('POST', '/api/groups', {
      token: null,
      body: { name: 'From the console' },
      headers: { cookie, ...CONSOLE, ...JSON_BODY },
    });
    expect(made.status, made.text).toBe(201);
    // A made-up session id is nothing.
    const forged = await h.request('GET', '/api/groups', { token: null, headers: { cookie: 'scim_bridge_console=forged', ...CONSOLE } });
    expect(forged.status).toBe(401);
    // A bearer key still works as before, and wins over the cookie.
    expect((await h.request('GET', '/api/groups', { token: TEST_ADMIN_KEY })).status).toBe(200);
    expect((await h.request('GET', '/api/groups', { token: 'wrong-key-0123456789abcdef', headers: { cookie, ...CONSOLE } })).status).toBe(
      401,
    );
  });

  it('GET /admin/session says who is signed in; logout ends the session on the server', async () => {
    const cookie = cookieOf((await signIn(TEST_ADMIN_KEY)).headers.get('set-cookie'));
    const me = await h.request('GET', '/admin/session', { token: null, headers: { cookie, ...CONSOLE } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ organizationId: expect.any(String), scopes: ['organization:view', 'organization:manage'] });
    expect(Date.parse(me.body.expiresAt)).toBeGreaterThan(Date.now());

    const out = await h.request('POST', '/admin/logout', { token: null, headers: { cookie, ...CONSOLE } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^scim_bridge_console=;.*Max-Age=0/);
    // The old cookie is dead even if a browser kept it.
    expect((await h.request('GET', '/api/groups', { token: null, headers: { cookie, ...CONSOLE } })).status).toBe(401);
    expect((await h.request('GET', '/admin/session', { token: null, headers: { cookie, ...CONSOLE } })).status).toBe(401);
  });

  it('a session carries the scopes of its key: a view-only key cannot write', async () => {
    const { key } = createAdminKey(h.db, 'default', 'viewer', ['organization:view']);
    const res = await signIn(key);
    expect(res.body.scopes).toEqual(['organization:view']);
    const cookie = cookieOf(res.headers.get('set-cookie'));
    expect((await h.request('GET', '/api/groups', { token: null, headers: { cookie, ...CONSOLE } })).status).toBe(200);
    const write = await h.request('POST', '/api/groups', {
      token: null,
      body: { name: 'Nope' },
      headers: { cookie, ...CONSOLE, ...JSON_BODY },
    });
    expect(write.status).toBe(403);
  });

  it('revoking the key ends its sessions at once', async () => {
    const { id, key } = createAdminKey(h.db, 'default', 'temp', ['organization:view', 'organization:manage']);
    const cookie = cookieOf((await signIn(key)).headers.get('set-cookie'));
    expect((await h.request('GET', '/api/groups', { token: null, headers: { cookie, ...CONSOLE } })).status).toBe(200);
    expect(revokeAdminKey(h.db, 'default', id)).toBe(true);
    expect((await h.request('GET', '/api/groups', { token: null, headers: { cookie, ...CONSOLE } })).status).toBe(401);
    expect(sessionStore(h.db).size).toBe(0);
  });

  it('sessions expire after 8 h idle and 24 h in all, and the store stays bounded', () => {
    const key = { keyId: 'k', organizationId: 'o', scopes: ['organization:view' as const] };
    const store = new SessionStore();
    const t0 = 1_000_000;
    const id = store.create(key, t0);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.touch(id, t0 + 8 * 3600_000 - 1)).not.toBeNull(); // used just before the idle limit
    expect(store.touch(id, t0 + 16 * 3600_000 - 2)).not.toBeNull(); // each use restarts the idle time
    expect(store.touch(id, t0 + 24 * 3600_000)).toBeNull(); // but 24 h in all is the end
    expect(store.size).toBe(0);

    const idle = store.create(key, t0);
    expect(store.touch(idle, t0 + 8 * 3600_000)).toBeNull();
    expect(store.touch('unknown', t0)).toBeNull();

    const small = new SessionStore(1000, 5000, 3);
    const ids = [1, 2, 3, 4].map((i) => small.create(key, t0 + i));
    expect(small.size).toBe(3);
    expect(small.touch(ids[0]!, t0 + 10)).toBeNull(); // the least recently used was ended
    expect(small.touch(ids[3]!, t0 + 10)).not.toBeNull();
    small.sweep(t0 + 2000);
    expect(small.size).toBe(0);
  });

  it('serves the page, script and style sheet with strict security headers and no inline code', async () => {
    for (const [path, type] of [
      ['/admin', 'text/html'],
      ['/admin/', 'text/html'],
      ['/admin/console.js', 'text/javascript'],
      ['/admin/console.css', 'text/css'],
    ] as const) {
      const res = await h.request('GET', path, { token: null });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain(type);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    // No inline script or style, nothing from another origin.
    expect(CONSOLE_HTML).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(CONSOLE_HTML).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    expect(CONSOLE_HTML).not.toMatch(/https?:\/\//);
    const script = (await h.request('GET', '/admin/console.js', { token: null })).text;
    expect(script).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(script).not.toMatch(/localStorage|sessionStorage|document\.cookie/);
  });

  it('serves the typed modules of src/console/client bundled into one self-contained script', async () => {
    expect(consoleEntry()).toMatch(/src\/console\/client\/main\.ts$/);
    const first = await h.request('GET', '/admin/console.js', { token: null });
    const again = await h.request('GET', '/admin/console.js', { token: null });
    expect(first.status).toBe(200);
    expect(again.text, 'built once, then the same bytes').toBe(first.text);
    // What the modules say is there, and nothing that only a bundler or Node understands is left.
    expect(first.text).toContain('Sign in to scim-bridge');
    expect(first.text).toContain('/api/deliveries');
    expect(first.text).not.toMatch(/^\s*import\s|\bfrom\s+["']\.{0,2}\/|\brequire\(|node:|better-sqlite3|zod/m);
    // TypeScript is gone: no type annotations or `import type` survive the bundle.
    expect(first.text).not.toMatch(/import type|: HTMLElement\b|as HTMLButtonElement/);
    // The values it takes from the server's code are the admin API's own constants.
    expect(first.text).toMatch(/ORG_ROLES = \["ADMIN", "MEMBER", "EXTERNAL"\]/);
  });

  it('a bundle that cannot build rejects naming the cause (the route then answers a 500, the cause in the log)', async () => {
    await expect(bundleConsoleScript('/nonexistent/console/main.ts')).rejects.toThrow(/nonexistent/);
  });
});

// ---- end to end in Chromium ------------------------------------------------------------------

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ADMIN_KEY = 'console-e2e-admin-key-0123456789abcdef';

/** At least this many bytes: a blank or broken page compresses to far less. */
const MIN_SCREENSHOT_BYTES = 12_000;

const BROWSER = findChromium();
if (BROWSER.reason) console.log(`skipped: admin console end to end: ${BROWSER.reason}`);
const E2E_TITLE = 'admin console end to end (headless Chromium)';

describe.skipIf(BROWSER.path === undefined)(BROWSER.reason ? `${E2E_TITLE} — skipped: ${BROWSER.reason}` : E2E_TITLE, () => {
  let server: StartedServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let shotsDir: string;
  const problems: string[] = [];
  const ids = { ana: '', bob: '', carla: '', dan: '', engineering: '', finance: '', auditors: '' };

  const withOutput = (what: string) => `${what}\n--- server output ---\n${server.output()}`;

  async function scim(token: string, method: string, path: string, body?: unknown): Promise<{ id?: string }> {
    const res = await fetch(`${server.baseUrl}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.ok, withOutput(`${method} ${path}: ${res.status} ${text}`)).toBe(true);
    return text ? (JSON.parse(text) as { id?: string }) : {};
  }

  async function admin(method: string, path: string, body?: unknown): Promise<{ id?: string }> {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.ok, withOutput(`${method} ${path}: ${res.status} ${text}`)).toBe(true);
    return text ? (JSON.parse(text) as { id?: string }) : {};
  }

  const user = (userName: string, given: string, family: string) => ({
    schemas: [USER],
    userName,
    name: { givenName: given, familyName: family },
    displayName: `${given} ${family}`,
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  });

  beforeAll(async () => {
    // A LangWatch target nobody listens on: every change stays "retrying", so Deliveries has work to show.
    const deadPort = await freePort();
    server = await startServer({
      env: {
        BRIDGE_ADMIN_KEY: ADMIN_KEY,
        TARGET: 'langwatch',
        TARGET_URL: `http://127.0.0.1:${deadPort}`,
        TARGET_API_KEY: 'sk-lw-console-test-unreachable',
      },
    });
    const { okta, azure } = server.tokens;
    ids.ana = (await scim(okta, 'POST', '/Users', user('ana.lima@example.com', 'Ana', 'Lima'))).id!;
    ids.bob = (await scim(okta, 'POST', '/Users', user('bob.stone@example.com', 'Bob', 'Stone'))).id!;
    ids.carla = (await scim(azure, 'POST', '/Users', user('carla.diaz@example.com', 'Carla', 'Diaz'))).id!;
    // Dan left: Okta deactivated him, which only Okta can undo.
    ids.dan = (await scim(okta, 'POST', '/Users', { ...user('dan.ford@example.com', 'Dan', 'Ford'), active: false })).id!;
    // Ana is pushed by both IdPs (a move from Okta to Entra in progress).
    await scim(azure, 'POST', '/Users', user('ana.lima@example.com', 'Ana', 'Lima'));
    ids.engineering = (
      await scim(okta, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [{ value: ids.bob }] })
    ).id!;
    ids.finance = (await scim(azure, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Finance', members: [{ value: ids.carla }] })).id!;
    // Okta adds Ana to Engineering later, and changes her title.
    await scim(okta, 'PATCH', `/Groups/${ids.engineering}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ids.ana }] }],
    });
    await scim(okta, 'PATCH', `/Users/${ids.ana}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'title', value: 'Staff Engineer' }],
    });
    // The admin gives Engineering ADMIN on team-x, and makes a manual group.
    await admin('POST', `/api/groups/${ids.engineering}/bindings`, { role: 'ADMIN', scopeType: 'TEAM', scopeId: 'team-x' });
    ids.auditors = (await admin('POST', '/api/groups', { name: 'Auditors', memberIds: [ids.carla] })).id!;
    await admin('POST', `/api/groups/${ids.auditors}/bindings`, { role: 'VIEWER', scopeType: 'TEAM', scopeId: 'team-x' });

    userDataDir = await mkdtemp(join(tmpdir(), 'scim-console-chromium-'));
    shotsDir = process.env.CONSOLE_SCREENSHOT_DIR ?? (await mkdtemp(join(tmpdir(), 'scim-console-shots-')));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: BROWSER.path,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
      timezoneId: 'UTC',
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      // A 401/404 a page expects (the session probe, a missing endpoint) is logged by Chromium as a resource error.
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console error: ${msg.text()}`);
    });
  }, 120_000);

  // A failed step says what the page showed, which a timeout alone does not.
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail' || !page) return;
    const shown = await page
      .locator('main')
      .innerText({ timeout: 2000 })
      .catch((err: Error) => `(unreadable: ${err.message})`);
    console.log(`${task.name} failed at ${page.url()}; the page showed:\n${shown}\n--- page problems ---\n${problems.join('\n')}`);
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await server?.stop();
    // Kept only where CONSOLE_SCREENSHOT_DIR asks; a temporary directory goes with the run.
    if (shotsDir && !process.env.CONSOLE_SCREENSHOT_DIR) await rm(shotsDir, { recursive: true, force: true });
  });

  async function heading(text: string | RegExp): Promise<void> {
    await page.locator('main h1', { hasText: text }).waitFor();
    await page.waitForFunction(() => !document.getElementById('main')?.hasAttribute('aria-busy'));
  }

  async function screenshot(name: string): Promise<void> {
    // Icons keep their size (an unstyled SVG fills the page).
    const icons = await page.locator('main svg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    for (const height of icons) expect(height, `${name}: icon height`).toBeLessThanOrEqual(24);
    const file = join(shotsDir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16), `${name}.png width`).toBeGreaterThanOrEqual(1280);
    expect(png.length, `${name}.png is ${png.length} bytes`).toBeGreaterThan(MIN_SCREENSHOT_BYTES);
  }

  it('signs in, shows every page with its content, retries a delivery and signs out', async () => {
    // --- the page and its headers
    const res = await page.goto(`${server.baseUrl}/admin`);
    expect(res?.status()).toBe(200);
    const headers = res!.headers();
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');

    // --- sign in: a wrong key is refused with a message
    await heading('Sign in');
    await screenshot('01-sign-in');
    await page.getByLabel('Admin key').fill('this-is-not-the-key-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signin-error', { hasText: 'not valid' }).waitFor();
    expect(await page.locator('#top').isHidden()).toBe(true);

    // --- the right key: signed in; only an HttpOnly SameSite=Strict opaque cookie remains
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Sync log');
    expect(await page.locator('#top').isVisible()).toBe(true);
    const cookies = await context.cookies(server.baseUrl);
    expect(cookies.map((c) => c.name)).toEqual(['scim_bridge_console']);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookies[0]!.value).not.toContain(ADMIN_KEY);
    const stored = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      field: (document.getElementById('admin-key') as HTMLInputElement | null)?.value ?? '',
    }));
    expect(stored.cookie).toBe('');
    expect(stored.local).not.toContain(ADMIN_KEY);
    expect(stored.session).not.toContain(ADMIN_KEY);
    expect(stored.field).toBe('');

    // --- sync log: newest first, with sources and what changed
    const rows = page.locator('main tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(8);
    const logText = await page.locator('main table').innerText();
    expect(logText).toContain('okta');
    expect(logText).toContain('azure-ad');
    expect(logText).toMatch(/changed title/);
    await screenshot('02-sync-log');

    // filter by user, then open the entry: request summary and downstream calls
    await page.getByLabel('User', { exact: true }).fill('ana.lima@example.com');
    await page.getByLabel('Source', { exact: true }).fill('okta');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/#\/log\?source=okta&user=ana\.lima/);
    await heading('Sync log');
    await rows.first().waitFor();
    const filtered = await page.locator('main tbody').innerText();
    expect(filtered).toContain('User Ana Lima');
    expect(filtered).not.toContain('Carla');
    expect(filtered).not.toContain('azure-ad');
    await page.locator('main tbody tr', { hasText: 'changed title' }).first().locator('a').first().click();
    await heading(/\(entry \d+\)/);
    const detail = await page.locator('main').innerText();
    expect(detail).toContain(`PATCH /scim/v2/Users/${ids.ana}`);
    expect(detail).toContain('User Ana Lima');
    expect(detail).toMatch(/Changed:\s*title/);
    expect(detail).toContain('Downstream calls');
    await screenshot('03-sync-log-entry');

    // --- groups: owner badges, the lock, member counts, bindings
    await page.getByRole('link', { name: 'Groups', exact: true }).click();
    await heading('Groups');
    const row = (name: string) => page.locator('main tbody tr', { has: page.getByRole('link', { name, exact: true }) });
    await row('Engineering').waitFor();
    expect(await row('Engineering').innerText()).toMatch(/okta\s+Locked\s+2\s+ADMIN on TEAM team-x/);
    expect(await row('Finance').innerText()).toMatch(/azure-ad\s+Locked\s+1/);
    const auditors = await row('Auditors').innerText();
    expect(auditors).toMatch(/manual\s+1\s+VIEWER on TEAM team-x/);
    expect(auditors).not.toContain('Locked');
    expect(await row('Engineering').locator('a[data-pending]').innerText()).toMatch(/^delivery (pending|retrying)$/);
    await screenshot('04-groups');

    // a locked group: the explanation, and bindings still editable
    await page.getByRole('link', { name: 'Engineering', exact: true }).click();
    await heading('Engineering');
    expect(await page.getByTestId('lock-notice').innerText()).toMatch(/Managed by Okta.*bindings below stay editable/s);
    // Its name and members are Okta's: no rename, no add or remove here, and the page says where instead.
    expect(await page.getByLabel('Group name').count()).toBe(0);
    expect(await page.getByLabel('Member email').count()).toBe(0);
    expect(await page.getByRole('button', { name: /from Engineering$/ }).count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('Members are assigned in Okta');
    expect(await page.getByTestId('pending-notice').innerText()).toMatch(/This group is waiting on a delivery to the application/);
    // The scope id is free text (no endpoint lists the application's teams), suggested from the ids bindings use.
    expect(await page.locator('#scope-ids option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['team-x']);
    await page.getByLabel('Role', { exact: true }).selectOption('VIEWER');
    await page.getByLabel('Scope type').selectOption('PROJECT');
    await page.getByLabel('Scope id').fill('project-apollo');
    await page.getByRole('button', { name: 'Add binding' }).click();
    await page.locator('main tbody tr', { hasText: 'project-apollo' }).waitFor();
    await screenshot('05-group-detail');
    await page.getByRole('button', { name: 'Remove binding VIEWER on PROJECT project-apollo' }).click();
    await page.locator('main tbody tr', { hasText: 'project-apollo' }).waitFor({ state: 'detached' });

    // --- members: role, status, the IdPs pushing them
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await heading('Members');
    const ana = page.locator('main tbody tr', { hasText: 'ana.lima@example.com' });
    const anaText = await ana.innerText();
    // The unreachable target leaves Ana waiting on a delivery, which her row says.
    expect(anaText).toMatch(/Ana Lima\s+delivery (pending|retrying)\s+ana\.lima@example\.com\s+MEMBER\s+active\s+/);
    expect(anaText).toMatch(/\bokta\b/);
    expect(anaText).toMatch(/\bazure-ad\b/);
    await screenshot('06-members');

    // "Why does Ana have ADMIN on team-x, and when did Okta last change it?"
    await ana.getByRole('link', { name: 'Ana Lima' }).click();
    await heading('Ana Lima');
    const access = page.locator('main tbody tr', { hasText: 'team-x' }).first();
    await access.waitFor();
    const accessText = await access.innerText();
    expect(accessText).toMatch(/TEAM team-x\s+ADMIN/);
    expect(accessText).toMatch(/ADMIN from group Engineering okta · binding/);
    await page.locator('dd', { hasText: /by okta/ }).waitFor();
    await screenshot('07-member-access');
    await access.getByRole('link', { name: 'group history' }).click();
    await heading('Sync log');
    await page.locator('main tbody tr', { hasText: '+1 member' }).first().waitFor();
    expect(await page.locator('main tbody').innerText()).toContain('Group Engineering');
    expect(page.url()).toContain(`group=${ids.engineering}`);

    // --- connections with last use
    await page.getByRole('link', { name: 'Connections', exact: true }).click();
    await heading('Connections');
    for (const source of ['okta', 'azure-ad']) {
      const conn = await page.locator(`main tbody tr[data-source="${source}"]`).innerText();
      expect(conn).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \((just now|\d+ s ago|\d+ min ago)\)/);
    }
    await screenshot('08-connections');

    // a bridge without an endpoint yet shows a plain empty state, not a crash
    await page.route('**/api/connections', (r) =>
      r.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'not_found', message: 'No such endpoint: GET /api/connections.' } }),
      }),
    );
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await heading('Health');
    await page.getByRole('link', { name: 'Connections', exact: true }).click();
    await heading('Connections');
    expect(await page.locator('main [data-state="unavailable"]').innerText()).toContain('does not offer the connections yet');
    await page.unroute('**/api/connections');

    // --- deliveries: the unreachable target keeps them retrying; Retry one
    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    await heading('Deliveries');
    await page.getByRole('heading', { name: 'Needing attention' }).waitFor();
    const retry = page.getByRole('button', { name: 'Retry' });
    await retry.first().waitFor({ timeout: 30_000 });
    await screenshot('09-deliveries');
    expect(await retry.count(), 'the unreachable target leaves deliveries to retry').toBeGreaterThan(0);
    expect(await page.locator('main').innerText()).toMatch(/retrying|pending/);
    const answer = page.waitForResponse((r) => r.url().includes('/retry') && r.request().method() === 'POST');
    await retry.first().click();
    expect((await answer).status()).toBe(204);
    await page.locator('#announcer', { hasText: 'Retry scheduled' }).waitFor();

    // --- health: the /readyz checks
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await heading('Health');
    await page.locator('main tbody tr[data-check="database"]').waitFor();
    expect(await page.locator('main tbody tr[data-check="database"]').innerText()).toMatch(/database\s+ok/);
    await screenshot('10-health');

    // --- a session that ends (cookie gone) sends the console back to sign-in, with a word why
    await context.clearCookies();
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await page.locator('#signin-error', { hasText: 'session has ended' }).waitFor();
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Members');

    // --- keyboard: the navigation is reachable and the page heading takes focus
    await page.getByRole('link', { name: 'Groups', exact: true }).focus();
    await page.keyboard.press('Enter');
    await heading('Groups');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    // --- sign out: back to sign-in, the cookie is gone and the old session is dead
    const before = (await context.cookies(server.baseUrl))[0]!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in');
    expect(await context.cookies(server.baseUrl)).toEqual([]);
    const replay = await fetch(`${server.baseUrl}/api/groups`, { headers: { cookie: `${before.name}=${before.value}`, ...CONSOLE } });
    expect(replay.status).toBe(401);

    expect(problems, problems.join('\n')).toEqual([]);
  }, 180_000);

  /** Every <time> in the page's tables sits on one line (a wrapped date reads as two values). */
  async function timesOnOneLine(what: string): Promise<void> {
    const lines = await page.locator('main td time').evaluateAll((els) => els.map((e) => e.getClientRects().length));
    expect(lines.length, `${what}: times shown`).toBeGreaterThan(0);
    expect(
      lines.every((n) => n === 1),
      `${what}: lines per time ${lines.join(',')}`,
    ).toBe(true);
  }

  /** The page drawn again after a change is all there (a row gone may only mean the redraw began). */
  const settled = () => page.waitForFunction(() => !document.getElementById('main')?.hasAttribute('aria-busy'));

  /** Nothing sticks out sideways: the page does not scroll horizontally. */
  const pageOverflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('edits a manual group and a member, shows what waits on a delivery, and pages the deliveries', async () => {
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.baseUrl}/admin#/groups`);
    await heading('Sign in');
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Groups');

    // --- a manual group says what can be edited here, and does it: rename, add and remove members
    await page.getByRole('link', { name: 'Auditors', exact: true }).click();
    await heading('Auditors');
    expect(await page.getByTestId('manual-notice').innerText()).toMatch(
      /No IdP owns it.*rename it, add and remove members.*role bindings/s,
    );
    await page.getByLabel('Group name').fill('Auditors EU');
    await page.getByRole('button', { name: 'Rename' }).click();
    await heading('Auditors EU');
    await page.locator('#announcer', { hasText: 'Renamed to Auditors EU.' }).waitFor();

    // An email that is nobody's is refused in the form, without a call.
    await page.getByLabel('Member email').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.locator('main form', { hasText: 'No member of the organization has the email nobody@example.com.' }).waitFor();
    // The suggestions are the members not in the group yet.
    const candidates = await page.locator('#member-candidates option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(candidates).toContain('ana.lima@example.com');
    expect(candidates).not.toContain('carla.diaz@example.com');
    await page.getByLabel('Member email').fill('Ana.Lima@example.com');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.locator('main tbody tr', { hasText: 'ana.lima@example.com' }).waitFor();
    await page.getByRole('button', { name: 'Remove Carla Diaz from Auditors EU' }).click();
    await page.locator('main tbody tr', { hasText: 'carla.diaz@example.com' }).waitFor({ state: 'detached' });
    await settled();
    await page.locator('main tbody tr', { hasText: 'ana.lima@example.com' }).waitFor();
    await timesOnOneLine('manual group');
    await screenshot('11-manual-group');
    const stored = (await admin('GET', `/api/groups/${ids.auditors}`)) as { name?: string; members?: { userId: string }[] };
    expect(stored.name).toBe('Auditors EU');
    expect(stored.members?.map((m) => m.userId)).toEqual([ids.ana]);

    // --- a member page: role change, and the lock-out where the admin API allows it
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await heading('Members');
    await page.getByRole('link', { name: 'Bob Stone' }).click();
    await heading('Bob Stone');
    const manage = page.getByTestId('member-manage');
    expect(await manage.innerText()).toMatch(/name and email come from Okta; their organization role and a lock-out are decided here/);
    await page.getByLabel('Organization role', { exact: true }).selectOption('ADMIN');
    await page.getByRole('button', { name: 'Change role' }).click();
    await page.locator('#announcer', { hasText: 'Bob Stone is now ADMIN.' }).waitFor();
    await page.locator('dl.facts dd', { hasText: /^ADMIN$/ }).waitFor();
    // Bob is now the only admin: the bridge refuses to lock him out, and the page says why.
    await page.getByRole('button', { name: 'Disable Bob Stone' }).click();
    await manage.locator('.error', { hasText: /last active admin.*cannot_disable_last_admin/ }).waitFor();
    await screenshot('12-member-manage');

    // Carla (Entra): disabled by an admin here, then enabled again.
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await heading('Members');
    await page.getByRole('link', { name: 'Carla Diaz' }).click();
    await heading('Carla Diaz');
    await page.getByRole('button', { name: 'Disable Carla Diaz' }).click();
    await page.locator('dl.facts dd', { hasText: 'disabled by an admin' }).waitFor();
    expect(((await admin('GET', `/api/organization/members/${ids.carla}`)) as { status?: string }).status).toBe('disabled');
    await page.getByRole('button', { name: 'Enable Carla Diaz' }).click();
    await page.locator('dl.facts dd', { hasText: /^active/ }).waitFor();
    expect(((await admin('GET', `/api/organization/members/${ids.carla}`)) as { status?: string }).status).toBe('active');

    // Dan was deactivated by Okta: no Enable here, and the page says where to reactivate him.
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await heading('Members');
    await page.getByRole('link', { name: 'Dan Ford' }).click();
    await heading('Dan Ford');
    expect(await page.getByTestId('idp-disabled').innerText()).toMatch(/Deactivated in Okta: reactivate them there/);
    expect(await page.getByRole('button', { name: /^(Enable|Disable) Dan Ford$/ }).count()).toBe(0);
    // Waiting on a delivery: said on the member's page too.
    expect(await page.getByTestId('pending-notice').innerText()).toMatch(/Dan Ford is waiting on a delivery to the application/);
    await screenshot('13-member-idp-disabled');

    // --- deliveries: Drop beside every Retry, and dropping one
    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    await heading('Deliveries');
    const retries = await page.getByRole('button', { name: /^Retry / }).count();
    expect(retries).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: /^Drop / }).count()).toBe(retries);
    const finance = page.locator(`main tr[data-entity="group:${ids.finance}"]`);
    const dropped = page.waitForResponse(
      (r) => r.url().endsWith(`/api/deliveries/group/${ids.finance}`) && r.request().method() === 'DELETE',
    );
    await finance.getByRole('button', { name: 'Drop group Finance' }).click();
    expect((await dropped).status()).toBe(204);
    await page.locator('#announcer', { hasText: 'Dropped: group Finance.' }).waitFor();
    await finance.waitFor({ state: 'detached' });
    await settled();

    // The dropped group no longer shows as waiting; the others still do.
    await page.getByRole('link', { name: 'Groups', exact: true }).click();
    await heading('Groups');
    const groupRow = (name: string) => page.locator('main tbody tr', { has: page.getByRole('link', { name, exact: true }) });
    expect(await groupRow('Finance').locator('[data-pending]').count()).toBe(0);
    expect(await groupRow('Engineering').locator('[data-pending]').count()).toBe(1);
    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    await heading('Deliveries');

    // Reconcile everything starts a pass, whose progress the page shows.
    const reconcile = page.waitForResponse((r) => r.url().endsWith('/api/deliveries/reconcile'));
    await page.getByRole('button', { name: 'Reconcile everything' }).click();
    expect((await reconcile).status()).toBe(202);
    await settled();
    await page.locator('main dd[data-reconcile]').waitFor();

    // The recent calls page 25 at a time and fit their box, however long a path or an error
    // (60 calls more than the target made, one with a long path and detail, added to the answer).
    await page.route('**/api/deliveries?*', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { recent: Record<string, unknown>[] };
      const long = 'x'.repeat(180);
      const extra = Array.from({ length: 60 }, (_, i) => ({
        id: 100_000 + i,
        organizationId: 'default',
        entityType: 'member',
        entityId: ids.bob,
        label: 'bob.stone@example.com',
        method: 'PATCH',
        path: i === 0 ? `/api/scim/v2/Users/${long}` : `/api/scim/v2/Users/${ids.bob}`,
        status: 503,
        outcome: 'retry',
        detail: i === 0 ? `upstream said: ${long} ${long}` : 'Service Unavailable',
        startedAt: new Date(Date.UTC(2024, 4, 1, 12, 0, i)).toISOString(),
        durationMs: 12,
      }));
      await route.fulfill({ response: res, json: { ...body, recent: [...extra, ...body.recent] } });
    });
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await heading('Health');
    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    await heading('Deliveries');
    const calls = page.locator('[data-paged="recent calls"]');
    const total = await calls.locator('tbody tr').count();
    expect(total).toBe(25);
    const status = calls.locator('.pager [aria-live]');
    expect(await status.innerText()).toMatch(/^1–25 of (6\d|[7-9]\d|\d{3})$/);
    const wrap = calls.locator('.table-wrap');
    const fits = () => wrap.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(await fits(), 'the recent calls fit their box at 1280 px').toBeLessThanOrEqual(1);
    expect(await pageOverflow()).toBeLessThanOrEqual(0);
    await timesOnOneLine('deliveries');
    await screenshot('14-deliveries-paged');
    await calls.getByRole('button', { name: 'Next page of recent calls' }).click();
    expect(await status.innerText()).toMatch(/^26–50 of /);
    expect(await calls.getByRole('button', { name: 'Previous page of recent calls' }).isEnabled()).toBe(true);
    await calls.getByRole('button', { name: 'Previous page of recent calls' }).click();
    expect(await status.innerText()).toMatch(/^1–25 of /);
    // In a narrow window the table scrolls inside its box; the page itself never scrolls sideways.
    await page.setViewportSize({ width: 720, height: 860 });
    expect(await pageOverflow()).toBeLessThanOrEqual(0);
    await timesOnOneLine('deliveries, narrow');
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.unroute('**/api/deliveries?*');

    // --- the sync log tells admin changes apart from IdP traffic, with the key that made them
    await page.goto(`${server.baseUrl}/admin#/log?kind=admin`);
    await heading('Sync log');
    await page.locator('main tbody tr').first().waitFor();
    expect(await page.getByLabel('Made by').inputValue()).toBe('admin');
    const adminRows = await page.locator('main tbody').innerText();
    expect(adminRows).not.toMatch(/\bokta\b|\bazure-ad\b/);
    const rename = page.locator('main tbody tr', { hasText: 'group.rename' });
    expect(await rename.innerText()).toMatch(/admin\s.*via the console[\s\S]*Group Auditors EU[\s\S]*name: Auditors EU/);
    // The refused lock-out of the last admin is there too, with what the admin was told.
    await page.locator('main tbody tr', { hasText: 'member.update' }).filter({ hasText: 'failed' }).first().locator('a').first().click();
    await heading(/^Admin: member\.update Member Bob Stone \(entry \d+\)$/);
    expect(await page.getByTestId('entry-detail').innerText()).toMatch(/last active admin.*\(cannot_disable_last_admin\)/);
    await screenshot('15-admin-log-entry');

    // The sync log's time column does not wrap either.
    await page.getByRole('link', { name: 'Sync log', exact: true }).click();
    await heading('Sync log');
    await page.locator('main tbody tr').first().waitFor();
    const times = await page
      .locator('main tbody tr td:first-child')
      .evaluateAll((tds) => tds.map((td) => td.getClientRects().length && (td.firstElementChild?.getClientRects().length ?? 0)));
    expect(
      times.every((n) => n === 1),
      `lines per sync-log time: ${times.join(',')}`,
    ).toBe(true);

    expect(problems, problems.join('\n')).toEqual([]);
  }, 180_000);
});
