/**
 * kill -9 during delivery: the real server, provisioning a LangWatch stand-in whose every call
 * is slow, is killed while calls are in flight, over several rounds, and restarted on the same
 * database. Every SCIM write that got a 2xx must end up in the application exactly once: no
 * lost change, no duplicate person, invite, group or membership. Both LangWatch modes: over its
 * SCIM server (the default) and over REST invites (the people accept them at once here).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLangWatchFake } from '../../fakes/langwatch/server.js';
import { kill9 as killBridge, spawnBridge } from '../helpers/bridge-process.js';
import { freePort } from '../helpers/server.js';

const TOKEN = 'crash-test-azure-token-0123456789';
const ADMIN = 'crash-test-admin-key-0123456789';
const ROUNDS = 3;

describe.each(['scim', 'invite'] as const)('LangWatch %s mode', (mode) => {
  let fake: Awaited<ReturnType<typeof startLangWatchFake>>;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let base = '';
  let env: Record<string, string>;

  async function startBridge(): Promise<void> {
    child = await spawnBridge(env, base);
  }

  async function kill9(): Promise<void> {
    await killBridge(child!);
  }

  const scim = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/scim/v2${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return res.status === 204 ? null : ((await res.json()) as { id: string });
  };

  const requestsSeen = async () => ((await (await fetch(`${fake.url}/_fake/requests?log=false`)).json()) as { total: number }).total;

  beforeAll(async () => {
    fake = await startLangWatchFake({ port: 0 });
    // Every call takes a while, so that kills land while calls are in flight.
    await fetch(`${fake.url}/_fake/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ latency: { minMs: 20, maxMs: 80 } }),
    });
    if (mode === 'invite') {
      await fetch(`${fake.url}/_fake/settings`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ autoAcceptInvites: true }),
      });
    }
    dataDir = mkdtempSync(join(tmpdir(), 'bridge-crash-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      BRIDGE_CONNECTIONS: `azure-ad:${TOKEN}`,
      BRIDGE_ADMIN_KEY: ADMIN,
      TARGET: 'langwatch',
      TARGET_URL: fake.url,
      TARGET_API_KEY: fake.organization.apiKey,
      TARGET_LANGWATCH_MODE: mode,
      ...(mode === 'invite' ? { TARGET_INVITE_TEAM_ID: fake.organization.teams[0]!.id } : {}),
    };
  });

  afterAll(async () => {
    if (child && child.exitCode === null) await kill9();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${ROUNDS} kills during delivery lose nothing and duplicate nothing`, async () => {
    await startBridge();
    const expectedGroups: Record<string, string[]> = {};
    const expectedMembers = new Set<string>();
    let interrupted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const email = `r${round}-p${i}@contoso.com`;
        ids.push((await scim('POST', '/Users', { userName: email, emails: [{ value: email, primary: true }], active: true }))!.id);
        expectedMembers.add(email);
      }
      const g = (await scim('POST', '/Groups', { displayName: `Round ${round}`, members: ids.map((value) => ({ value })) }))!.id;
      await scim('PATCH', `/Groups/${g}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Remove', path: 'members', value: [{ value: ids[4] }] }],
      });
      expectedGroups[`Round ${round}`] = ids.slice(0, 4).map((_, i) => `r${round}-p${i}@contoso.com`);
      // Kill once the worker is in the middle of delivering this round.
      const before = await requestsSeen();
      while ((await requestsSeen()) < before + 4) await new Promise((r) => setTimeout(r, 10));
      await kill9();
      await startBridge();
      const left = (await (await fetch(`${base}/api/deliveries`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()) as {
        pending: unknown[];
      };
      if (left.pending.length > 0) interrupted += 1;
    }
    // The kills landed while there was delivery work left (else this test would prove nothing).
    expect(interrupted).toBeGreaterThan(0);

    // Let the restarted bridge finish; it must converge on its own.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const d = (await (await fetch(`${base}/api/deliveries`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()) as {
        pending: unknown[];
      };
      if (d.pending.length === 0) break;
      if (Date.now() > deadline) throw new Error(`did not converge: ${JSON.stringify(d.pending)}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const org = (await (await fetch(`${fake.url}/_fake/state`)).json()).organizations[0];
    const emails = org.members.map((m: any) => m.email).filter((e: string) => e !== fake.organization.admin.email);
    expect(emails.sort()).toEqual([...expectedMembers].sort());
    expect(org.invites).toEqual([]);
    expect(Object.fromEntries(org.groups.map((g: any) => [g.name, g.members.map((m: any) => m.email).sort()]))).toEqual(expectedGroups);
  }, 120_000);
});
