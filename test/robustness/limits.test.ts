/**
 * Limits: advertised in /ServiceProviderConfig where SCIM has a field and enforced (body size,
 * filter length and depth, count, Bulk); the per-connection rate limit (429 + Retry-After);
 * slow-request timeouts on the real server; CORS closed by default.
 */
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/app.js';
import { BULK_LIMITS } from '../../src/api/scim/bulk.routes.js';
import { MAX_COUNT } from '../../src/directory/query.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from '../../src/scim/filter.js';
import { MAX_VALUE_CHARS } from '../../src/scim/normalize.js';
import { createHarness, TEST_ADMIN_KEY, type Harness, type HarnessResponse } from '../helpers/harness.js';
import { startServer, type StartedServer } from '../helpers/server.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

function expectScimError(res: HarnessResponse, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/scim+json');
  expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
}

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

describe('the existing limits, advertised and enforced', () => {
  it('advertises maxResults and Bulk limits and enforces them with body size, filter length and depth', async () => {
    h = await createHarness();
    const spc = await h.request('GET', '/scim/v2/ServiceProviderConfig', { token: null });
    expect(spc.body.filter).toEqual({ supported: true, maxResults: MAX_COUNT });
    expect(spc.body.bulk).toEqual({
      supported: true,
      maxOperations: BULK_LIMITS.maxOperations,
      maxPayloadSize: BULK_LIMITS.maxPayloadSize,
    });

    // count is capped at maxResults
    const big = await h.request('GET', `/scim/v2/Users?count=${MAX_COUNT * 10}`);
    expect(big.status).toBe(200);
    expect(big.body.itemsPerPage).toBeLessThanOrEqual(MAX_COUNT);

    // filter length and nesting depth
    const long = `userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`;
    const tooLong = await h.request('GET', '/scim/v2/Users?filter=' + encodeURIComponent(long));
    expectScimError(tooLong, 400);
    expect(tooLong.body.scimType).toBe('invalidFilter');
    const deep = '('.repeat(MAX_FILTER_DEPTH + 1) + 'userName eq "a"' + ')'.repeat(MAX_FILTER_DEPTH + 1);
    const tooDeep = await h.request('GET', '/scim/v2/Users?filter=' + encodeURIComponent(deep));
    expectScimError(tooDeep, 400);
    expect(tooDeep.body.scimType).toBe('invalidFilter');
    const okDepth = '('.repeat(4) + 'userName eq "a"' + ')'.repeat(4);
    expect((await h.request('GET', '/scim/v2/Users?filter=' + encodeURIComponent(okDepth))).status).toBe(200);

    // Bulk: operations and payload size
    const ops = Array.from({ length: BULK_LIMITS.maxOperations + 1 }, (_, i) => ({ method: 'DELETE', path: `/Users/${i}` }));
    expectScimError(await h.request('POST', '/scim/v2/Bulk', { body: { schemas: [BULK], Operations: ops } }), 413);
    const fat = {
      schemas: [BULK],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'x'.repeat(BULK_LIMITS.maxPayloadSize) } }],
    };
    expectScimError(await h.request('POST', '/scim/v2/Bulk', { body: fat }), 413);

    // the request body limit of every SCIM endpoint
    const huge = JSON.stringify({ userName: 'y'.repeat(MAX_BODY_BYTES) });
    expectScimError(
      await h.request('POST', '/scim/v2/Users', { rawBody: huge, headers: { 'Content-Type': 'application/scim+json' } }),
      413,
    );
    expect((await h.request('GET', '/scim/v2/Users')).body.totalResults).toBe(0);
  });
});

