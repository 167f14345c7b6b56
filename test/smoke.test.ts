/**
 * The one real-socket test of our own: start the server as `npm start` would, speak HTTP to it,
 * stop it. Everything protocol-level is tested in process; this proves the process boots, binds,
 * authenticates and answers SCIM with the right media type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from './helpers/server.js';

const SCIM_JSON = 'application/scim+json';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('smoke: the real server over HTTP', () => {
  let server: StartedServer;
  let scim: string;

  beforeAll(async () => {
    server = await startServer();
    scim = `${server.baseUrl}/scim/v2`;
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** Adds the server's own output to a failure, since it runs in another process. */
  const withOutput = (what: string) => `${what}\n--- server output ---\n${server.output()}`;

  it('answers GET /healthz with 200 {"status":"ok"} without authentication', async () => {
    const res = await fetch(`${server.baseUrl}/healthz`);
    expect(res.status, withOutput('healthz status')).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('refuses a SCIM request without a token with 401 and a SCIM error', async () => {
    const res = await fetch(`${scim}/Users`);
    expect(res.status, withOutput('status without token')).toBe(401);
    expect(res.headers.get('content-type') ?? '').toContain(SCIM_JSON);
    const body = (await res.json()) as { schemas?: unknown; status?: unknown; detail?: unknown };
    expect(body.schemas).toContain(ERROR_SCHEMA);
    expect(String(body.status)).toBe('401');
  });

  it('refuses a wrong token with 401', async () => {
    const res = await fetch(`${scim}/Users`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(res.status, withOutput('status with a wrong token')).toBe(401);
    await res.arrayBuffer();
  });

  it('creates a user with POST /Users and reads it back with GET, as application/scim+json', async () => {
    const auth = { authorization: `Bearer ${server.tokens.okta}` };
    const created = await fetch(`${scim}/Users`, {
      method: 'POST',
      headers: { ...auth, 'content-type': `${SCIM_JSON}; charset=utf-8` },
      body: JSON.stringify({
        schemas: [USER_SCHEMA],
        userName: 'smoke.user@example.com',
        name: { givenName: 'Smoke', familyName: 'User' },
        emails: [{ primary: true, type: 'work', value: 'smoke.user@example.com' }],
        active: true,
      }),
    });
    const createdText = await created.text();
    expect(created.status, withOutput(`POST /Users answered ${created.status}: ${createdText}`)).toBe(201);
    expect(created.headers.get('content-type') ?? '').toContain(SCIM_JSON);
    const user = JSON.parse(createdText) as { id?: unknown; userName?: unknown; schemas?: unknown };
    expect(typeof user.id).toBe('string');
    expect(user.userName).toBe('smoke.user@example.com');
    expect(user.schemas).toContain(USER_SCHEMA);

    const fetched = await fetch(`${scim}/Users/${String(user.id)}`, { headers: auth });
    const fetchedText = await fetched.text();
    expect(fetched.status, withOutput(`GET /Users/{id} answered ${fetched.status}: ${fetchedText}`)).toBe(200);
    expect(fetched.headers.get('content-type') ?? '').toContain(SCIM_JSON);
    expect(JSON.parse(fetchedText)).toMatchObject({
      id: user.id,
      userName: 'smoke.user@example.com',
      name: { givenName: 'Smoke', familyName: 'User' },
      active: true,
    });
  });

  it("keeps each connection's namespace separate: the other token gets 404", async () => {
    const created = await fetch(`${scim}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.tokens.okta}`, 'content-type': SCIM_JSON },
      body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'okta.only@example.com', active: true }),
    });
    const text = await created.text();
    expect(created.status, withOutput(`POST /Users answered ${created.status}: ${text}`)).toBe(201);
    const { id } = JSON.parse(text) as { id: string };
    const other = await fetch(`${scim}/Users/${id}`, {
      headers: { authorization: `Bearer ${server.tokens.azure}` },
    });
    await other.arrayBuffer();
    expect(other.status).toBe(404);
  });
});
