/**
 * The admin console at /admin: one HTML page, one script (src/console/client/, bundled in memory
 * by src/console/bundle.ts) and one style sheet, all served from here, so nothing is fetched
 * from anywhere else, with strict security headers; and the session endpoints that trade an
 * admin key for an HttpOnly, SameSite=Strict cookie (src/console/sessions.ts).
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../api/env.js';
import { AccessError } from '../directory/access/errors.js';
import { authenticateAdminKey } from '../store/admin-keys.repo.js';
import { CONSOLE_HTML } from './assets/page.js';
import { CONSOLE_CSS } from './assets/styles.js';
import { consoleScript } from './bundle.js';
import { CONSOLE_HEADER, CONSOLE_HEADER_VALUE, SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionIdOf, sessionStore } from './sessions.js';
import { recordRefusedAuthentication } from '../api/refused-auth.js';

export const CONSOLE_PATH = '/admin';

/** Only this origin's script and styles, no inline code, no framing, no plug-ins, no form posts elsewhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cache-Control': 'no-store',
};

/** The request arrived over HTTPS: directly, through a proxy that says so, or PUBLIC_URL is https. */
function isHttps(c: Context<AppEnv>): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https') return true;
  return c.get('deps').config.PUBLIC_URL?.startsWith('https:') ?? false;
}

const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  if (isHttps(c)) c.res.headers.set('Strict-Transport-Security', 'max-age=31536000');
};

/**
 * The session endpoints change state, so besides SameSite=Strict they need the console's own
 * header: a cross-site page can only send it after a CORS preflight, which nothing here answers.
 */
const consoleOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.header(CONSOLE_HEADER) !== CONSOLE_HEADER_VALUE) {
    throw new AccessError('forbidden', `The console's requests carry ${CONSOLE_HEADER}: ${CONSOLE_HEADER_VALUE}.`);
  }
  await next();
};

const MAX_SESSION_BODY_BYTES = 4096;

const asset = (body: string, type: string) => (c: Context<AppEnv>) => c.body(body, 200, { 'Content-Type': type });

export function consoleRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(CONSOLE_PATH, securityHeaders);
  app.use(`${CONSOLE_PATH}/*`, securityHeaders);

  app.get(CONSOLE_PATH, asset(CONSOLE_HTML, 'text/html; charset=utf-8'));
  // A build failure is a bug of this code: it reaches app.onError (a 500, the cause in the log).
  app.get(`${CONSOLE_PATH}/console.js`, async (c) =>
    c.body(await consoleScript(), 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  );
  app.get(`${CONSOLE_PATH}/console.css`, asset(CONSOLE_CSS, 'text/css; charset=utf-8'));

  /** Who the session is: 200 with the organization, scopes and expiry, or 401. */
  app.get(`${CONSOLE_PATH}/session`, consoleOnly, (c) => {
    const id = sessionIdOf(c);
    const store = sessionStore(c.get('deps').db);
    const session = id ? store.touch(id) : null;
    if (!session) throw new AccessError('unauthorized', 'Not signed in.');
    return c.json({
      organizationId: session.organizationId,
      scopes: session.scopes,
      expiresAt: new Date(store.expiresAt(session)).toISOString(),
    });
  });

  /** Sign in: `{key}` → a session cookie. The key itself is never stored or sent back. */
  app.post(
    `${CONSOLE_PATH}/session`,
    consoleOnly,
    bodyLimit({
      maxSize: MAX_SESSION_BODY_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: `The request body exceeds ${MAX_SESSION_BODY_BYTES} bytes.` });
      },
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        throw new AccessError('invalid_request', 'body: is not valid JSON.');
      }
      const key = (body as { key?: unknown } | null)?.key;
      if (typeof key !== 'string' || key.trim() === '') throw new AccessError('invalid_request', 'key: is required');
      const db = c.get('deps').db;
      const found = authenticateAdminKey(db, key.trim());
      if (!found) {
        const message = 'The admin key is not valid: it is unknown or has been revoked.';
        // A failed sign-in is a refused authentication like any other: in the sync log, with the address.
        recordRefusedAuthentication(c, 'admin', message);
        throw new AccessError('unauthorized', message);
      }

      const store = sessionStore(db);
      // A sign-in replaces the session the browser had.
      const previous = sessionIdOf(c);
      if (previous) store.delete(previous);
      const id = store.create(found);
      const secure = isHttps(c);
      setCookie(c, secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, id, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure,
      });
      const session = store.touch(id)!;
      return c.json(
        { organizationId: found.organizationId, scopes: found.scopes, expiresAt: new Date(store.expiresAt(session)).toISOString() },
        200,
      );
    },
  );

  /** Sign out: the session ends on the server and the cookie is cleared. */
  app.post(`${CONSOLE_PATH}/logout`, consoleOnly, (c) => {
    const id = sessionIdOf(c);
    if (id) sessionStore(c.get('deps').db).delete(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict' });
    if (isHttps(c)) deleteCookie(c, SECURE_SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: true });
    return c.body(null, 204);
  });

  return app;
}
