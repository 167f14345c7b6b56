/**
 * `npm run suites:download [-- --dir <folder>]`: fetches Microsoft's and Okta's SCIM test suites
 * (scripts/suites/manifest.ts) into .scim-suites/, where test/suites/ looks for them after
 * SCIM_SUITES_DIR. SCIM_SUITES_BASE_URL replaces https://raw.githubusercontent.com (a mirror).
 * Any failure is one line on stderr and exit 1; a bad argument is exit 2.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { downloadSuites, DownloadError } from './suites/download.js';
import { DEFAULT_BASE_URL, DOWNLOAD_DIR } from './suites/manifest.js';

const HELP = `Usage: npm run suites:download [-- --dir <folder>]

Downloads the Microsoft SCIMReferenceCode Postman collection and Okta's SCIM 2.0 SPEC tests,
pinned by commit and checked by SHA-256, into ${DOWNLOAD_DIR}/ (or --dir).
SCIM_SUITES_BASE_URL replaces ${DEFAULT_BASE_URL}.`;

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const BaseUrl = z.url({ protocol: /^https?$/, error: 'SCIM_SUITES_BASE_URL must be an http(s) URL' });

function fail(code: number, message: string): never {
  process.stderr.write(`suites:download: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let dirArg: string | undefined;
  try {
    const { values } = parseArgs({ options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return;
    }
    dirArg = values.dir;
  } catch (err) {
    fail(2, (err as Error).message);
  }
  const base = BaseUrl.safeParse(process.env.SCIM_SUITES_BASE_URL ?? DEFAULT_BASE_URL);
  if (!base.success) fail(2, `${base.error.issues[0]?.message ?? 'bad SCIM_SUITES_BASE_URL'}: "${process.env.SCIM_SUITES_BASE_URL}"`);
  const dir = resolve(dirArg ?? resolve(REPO_ROOT, DOWNLOAD_DIR));

  try {
    const { placed, kept } = await downloadSuites({ dir, baseUrl: base.data });
    for (const file of placed) process.stdout.write(`${file}: downloaded, SHA-256 verified\n`);
    for (const file of kept) process.stdout.write(`${file}: already present, SHA-256 verified\n`);
    process.stdout.write(`Vendor suites are in ${dir}; the tests under test/suites/ now run them.\n`);
  } catch (err) {
    if (err instanceof DownloadError && err.unreachable)
      fail(1, `${err.message}; the suites are optional: without them only their tests are skipped`);
    if (err instanceof DownloadError) fail(1, err.message);
    fail(1, err instanceof Error ? err.message : String(err));
  }
}

await main();
