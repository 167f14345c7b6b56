/**
 * Every LangSmith answer the target reads (S1, S2, S3, S4, S5, S9, S10) is parsed by its
 * schema: a body of an unexpected shape, served by the recording proxy in front of the real
 * stand-in, parks the delivery (non-retryable `unexpected_answer`) with the call and the field
 * named, and is never read as "nobody exists" (no invite goes out on a member list that did not
 * parse). Also: LangSmith's error bodies (422 `{detail:[{loc,msg,type}]}`, `{detail:"..."}`)
 * read into the reason.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLangSmithFake, type RunningLangSmithFake } from '../../fakes/langsmith/server.js';
import { langSmithErrorReason } from '../../src/targets/langsmith/index.js';
import {
  control,
  createWorkspace,
  group,
  http,
  member,
  MemoryIo,
  rejection,
  startProxy,
  target,
  useFake,
  type Json,
  type Proxy,
} from './langsmith.helpers.js';

let fake: RunningLangSmithFake;
let proxy: Proxy;

beforeAll(async () => {
  fake = await startLangSmithFake({ port: 0, host: '127.0.0.1' });
  useFake(fake);
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy?.close();
  await fake?.close();
});
beforeEach(async () => {
  expect((await control('POST', '/reset')).status).toBe(200);
  expect((await control('PATCH', '/settings', { autoAcceptInvites: true })).status).toBe(200);
  proxy.seen.length = 0;
});

const io = () => new MemoryIo(http(undefined, proxy.url));
const seed = (email: string, extra: Record<string, unknown> = {}) =>
  control('POST', `/organizations/${fake.organization.organizationId}/members`, { email, ...extra });
const invites = () => proxy.seen.filter((r) => r.method === 'POST' && r.path === '/api/v1/orgs/current/members');

/** The answer of one call replaced once; `mangle` gets the real answer's body. */
function serve(method: string, path: RegExp, mangle: (real: Json) => unknown): void {
  proxy.on(method, path, async (_req, forward) => ({ status: 200, body: mangle((await forward()).body) }), 1);
}

async function parked(p: Promise<unknown>, call: string, field: string): Promise<void> {
  const err = await rejection(p);
  expect(err.retryable).toBe(false);
  expect(err.code).toBe('unexpected_answer');
  expect(err.message).toContain(`LangSmith ${call}: 200: unexpected answer: ${field}`);
}

