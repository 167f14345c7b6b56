import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { loadConfig, type Config } from '../../src/config.js';
import { migrate, openDb, type Db } from '../../src/store/db.js';

export interface HarnessResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  /** The bearer token; defaults to the okta connection's, null sends none. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface Harness {
  db: Db;
  config: Config;
  tokens: { okta: string; azure: string };
  request(method: string, path: string, opts?: RequestOptions): Promise<HarnessResponse>;
  close(): void;
}

export const TEST_TOKENS = {
  okta: 'okta-test-token-0123456789abcdef',
  azure: 'azure-test-token-0123456789abcdef',
};
export const TEST_ADMIN_KEY = 'admin-test-key-0123456789abcdef';

/**
 * A fresh bridge on an in-memory database with the real migrations, two connections (okta and
 * azure-ad) and an admin key, answering requests in process through app.request.
 */
// Async although nothing in it waits today: every test awaits it, so a set-up step that must
// wait can be added here without touching them.
// eslint-disable-next-line @typescript-eslint/require-await
export async function createHarness(env: Record<string, string> = {}): Promise<Harness> {
  const config = loadConfig({
    BRIDGE_CONNECTIONS: `okta:${TEST_TOKENS.okta},azure-ad:${TEST_TOKENS.azure}`,
    BRIDGE_ADMIN_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const db = openDb(':memory:');
  migrate(db);
  bootstrap(db, config);
  const app = createApp({ db, config, logger: pino({ level: 'silent' }) });

  async function request(method: string, path: string, opts: RequestOptions = {}): Promise<HarnessResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? TEST_TOKENS.okta : opts.token;
    if (token !== null && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      headers.Authorization = `Bearer ${token}`;
    }
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['Content-Type'] = 'application/scim+json';
      }
    }
    const res = await app.request(`http://localhost${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  return { db, config, tokens: TEST_TOKENS, request, close: () => db.close() };
}
