/**
 * `npm run suites:download` (scripts/download-suites.ts): a local HTTP server on 127.0.0.1 stands
 * in for raw.githubusercontent.com (SCIM_SUITES_BASE_URL), since the real host may be out of
 * reach. Verified files are placed under their manifest paths; a wrong checksum, a bad answer or
 * an unreachable host writes nothing and, from the command, is one line on stderr.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, downloadSuites } from '../../scripts/suites/download.js';
import { SUITE_FILES, type SuiteFile } from '../../scripts/suites/manifest.js';
import { freePort } from '../helpers/server.js';
import { locateSuite } from './location.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Serves `routes` (URL path → body), answers 404 elsewhere, and records every path asked for. */
async function fakeHost(routes: Map<string, string | Uint8Array>): Promise<{ base: string; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURI(req.url ?? '');
    asked.push(path);
    const body = routes.get(path);
    res.writeHead(body === undefined ? 404 : 200).end(body ?? 'Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake host has no port');
  return {
    base: `http://127.0.0.1:${address.port}`,
    asked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const routeOf = (f: SuiteFile) => `/${f.repo}/${f.commit}/${f.path}`;

function suiteFile(file: string, body: string): SuiteFile {
  return {
    file,
    repo: 'vendor/suites',
    commit: 'c0ffee'.padEnd(40, '0'),
    path: `tests/@scope/${file}`,
    licence: 'MIT',
    sha256: sha256(body),
  };
}

/** Every file under `dir`, relative, sorted. */
const listing = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
        .sort()
    : [];

describe('downloadSuites (in process, against a local host)', () => {
  const a = { body: '{"suite":"a"}', file: suiteFile('a.json', '{"suite":"a"}') };
  const b = { body: '{"suite":"b"}', file: suiteFile('nested/b.json', '{"suite":"b"}') };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'suites-download-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('places each verified file under its manifest path, then keeps it without asking again', async () => {
    const host = await fakeHost(
      new Map([
        [routeOf(a.file), a.body],
        [routeOf(b.file), b.body],
      ]),
    );
    try {
      const first = await downloadSuites({ dir, baseUrl: host.base, files: [a.file, b.file] });
      expect(first).toEqual({ placed: ['a.json', 'nested/b.json'], kept: [] });
      expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe(a.body);
      expect(readFileSync(join(dir, 'nested/b.json'), 'utf8')).toBe(b.body);
      expect(listing(dir)).toEqual(['SOURCES.md', 'a.json', 'nested/b.json']);
      expect(readFileSync(join(dir, 'SOURCES.md'), 'utf8')).toContain(
        `https://github.com/vendor/suites/blob/${a.file.commit}/tests/@scope/a.json`,
      );
      expect(host.asked).toEqual([routeOf(a.file), routeOf(b.file)]);

      const second = await downloadSuites({ dir, baseUrl: host.base, files: [a.file, b.file] });
      expect(second).toEqual({ placed: [], kept: ['a.json', 'nested/b.json'] });
      expect(host.asked).toHaveLength(2);
    } finally {
      await host.close();
    }
  });

  it('refuses a checksum mismatch and writes nothing, not even the files that were right', async () => {
    const host = await fakeHost(
      new Map([
        [routeOf(a.file), a.body],
        [routeOf(b.file), '{"suite":"tampered"}'],
      ]),
    );
    try {
      const run = downloadSuites({ dir, baseUrl: host.base, files: [a.file, b.file] });
      await expect(run).rejects.toThrow(DownloadError);
      await expect(run).rejects.toThrow(
        `checksum mismatch for nested/b.json: SHA-256 ${sha256('{"suite":"tampered"}')}, expected ${b.file.sha256}`,
      );
      expect(listing(dir)).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it('replaces a file already there whose checksum is wrong', async () => {
    writeFileSync(join(dir, 'a.json'), 'stale');
    const host = await fakeHost(new Map([[routeOf(a.file), a.body]]));
    try {
      expect(await downloadSuites({ dir, baseUrl: host.base, files: [a.file] })).toEqual({ placed: ['a.json'], kept: [] });
      expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe(a.body);
    } finally {
      await host.close();
    }
  });

  it('names the URL and status of an answer other than 200', async () => {
    const host = await fakeHost(new Map());
    try {
      await expect(downloadSuites({ dir, baseUrl: host.base, files: [a.file] })).rejects.toThrow(
        `${host.base}${routeOf(a.file)} answered HTTP 404 for a.json`,
      );
      expect(listing(dir)).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it('reports an unreachable host as such, with the network cause', async () => {
    const port = await freePort();
    const err = await downloadSuites({ dir, baseUrl: `http://127.0.0.1:${port}`, files: [a.file] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).unreachable).toBe(true);
    expect((err as DownloadError).message).toBe(`cannot reach 127.0.0.1:${port} (ECONNREFUSED) for a.json`);
  });
});

/** Runs the command as `npm run suites:download` does, with SCIM_SUITES_BASE_URL set. */
function runCommand(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/download-suites.ts', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run suites:download (the command, against a local host)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'suites-command-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
  });

  it('refuses files that do not match the pinned SHA-256: one line, exit 1, nothing written', async () => {
    const host = await fakeHost(new Map(SUITE_FILES.map((f) => [routeOf(f), '{"not":"the pinned file"}'])));
    try {
      const { code, stderr, stdout } = await runCommand(['--dir', dir], { SCIM_SUITES_BASE_URL: host.base });
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        /^suites:download: checksum mismatch for azuread-scimreferencecode\/PostmanCollection\.json: SHA-256 [0-9a-f]{64}, expected 36ee6b9f[0-9a-f]{56} \(from http:\/\/127\.0\.0\.1:\d+\/AzureAD\/SCIMReferenceCode\/d445ef901981fef684a220fe8cf6c97b588600fd\/PostmanCollection\.json\); nothing was written\n$/,
      );
      expect(listing(dir)).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it('says in one line that the host cannot be reached, and that the suites are optional', async () => {
    const port = await freePort();
    const { code, stderr } = await runCommand(['--dir', dir], { SCIM_SUITES_BASE_URL: `http://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `suites:download: cannot reach 127.0.0.1:${port} (ECONNREFUSED) for azuread-scimreferencecode/PostmanCollection.json; ` +
        'the suites are optional: without them only their tests are skipped\n',
    );
  });

  it('refuses a base URL that is not http(s), and an unknown option, with exit 2', async () => {
    const bad = await runCommand([], { SCIM_SUITES_BASE_URL: 'ftp://mirror.example' });
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'suites:download: SCIM_SUITES_BASE_URL must be an http(s) URL: "ftp://mirror.example"\n',
    });
    const unknown = await runCommand(['--force'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^suites:download: Unknown option '--force'[^\n]*\n$/);
  });

  // The pinned checksums are those of the copies CI uses: served those bytes, the command places
  // them all. Needs the copies themselves, so it runs where the suite tests run.
  const copies = SUITE_FILES.map((f) => ({ f, at: locateSuite(f.file) }));
  const missing = copies.find((c) => c.at.skip)?.at.skip;
  it.skipIf(missing !== undefined)(`accepts the real files and places them all${missing ? ` — skipped: ${missing}` : ''}`, async () => {
    const host = await fakeHost(new Map(copies.map(({ f, at }) => [routeOf(f), readFileSync(at.path!)])));
    try {
      const { code, stdout, stderr } = await runCommand(['--dir', dir], { SCIM_SUITES_BASE_URL: host.base });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      for (const { f, at } of copies) {
        expect(stdout).toContain(`${f.file}: downloaded, SHA-256 verified\n`);
        expect(readFileSync(join(dir, f.file)).equals(readFileSync(at.path!))).toBe(true);
      }
      expect(listing(dir)).toEqual(['SOURCES.md', ...SUITE_FILES.map((f) => f.file)].sort());
    } finally {
      await host.close();
    }
  });
});