describe('LangSmith answers of an unexpected shape', () => {
  it('S3 roles: an envelope instead of the bare array, or a role without its display name', async () => {
    serve('GET', /\/orgs\/current\/roles$/, (real) => ({ roles: real }));
    await parked(target().checkCredentials(http(undefined, proxy.url)), 'GET /api/v1/orgs/current/roles', '(body): expected array');
    serve('GET', /\/orgs\/current\/roles$/, (real) => [{ ...real[0], display_name: undefined }]);
    await parked(target().syncMember(member(), io()), 'GET /api/v1/orgs/current/roles', '[0].display_name: expected string');
    expect(invites()).toEqual([]);
  });

  it('S1 workspaces: an envelope, or a workspace without is_personal', async () => {
    await createWorkspace('Production');
    const groups = [group('LS:Organization User:Production:Editor')];
    serve('GET', /\/api\/v1\/workspaces$/, (real) => ({ workspaces: real }));
    await parked(target().syncMember(member({ groups }), io()), 'GET /api/v1/workspaces', '(body): expected array');
    serve('GET', /\/api\/v1\/workspaces$/, (real) => real.map((w: Json) => ({ ...w, is_personal: undefined })));
    await parked(target().syncMember(member({ groups }), io()), 'GET /api/v1/workspaces', '[0].is_personal: expected boolean');
    expect(invites()).toEqual([]);
  });

  it('S2 workspace created: an answer without the id', async () => {
    serve('POST', /\/api\/v1\/workspaces$/, (real) => ({ ...real, id: undefined }));
    const t = target({ createWorkspaces: true });
    await parked(
      t.syncMember(member({ groups: [group('LS:Organization User:Research:Viewer')] }), io()),
      'POST /api/v1/workspaces',
      'id: expected string',
    );
    expect(invites()).toEqual([]);
  });

  it('S4 members: a bare array, no members, or a member whose email is not a string; never read as nobody', async () => {
    await seed('ada@example.com');
    const path = /\/orgs\/current\/members$/;
    serve('GET', path, (real) => real.members);
    await parked(target().syncMember(member(), io()), 'GET /api/v1/orgs/current/members', '(body): expected object');
    serve('GET', path, (real) => ({ ...real, members: undefined }));
    await parked(target().syncMember(member(), io()), 'GET /api/v1/orgs/current/members', 'members: expected array');
    serve('GET', path, (real) => ({ ...real, members: real.members.map((m: Json) => ({ ...m, email: 42 })) }));
    await parked(target().syncMember(member(), io()), 'GET /api/v1/orgs/current/members', 'members[0].email: expected string');
    serve('GET', path, (real) => ({ ...real, pending: undefined }));
    await parked(target().syncMember(member(), io()), 'GET /api/v1/orgs/current/members', 'pending: expected array');
    // Removal reads the same list: a malformed one removes nobody and revokes nothing.
    const mem = io();
    mem.confirmedState = { email: 'ada@example.com', role: 'MEMBER', disabled: false };
    serve('GET', path, (real) => ({ ...real, members: null }));
    await parked(target().syncMember(member({ disabled: true }), mem), 'GET /api/v1/orgs/current/members', 'members: expected array');
    expect(invites()).toEqual([]);
    expect(proxy.seen.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('S5 invite: an answer without the pending identity id', async () => {
    serve('POST', /\/orgs\/current\/members$/, (real) => ({ ...real, id: undefined }));
    await parked(target().syncMember(member(), io()), 'POST /api/v1/orgs/current/members', 'id: expected string');
  });

  it('S9 workspace members: no members list, or a membership without its id', async () => {
    await createWorkspace('Production');
    await seed('ada@example.com');
    const groups = [group('LS:Organization User:Production:Editor')];
    const path = /\/workspaces\/current\/members$/;
    serve('GET', path, (real) => ({ ...real, members: undefined }));
    await parked(target().syncMember(member({ groups }), io()), 'GET /api/v1/workspaces/current/members', 'members: expected array');
    serve('GET', path, (real) => ({ ...real, members: [{ email: 'someone@example.com' }] }));
    await parked(target().syncMember(member({ groups }), io()), 'GET /api/v1/workspaces/current/members', 'members[0].id: expected string');
    expect(proxy.seen.filter((r) => r.method === 'POST' && path.test(r.path))).toEqual([]);
  });

  it('S10 workspace member added: an answer without the id', async () => {
    await createWorkspace('Production');
    await seed('ada@example.com');
    serve('POST', /\/workspaces\/current\/members$/, () => ({ role_id: null }));
    await parked(
      target().syncMember(member({ groups: [group('LS:Organization User:Production:Editor')] }), io()),
      'POST /api/v1/workspaces/current/members',
      'id: expected string',
    );
  });
});

describe('LangSmith error bodies', () => {
  it('reads 422 {detail:[{loc,msg,type}]} and {detail:"..."}', () => {
    expect(
      langSmithErrorReason('/api/v1/workspaces/current/members', {
        detail: [
          { loc: ['body', 'role_id'], msg: 'Field required', type: 'missing' },
          { loc: ['body', 'org_identity_id'], msg: 'Input should be a valid UUID', type: 'uuid_parsing' },
        ],
      }),
    ).toEqual({ code: 'missing', message: 'body.role_id: Field required; body.org_identity_id: Input should be a valid UUID' });
    expect(langSmithErrorReason('/api/v1/orgs/current/members', { detail: 'Invalid API key' })).toEqual({
      code: null,
      message: 'Invalid API key',
    });
    expect(langSmithErrorReason('/x', '<html>Bad Gateway</html>')).toEqual({ code: null, message: '<html>Bad Gateway</html>' });
    expect(langSmithErrorReason('/x', null)).toEqual({ code: null, message: null });
  });

  it('a 422 parks with the pydantic type as the code and the field in the reason', async () => {
    await createWorkspace('Production');
    await seed('ada@example.com');
    proxy.on(
      'POST',
      /\/workspaces\/current\/members$/,
      () => ({ status: 422, body: { detail: [{ loc: ['body', 'role_id'], msg: 'Field required', type: 'missing' }] } }),
      1,
    );
    const err = await rejection(target().syncMember(member({ groups: [group('LS:Organization User:Production:Editor')] }), io()));
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(422);
    expect(err.code).toBe('missing');
    expect(err.message).toContain('body.role_id: Field required');
    expect(err.message).toContain('looked again');
  });

  it('a wrong key: 401 with the detail, not retried', async () => {
    const err = await rejection(target().checkCredentials(http('lsv2_pt_wrong_key_1234')));
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/^LangSmith GET \/api\/v1\/orgs\/current\/roles: 401: /);
  });
});
