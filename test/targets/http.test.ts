import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TargetError } from '../../src/targets/errors.js';
import type { CallRecord } from '../../src/sync/port.js';
import { TargetHttp, describeIssue, parseRetryAfter } from '../../src/targets/http.js';

const KEY = 'sk-lw-secret-key-0123456789';
let url = '';
const json = (status: number, body: unknown) => [status, { 'Content-Type': 'application/json' }, JSON.stringify(body)] as const;
const ROUTES: Record<string, readonly [number, Record<string, string>, string]> = {
  '/echo-key': json(400, { code: 'bad', message: `your key ${KEY} is wrong` }),
  '/busy': [429, { 'Retry-After': '7' }, ''],
  '/down': [503, { 'Content-Type': 'text/html' }, '<html>bad gateway</html>'],
  '/plan': json(402, { error: 'enterprise_plan_required', message: 'upgrade' }),
  '/members': json(200, {
    members: [{ user: { email: 'a@x' } }, { user: { email: 'b@x' } }, { user: { email: 'c@x' } }, { user: { email: 7 } }],
  }),
  '/html': [200, { 'Content-Type': 'text/html' }, '<html>login</html>'],
  '/gone': json(404, { error: 'group_not_found', message: 'Group not found' }),
};
const server = createServer((req, res) => {
  const [status, headers, body] = ROUTES[(req.url ?? '').split('?')[0]!] ?? json(500, {});
  res.writeHead(status, headers);
  res.end(body);
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (onCall?: (c: CallRecord) => void) =>
  new TargetHttp(url, { Authorization: `Bearer ${KEY}` }, { vendor: 'LangWatch', onCall });

describe('TargetHttp', () => {
  it('classifies failures: 429 waits for Retry-After, 5xx retries, 402 is permanent with the reason', async () => {
    const http = client();
    await expect(http.request('GET', '/busy')).rejects.toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
    await expect(http.request('GET', '/down')).rejects.toMatchObject({ retryable: true, status: 503 });
    const plan = await http.request('GET', '/plan').catch((e: TargetError) => e);
    expect(plan).toMatchObject({ retryable: false, status: 402, code: 'enterprise_plan_required' });
    expect((plan as Error).message).toBe('LangWatch GET /plan: 402 enterprise_plan_required: upgrade');
  });

  it('returns an expected refusal with its code instead of throwing', async () => {
    const res = await client().request('DELETE', '/gone', { expect: [404] });
    expect(res).toMatchObject({ ok: false, status: 404, code: 'group_not_found', message: 'Group not found' });
  });

  it('parks an answer of the wrong shape naming the call and the field, never a TypeError', async () => {
    const schema = z.object({ members: z.array(z.object({ user: z.object({ email: z.string().nullable() }) })) });
    const err = await client()
      .json('GET', '/members?limit=200', schema)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect(err).toMatchObject({ retryable: false, status: 200, code: 'unexpected_answer' });
    expect((err as Error).message).toBe(
      'LangWatch GET /members: 200: unexpected answer: members[3].user.email: expected string, received number',
    );
    const html = await client()
      .json('GET', '/html', schema)
      .catch((e: Error) => e);
    expect((html as Error).message).toMatch(/^LangWatch GET \/html: 200: unexpected answer: the answer is not JSON/);
  });

  it('reads a well-shaped answer through its schema', async () => {
    const schema = z.object({ members: z.array(z.object({ user: z.object({ email: z.unknown() }) })) });
    const body = await client().json('GET', '/members', schema);
    expect(body.members).toHaveLength(4);
  });

  it('never records or throws the API key, even when the application echoes it', async () => {
    const calls: CallRecord[] = [];
    const err = await client((c) => calls.push(c))
      .request('GET', '/echo-key')
      .catch((e: Error) => e);
    expect((err as Error).message).not.toContain(KEY);
    expect((err as Error).message).toContain('[redacted]');
    expect(JSON.stringify(calls)).not.toContain(KEY);
    // A second credential added later is redacted too.
    const other = 'scim-token-abcdef0123456789';
    expect(
      client()
        .withHeaders({ Authorization: `Bearer ${other}` })
        .redact(`token ${other}`),
    ).toBe('token [redacted]');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  it('names a field by its path', () => {
    const issue = z.object({ a: z.array(z.object({ b: z.string() })) }).safeParse({ a: [{ b: 'x' }, {}] }).error!.issues[0]!;
    expect(describeIssue(issue)).toBe('a[1].b: expected string, received undefined');
  });
});
