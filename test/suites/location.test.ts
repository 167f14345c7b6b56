/** Where the suite tests find the vendor files (./location.ts), and what they say when they cannot. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateSuite, shortPath } from './location.js';

const FILE = 'okta/Okta-SCIM-20-SPEC-Test.json';

describe('locateSuite', () => {
  // <tmp>/shared/scim-suites beside <tmp>/repo, as CI lays them out.
  let top: string;
  let root: string;
  const place = (dir: string) => {
    mkdirSync(join(dir, 'okta'), { recursive: true });
    writeFileSync(join(dir, FILE), '{}');
    return join(dir, FILE);
  };
  beforeEach(() => {
    top = mkdtempSync(join(tmpdir(), 'suites-locate-'));
    root = join(top, 'repo');
    mkdirSync(root);
  });
  afterEach(() => rmSync(top, { recursive: true, force: true }));

  it('reads ../shared/scim-suites by default', () => {
    const path = place(join(top, 'shared/scim-suites'));
    expect(locateSuite(FILE, { root, env: {} })).toEqual({ path });
  });

  it('reads SCIM_SUITES_DIR instead of ../shared/scim-suites when it is set', () => {
    place(join(top, 'shared/scim-suites'));
    const path = place(join(top, 'elsewhere'));
    expect(locateSuite(FILE, { root, env: { SCIM_SUITES_DIR: join(top, 'elsewhere') } })).toEqual({ path });
  });

  it('falls back to .scim-suites (npm run suites:download) when the first folder lacks the file', () => {
    const path = place(join(root, '.scim-suites'));
    expect(locateSuite(FILE, { root, env: {} })).toEqual({ path });
    expect(locateSuite(FILE, { root, env: { SCIM_SUITES_DIR: join(top, 'empty') } })).toEqual({ path });
  });

  it('without the file anywhere, gives a one-line skip reason naming both folders and both ways to get it', () => {
    const { path, skip } = locateSuite(FILE, { root, env: { SCIM_SUITES_DIR: join(top, 'empty') } });
    expect(path).toBeUndefined();
    expect(skip).toBe(
      `vendor suite ${FILE} is not in ${shortPath(join(top, 'empty'))} and ${shortPath(join(root, '.scim-suites'))}: ` +
        'run "npm run suites:download" or set SCIM_SUITES_DIR (docs/testing.md)',
    );
  });

  it('names a folder near the working directory relatively, and a far one absolutely', () => {
    expect(shortPath(resolve(process.cwd(), '../shared/scim-suites'))).toBe(join('..', 'shared', 'scim-suites'));
    expect(shortPath('/nowhere/near/here')).toBe('/nowhere/near/here');
  });

  it('throws instead of skipping when SCIM_SUITES_REQUIRED=1', () => {
    expect(() => locateSuite(FILE, { root, env: { SCIM_SUITES_REQUIRED: '1' } })).toThrow(/is not in .*\(SCIM_SUITES_REQUIRED=1\)$/);
  });
});
