/**
 * The admin console (/admin): its session endpoints and cookie in process, then the real server
 * driven end to end by headless Chromium (Debian's chromium package through playwright-core),
 * with a screenshot of every page.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from '../setup/chromium.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_HTML } from '../../src/console/assets/page.js';
import { CONSOLE_JS } from '../../src/console/assets/script.js';
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
    h.request('POST', '/admin/session', { token: null, rawBody: JSON.stringify({ key }), headers: { ...CONSOLE, ...JSON_BODY, ...headers } });
  const cookieOf = (setCookie: string | null) => setCookie!.split(';')[0]!;

  it('refuses an unknown key with 401 and sets no cookie', async () => {
    const res = await signIn('not-a-key-0123456789abcdef');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a missing key and a body that is not JSON with 400', async () => {
    expect((await h.request('POST', '/admin/session', { token: null, rawBody: '{}', headers: { ...CONSOLE, ...JSON_BODY } })).status).toBe(400);
    expect((await h.request('POST', '/admin/session', { token: null, rawBody: '{nope', headers: { ...CONSOLE, ...JSON_BODY } })).status).toBe(400);
  });

  it('refuses a sign-in without the console header (CSRF) with 403', async () => {
    const res = await h.request('POST', '/admin/session', { token: null, rawBody: JSON.stringify({ key: TEST_ADMIN_KEY }), headers: JSON_BODY });
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
    expect((await h.request('GET', '/api/groups', { token: null, headers: { cookie, 'X-Requested-With': 'XMLHttpRequest' } })).status).toBe(401);
    const ok = await h.request('GET', '/api/groups', { token: null, headers: { cookie, ...CONSOLE } });
    expect(ok.status, ok.text).toBe(200);
    // Writes too.
    const made = await h.request('POST', '/api/groups', { token: null, body: { name: 'From the console' }, headers: { cookie, ...CONSOLE, ...JSON_BODY } });
    expect(made.status, made.text).toBe(201);
    // A made-up session id is nothing.
    const forged = await h.request('GET', '/api/groups', { token: null, headers: { cookie: 'scim_bridge_console=forged', ...CONSOLE } });
    expect(forged.status).toBe(401);
    // A bearer key still works as before, and wins over the cookie.
    expect((await h.request('GET', '/api/groups', { token: TEST_ADMIN_KEY })).status).toBe(200);
    expect((await h.request('GET', '/api/groups', { token: 'wrong-key-0123456789abcdef', headers: { cookie, ...CONSOLE } })).status).toBe(401);
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
    const write = await h.request('POST', '/api/groups', { token: null, body: { name: 'Nope' }, headers: { cookie, ...CONSOLE, ...JSON_BODY } });
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
    expect(CONSOLE_JS).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(CONSOLE_JS).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(CONSOLE_JS).not.toMatch(/localStorage|sessionStorage|document\.cookie/);
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

describe('admin console end to end (headless Chromium)', () => {
  let server: StartedServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let shotsDir: string;
  const problems: string[] = [];
  const ids = { ana: '', bob: '', carla: '', engineering: '', finance: '', auditors: '' };

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
    // test/setup/chromium.ts (vitest globalSetup) installed Chromium before any test ran.
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
    // Ana is pushed by both IdPs (a move from Okta to Entra in progress).
    await scim(azure, 'POST', '/Users', user('ana.lima@example.com', 'Ana', 'Lima'));
    ids.engineering = (await scim(okta, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [{ value: ids.bob }] })).id!;
    ids.finance = (await scim(azure, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Finance', members: [{ value: ids.carla }] })).id!;
    // Okta adds Ana to Engineering later, and changes her title.
    await scim(okta, 'PATCH', `/Groups/${ids.engineering}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ids.ana }] }],
    });
    await scim(okta, 'PATCH', `/Users/${ids.ana}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Staff Engineer' }] });
    // The admin gives Engineering ADMIN on team-x, and makes a manual group.
    await admin('POST', `/api/groups/${ids.engineering}/bindings`, { role: 'ADMIN', scopeType: 'TEAM', scopeId: 'team-x' });
    ids.auditors = (await admin('POST', '/api/groups', { name: 'Auditors', memberIds: [ids.carla] })).id!;
    await admin('POST', `/api/groups/${ids.auditors}/bindings`, { role: 'VIEWER', scopeType: 'TEAM', scopeId: 'team-x' });

    userDataDir = await mkdtemp(join(tmpdir(), 'scim-console-chromium-'));
    shotsDir = process.env.CONSOLE_SCREENSHOT_DIR ?? (await mkdtemp(join(tmpdir(), 'scim-console-shots-')));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
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
  }, 20 * 60_000);

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
    await screenshot('04-groups');

    // a locked group: the explanation, and bindings still editable
    await page.getByRole('link', { name: 'Engineering', exact: true }).click();
    await heading('Engineering');
    expect(await page.getByTestId('lock-notice').innerText()).toMatch(/Managed by Okta.*bindings below stay editable/s);
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
    expect(anaText).toMatch(/Ana Lima\s+ana\.lima@example\.com\s+MEMBER\s+active\s+/);
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
});
