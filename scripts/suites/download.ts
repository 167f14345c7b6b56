/**
 * Fetches the vendor suites of ./manifest.ts into a folder and verifies each against its pinned
 * SHA-256. All or nothing: every missing file is fetched and verified before any is written, so a
 * refused checksum or a dropped connection leaves the folder as it was. Files already present
 * with the right checksum are kept without asking the network.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SUITE_FILES, sourceUrl, type SuiteFile } from './manifest.js';

export interface DownloadOptions {
  /** Folder that receives the files, under their manifest paths. */
  dir: string;
  baseUrl: string;
  files?: readonly SuiteFile[];
  /** Per request; a firewall that drops packets must not hang the command. */
  timeoutMs?: number;
}

export interface DownloadResult {
  /** Manifest paths fetched and written by this run. */
  placed: string[];
  /** Manifest paths that were already there with the right checksum. */
  kept: string[];
}

/** A failure the command reports as one line (no stack): unreachable host, bad answer, bad checksum. */
export class DownloadError extends Error {
  constructor(
    message: string,
    /** True when the host could not be reached at all (offline, firewalled, DNS), not a bad answer. */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

/** The suites are a few hundred KB; anything far larger is not the file we pinned. */
const MAX_BYTES = 10 * 1024 * 1024;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function downloadSuites(options: DownloadOptions): Promise<DownloadResult> {
  const files = options.files ?? SUITE_FILES;
  const result: DownloadResult = { placed: [], kept: [] };
  const fetched: { file: SuiteFile; bytes: Uint8Array }[] = [];
  for (const file of files) {
    const target = join(options.dir, file.file);
    if (existsSync(target) && sha256(readFileSync(target)) === file.sha256) {
      result.kept.push(file.file);
      continue;
    }
    fetched.push({ file, bytes: await fetchVerified(options.baseUrl, file, options.timeoutMs ?? 30_000) });
  }
  for (const { file, bytes } of fetched) {
    const target = join(options.dir, file.file);
    await mkdir(dirname(target), { recursive: true });
    // Rename over the target so a crash never leaves a half-written suite behind the right name.
    const partial = `${target}.partial-${process.pid}`;
    await writeFile(partial, bytes);
    await rename(partial, target);
    result.placed.push(file.file);
  }
  if (result.placed.length > 0) await writeFile(join(options.dir, 'SOURCES.md'), sourcesNote(files));
  return result;
}

async function fetchVerified(baseUrl: string, file: SuiteFile, timeoutMs: number): Promise<Uint8Array> {
  const url = sourceUrl(baseUrl, file);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    throw new DownloadError(`cannot reach ${new URL(url).host} (${networkCause(err)}) for ${file.file}`, true);
  }
  if (res.status !== 200) {
    throw new DownloadError(`${url} answered HTTP ${res.status} for ${file.file}`);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) throw new DownloadError(`${url} is ${declared} bytes, more than any suite file; refused`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    throw new DownloadError(`the connection to ${new URL(url).host} broke while reading ${file.file} (${networkCause(err)})`, true);
  }
  const got = sha256(bytes);
  if (got !== file.sha256) {
    throw new DownloadError(
      `checksum mismatch for ${file.file}: SHA-256 ${got}, expected ${file.sha256} (from ${url}); nothing was written`,
    );
  }
  return bytes;
}

/** The most specific reason Node's fetch gives: ENOTFOUND, ECONNREFUSED, a timeout... */
function networkCause(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timed out';
  const cause =
    err instanceof Error ? (err.cause as { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } | undefined) : undefined;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (typeof code === 'string') return code;
  if (typeof cause?.message === 'string' && cause.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** Written beside the files, so a copy carries where it came from and under which licence. */
function sourcesNote(files: readonly SuiteFile[]): string {
  const rows = files.map((f) => `| ${f.file} | https://github.com/${f.repo}/blob/${f.commit}/${f.path} | ${f.licence} | ${f.sha256} |`);
  return [
    '# Vendor SCIM suites (downloaded by `npm run suites:download`)',
    '',
    'Unchanged copies of public files, verified by SHA-256. Their licences are those of their repositories.',
    '',
    '| file | origin | licence | SHA-256 |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
