/**
 * The third-party SCIM client suites the tests run (test/suites/), where each file comes from,
 * and its SHA-256. Pinned to one commit each: a moved branch or an edited file upstream must not
 * change what "the suite passes" means. The checksums are those of the copies in
 * ../shared/scim-suites (see its SOURCES.md), so both places hold byte-identical files under the
 * same relative paths.
 */

/** Where `npm run suites:download` puts the files, relative to the repository root (git-ignored). */
export const DOWNLOAD_DIR = '.scim-suites';

/** GitHub's raw file host; `SCIM_SUITES_BASE_URL` replaces it (a mirror, or a local server in tests). */
export const DEFAULT_BASE_URL = 'https://raw.githubusercontent.com';

export interface SuiteFile {
  /** Path under the suites folder, the same in ../shared/scim-suites and in .scim-suites. */
  file: string;
  repo: string;
  /** Full commit id: a tag or branch could move. */
  commit: string;
  /** Path of the file inside `repo` at `commit`. */
  path: string;
  licence: string;
  sha256: string;
}

export const SUITE_FILES: readonly SuiteFile[] = [
  {
    file: 'azuread-scimreferencecode/PostmanCollection.json',
    repo: 'AzureAD/SCIMReferenceCode',
    commit: 'd445ef901981fef684a220fe8cf6c97b588600fd',
    path: 'PostmanCollection.json',
    licence: 'MIT',
    sha256: '36ee6b9fb355cd6d438b7012ce266c05496caf494db4cb2a2be832f91fa56ccf',
  },
  {
    file: 'okta/Okta-SCIM-20-SPEC-Test.json',
    repo: 'okta/okta-developer-docs',
    commit: '468de9c511b5e4009bb5f06c25cbf4b85fecb8d0',
    path: 'packages/@okta/vuepress-site/.vuepress/public/standards/SCIM/SCIMFiles/Okta-SCIM-20-SPEC-Test.json',
    licence: 'Apache-2.0',
    sha256: 'a118fed67320a2265909bde6b95cdaf4f6f085ff5a89a0deb88c87d443eae899',
  },
  {
    file: 'okta/2019-oin-guide/Okta-SCIM-20-SPEC-Test.json',
    repo: 'okta/okta-developer-docs',
    commit: 'e85e942e483639d613ebaf1665e661ab4fb0eb8d',
    path: 'packages/@okta/vuepress-site/docs/guides/oin-build-provisioning-integration/SCIMFiles/Okta-SCIM-20-SPEC-Test.json',
    licence: 'Apache-2.0',
    sha256: '4f6931e65dd68e63cf719cf4a1b363207399d2c4c0e0d1567e9d81eabccdb842',
  },
];

/** `<base>/<owner>/<repo>/<commit>/<path>`, the layout of raw.githubusercontent.com. */
export function sourceUrl(base: string, f: SuiteFile): string {
  return `${base.replace(/\/+$/, '')}/${f.repo}/${f.commit}/${encodeURI(f.path)}`;
}
