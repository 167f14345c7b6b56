import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetError } from '../../src/targets/errors.js';
import { TargetHttp, parseRetryAfter, type CallRecord } from '../../src/targets/http.js';

const KEY = 'sk-lw-secret-key-0123456789';
let url = '';
const server = createServer((req, res) => {
  if (req.url === '/echo-key') {
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'bad', message: `your key ${KEY} is wrong` } }));
  } else if (req.url === '/busy') {
    res.writeHead(429, { 'Retry-After': '7' });
    res.end();
  } else if (req.url === '/down') {
    res.writeHead(503, { 'Content-Type': 'text/html' });
    res.end('<html>bad gateway</html>');
  } else {
    res.writeHead(402, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'enterprise_plan_required', message: 'upgrade' } }));
  }
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('TargetHttp', () => {
  it('classifies failures: 429 waits for Retry-After, 5xx retries, 402 is permanent with the reason', async () => {
    const http = new TargetHttp(url, { Authorization: `Bearer ${KEY}` });
    await expect(http.request('GET', '/busy')).rejects.toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
    await expect(http.request('GET', '/down')).rejects.toMatchObject({ retryable: true, status: 503 });
    const plan = await http.request('GET', '/plan').catch((e: TargetError) => e);
    expect(plan).toMatchObject({ retryable: false, status: 402, code: 'enterprise_plan_required' });
    expect((plan as Error).message).toContain('upgrade');
  });

  it('never records or throws the API key, even when the application echoes it', async () => {
    const calls: CallRecord[] = [];
    const http = new TargetHttp(url, { Authorization: `Bearer ${KEY}` }, (c) => calls.push(c));
    const err = await http.request('GET', '/echo-key').catch((e: Error) => e);
    expect((err as Error).message).not.toContain(KEY);
    expect((err as Error).message).toContain('[redacted]');
    expect(JSON.stringify(calls)).not.toContain(KEY);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