describe('the length of one attribute value', () => {
  it('accepts a value of MAX_VALUE_CHARS and refuses a longer one on POST, PUT and PATCH with 400 invalidValue, storing nothing', async () => {
    h = await createHarness();
    const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const email = (n: number) => `${'a'.repeat(n - '@example.com'.length)}@example.com`;
    const longest = await h.request('POST', '/scim/v2/Users', {
      body: { schemas: [USER], userName: 'longest', emails: [{ value: email(MAX_VALUE_CHARS) }] },
    });
    expect(longest.status).toBe(201);
    expect(longest.body.emails[0].value).toHaveLength(MAX_VALUE_CHARS);

    const tooLong = await h.request('POST', '/scim/v2/Users', {
      body: { schemas: [USER], userName: 'too-long', emails: [{ value: email(MAX_VALUE_CHARS + 1) }] },
    });
    expectScimError(tooLong, 400);
    expect(tooLong.body.scimType).toBe('invalidValue');
    expect(tooLong.body.detail).toContain(`at most ${MAX_VALUE_CHARS}`);
    const userName = await h.request('POST', '/scim/v2/Users', { body: { schemas: [USER], userName: 'u'.repeat(MAX_VALUE_CHARS + 1) } });
    expectScimError(userName, 400);

    const id = longest.body.id as string;
    const put = await h.request('PUT', `/scim/v2/Users/${id}`, {
      body: { schemas: [USER], userName: 'longest', title: 't'.repeat(MAX_VALUE_CHARS + 1) },
    });
    expectScimError(put, 400);
    const patch = await h.request('PATCH', `/scim/v2/Users/${id}`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'd'.repeat(MAX_VALUE_CHARS + 1) }],
      },
    });
    expectScimError(patch, 400);
    const after = await h.request('GET', `/scim/v2/Users/${id}`);
    expect(after.body.title).toBeUndefined();
    expect(after.body.displayName).toBeUndefined();
    const list = await h.request('GET', '/scim/v2/Users');
    expect(list.body.totalResults).toBe(1);
  });
});

describe('the per-connection rate limit', () => {
  it('lets a burst through, then answers 429 with an integer Retry-After and a SCIM error; another connection is unaffected; it refills', async () => {
    h = await createHarness({ SCIM_RATE_LIMIT_PER_SECOND: '5', SCIM_RATE_LIMIT_BURST: '10' });
    for (let i = 0; i < 10; i++) expect((await h.request('GET', '/scim/v2/Users?count=1')).status).toBe(200);
    const limited = await h.request('GET', '/scim/v2/Users?count=1');
    expectScimError(limited, 429);
    const retryAfter = limited.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Writes are limited the same way, and a limited write changes nothing.
    expectScimError(await h.request('POST', '/scim/v2/Users', { body: { userName: 'limited@example.com' } }), 429);

    // The other connection (azure-ad) has its own bucket.
    const other = await h.request('GET', '/scim/v2/Users?count=1', { token: h.tokens.azure });
    expect(other.status).toBe(200);

    // Discovery and unauthenticated requests are not counted against the connection.
    expect((await h.request('GET', '/scim/v2/ServiceProviderConfig', { token: null })).status).toBe(200);

    // 5 per second: after 400 ms at least one token is back.
    await new Promise((r) => setTimeout(r, 400));
    expect((await h.request('GET', '/scim/v2/Users?count=1')).status).toBe(200);
  });

  it('defaults well above Entra (25 per second) and Okta: 200 requests at once all pass', async () => {
    h = await createHarness();
    expect(h.config.SCIM_RATE_LIMIT_BURST).toBe(200);
    expect(h.config.SCIM_RATE_LIMIT_PER_SECOND).toBe(100);
    const results = await Promise.all(Array.from({ length: 200 }, () => h!.request('GET', '/scim/v2/Users?count=1')));
    expect(results.every((r) => r.status === 200)).toBe(true);
  });

  it('is turned off by SCIM_RATE_LIMIT_PER_SECOND=0', async () => {
    h = await createHarness({ SCIM_RATE_LIMIT_PER_SECOND: '0', SCIM_RATE_LIMIT_BURST: '1' });
    for (let i = 0; i < 5; i++) expect((await h.request('GET', '/scim/v2/Users?count=1')).status).toBe(200);
  });
});

