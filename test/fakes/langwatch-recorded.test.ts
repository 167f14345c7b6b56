/**
 * Replays the recorded request/answer pairs of langwatch-recorded-scim.ts,
 * langwatch-recorded-groups.ts and langwatch-recorded-organization.ts against the LangWatch stand-in. The pairs come from
 * langwatch/langwatch's own tests and docs (each row names its source), so the stand-in cannot
 * drift back to this project's assumptions about LangWatch.
 */
import { describe, expect, it } from 'vitest';
import { raw, useLangWatchFake } from './langwatch-client.js';
import { GROUPS_ROWS } from './langwatch-recorded-groups.js';
import { ORGANIZATION_ROWS } from './langwatch-recorded-organization.js';
import { SCIM_ROWS } from './langwatch-recorded-scim.js';
import { Given, type Credential, type Row, type Vars } from './langwatch-recorded-types.js';

const ctx = useLangWatchFake();

function authorization(as: Credential, v: Vars): string | null {
  if (as === 'none') return null;
  if (as === 'manage') return `Bearer ${ctx.org.apiKey}`;
  if (as === 'view') return `Bearer ${ctx.org.viewApiKey}`;
  if (as === 'scim') return `Bearer ${ctx.scimToken}`;
  if ('var' in as) return `Bearer ${v[as.var]}`;
  return as.header;
}

async function replay(row: Row): Promise<void> {
  const g = new Given(ctx);
  const v = (await row.given?.(g)) ?? {};
  const path = typeof row.request.path === 'function' ? row.request.path(v) : row.request.path;
  const body = row.request.bodyOf ? row.request.bodyOf(v) : row.request.body;
  const reply = await raw(ctx, row.request.method, path, { body, raw: row.request.raw, auth: authorization(row.request.as, v) });
  expect(reply.status, `${row.request.method} ${path}: ${reply.text}`).toBe(row.expect.status);
  if (row.expect.contentType) expect(reply.headers.get('content-type')).toContain(row.expect.contentType);
  for (const [name, value] of Object.entries(row.expect.headers ?? {})) expect(reply.headers.get(name), name).toBe(value);
  const expected = row.expect.bodyOf ? row.expect.bodyOf(v) : row.expect.body;
  if (expected !== undefined) expect(reply.body).toMatchObject(expected as object);
  for (const key of row.expect.absent ?? []) expect(reply.body).not.toHaveProperty(key);
  await row.after?.(g, v, reply);
}

describe('recorded LangWatch SCIM and SCIM-token pairs (TARGETS.md §A1)', () => {
  SCIM_ROWS.forEach((row, i) => it(`#${i + 1} ${row.request.method} · ${row.source}`, () => replay(row)));
});

describe('recorded LangWatch Groups pairs (TARGETS.md §A2)', () => {
  GROUPS_ROWS.forEach((row, i) => it(`#${i + 1} ${row.request.method} · ${row.source}`, () => replay(row)));
});

describe('recorded LangWatch members and invites pairs (TARGETS.md §A3)', () => {
  ORGANIZATION_ROWS.forEach((row, i) => it(`#${i + 1} ${row.request.method} · ${row.source}`, () => replay(row)));
});

it('covers every SCIM trap of TARGETS.md §A1 and holds 40+ rows', () => {
  const all = [...SCIM_ROWS, ...GROUPS_ROWS, ...ORGANIZATION_ROWS];
  expect(all.length).toBeGreaterThanOrEqual(40);
  const text = JSON.stringify(all.map((r) => r.source));
  // Traps 1-13, by the rows that name them or the source tests that exercise them.
  for (const trap of [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13])
    expect(text, `trap ${trap}`).toMatch(new RegExp(`trap[s]? [^"]*\\b${trap}\\b`));
  expect(text).toContain('scim-page-size-cap'); // trap 8
  expect(new Set(all.map((r) => r.source)).size).toBe(all.length);
});