describe('CORS is closed by default', () => {
  it('a preflight with an Origin gets no Access-Control-Allow-Origin, and no SCIM or admin answer carries it', async () => {
    h = await createHarness();
    const origin = { Origin: 'https://evil.example.com' };
    for (const path of ['/scim/v2/Users', '/api/groups']) {
      const pre = await h.request('OPTIONS', path, {
        token: null,
        headers: { ...origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
      });
      expect(pre.status).toBeGreaterThanOrEqual(400);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const answers = [
      await h.request('GET', '/scim/v2/Users', { headers: origin }),
      await h.request('POST', '/scim/v2/Users', { headers: origin, body: { userName: 'cors@example.com' } }),
      await h.request('GET', '/scim/v2/Users', { headers: origin, token: null }),
      await h.request('GET', '/scim/v2/ServiceProviderConfig', { headers: origin, token: null }),
      await h.request('GET', '/api/groups', { headers: { ...origin, Authorization: `Bearer ${TEST_ADMIN_KEY}` } }),
      await h.request('GET', '/api/groups', { headers: origin, token: null }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 201, 401, 200, 200, 401]);
    for (const a of answers) expect(a.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('slow clients on the real server', () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer({ env: { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Sends a request's headers one byte every `gapMs`; resolves when the server closes the socket. */
  function slowloris(gapMs: number, limitMs: number): Promise<{ closedAfterMs: number; received: string; sent: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = connect(server.port, '127.0.0.1');
      const head = `GET /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.tokens.okta}\r\nX-Padding: ${'a'.repeat(200)}\r\n`;
      let sent = 0;
      let received = '';
      const timer = setInterval(() => {
        if (sent < head.length && !socket.destroyed) socket.write(head[sent++]!);
      }, gapMs);
      const guard = setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error(`the server kept a slow client open for ${limitMs} ms`));
      }, limitMs);
      socket.on('data', (d) => (received += d.toString('utf8')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        clearTimeout(guard);
        resolve({ closedAfterMs: Date.now() - started, received, sent });
      });
    });
  }

  it('closes a connection whose headers trickle in (slowloris) within the headers timeout', async () => {
    const { closedAfterMs, received, sent } = await slowloris(50, 8_000);
    expect(sent).toBeLessThan(300); // never finished the headers
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(5_000);
    // Node answers 408 (or just closes): either way no request reached the app.
    if (received) expect(received).toMatch(/^HTTP\/1\.1 408/);
    // and the server still answers others
    const ok = await fetch(`${server.baseUrl}/scim/v2/Users?count=1`, { headers: { Authorization: `Bearer ${server.tokens.okta}` } });
    expect(ok.status).toBe(200);
  });

  it('refuses a body over the limit by its Content-Length, and a chunked one while it streams, with 413', async () => {
    const headers = { Authorization: `Bearer ${server.tokens.okta}`, 'Content-Type': 'application/scim+json' };
    const huge = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'y'.repeat(MAX_BODY_BYTES) });
    const declared = await fetch(`${server.baseUrl}/scim/v2/Users`, { method: 'POST', headers, body: huge });
    expect(declared.status).toBe(413);
    expect((await declared.json()).status).toBe('413');
    // A ReadableStream body goes out chunked, with no Content-Length to judge by.
    const chunks = [huge.slice(0, 1 << 20), huge.slice(1 << 20)];
    const stream = new ReadableStream({
      pull: (ctl) => (chunks.length ? ctl.enqueue(new TextEncoder().encode(chunks.shift())) : ctl.close()),
    });
    const chunked = await fetch(`${server.baseUrl}/scim/v2/Users`, {
      method: 'POST',
      headers,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    // A chunked body under the limit is read as usual.
    const small = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'chunked@example.com' });
    const okStream = new ReadableStream({ start: (ctl) => (ctl.enqueue(new TextEncoder().encode(small)), ctl.close()) });
    const created = await fetch(`${server.baseUrl}/scim/v2/Users`, {
      method: 'POST',
      headers,
      body: okStream,
      duplex: 'half',
    } as RequestInit);
    expect(created.status).toBe(201);
    expect((await created.json()).userName).toBe('chunked@example.com');
  });

  it('closes a connection whose body never finishes within the request timeout', async () => {
    const started = Date.now();
    const closed = await new Promise<number>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('connect', () =>
        socket.write(
          `POST /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.tokens.okta}\r\nContent-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n{"userName":`,
        ),
      );
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      const guard = setTimeout(() => {
        socket.destroy();
        reject(new Error('the server kept a stalled body open'));
      }, 10_000);
      socket.on('close', () => {
        clearTimeout(guard);
        resolve(Date.now() - started);
      });
    });
    expect(closed).toBeLessThan(6_000);
  });
});
