/**
 * The linter of `npm run check`: typescript-eslint's type-aware recommended rules, and the
 * import boundaries of ../shared/DESIGN.md principle 5 ("every layer has one job").
 *
 * The boundaries, as rules (src/ only; tests, fakes and the bench are not layers):
 *
 *  1. SQL only under src/store. Nothing else imports better-sqlite3, and nothing else calls a
 *     method that hands SQL to SQLite (`db.prepare`, `db.exec`, `db.pragma`, ...: the local rule
 *     no-sql-outside-store, which knows a Database by its type). The directory and the worker
 *     may still group store calls in `db.transaction(fn)`: that takes no SQL.
 *  2. The store is the bottom layer: it imports only itself and src/scim (pure protocol
 *     functions and the filter tree it compiles).
 *  3. Vendor APIs only under src/targets: a vendor folder (src/targets/<vendor>/) is imported
 *     only by itself and by src/targets/registry.ts, which builds each organization's target;
 *     one vendor folder never imports another.
 *  4. src/scim is the protocol, pure functions: it imports nothing of src outside src/scim.
 *  5. Targets implement the sync worker's port: src/targets imports from src/sync only
 *     src/sync/port.ts, and src/sync imports nothing of src/targets (the server composes the
 *     worker with the target registry).
 *  6. The directory (rules and ownership) imports only the store, src/scim and itself: it
 *     knows no HTTP, console, worker or target.
 *  7. The admin API does not import the console: src/app.ts composes the two (the console's
 *     routes, and the console session as a way to authenticate admin requests), so the
 *     dependency goes one way, console -> api (its routes use the API's Hono env).
 *  8. Product code never imports test code (test/, fakes/, bench/, scripts/), and the
 *     stand-in servers in fakes/ import nothing of src/: a fake that shared the adapter's code
 *     would share its mistakes.
 *  9. No import cycles anywhere, type-only ones included: import-x/no-cycle for cycles of
 *     values, and the local rule no-type-cycle for those that go through an `import type`
 *     (which import-x skips by design).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import noSqlOutsideStore from './eslint-rules/no-sql-outside-store.js';
import noTypeCycle from './eslint-rules/no-type-cycle.js';

const root = import.meta.dirname;
/** An absolute glob: import-x matches `except` globs against absolute paths, unresolved. */
const abs = (p) => path.join(root, p);

const vendors = readdirSync(abs('src/targets'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const zones = [
  {
    target: 'src/store',
    from: 'src/**',
    except: [abs('src/store/**'), abs('src/scim/**')],
    message: 'The store is the bottom layer: it imports only src/store and src/scim (rule 2).',
  },
  {
    target: ['src/!(targets)/**', 'src/*.ts', 'src/targets/!(registry).ts'],
    from: vendors.map((v) => `src/targets/${v}/**`),
    message: 'A vendor API is reached only through src/targets/registry.ts (rule 3).',
  },
  ...vendors.map((v) => ({
    target: `src/targets/${v}`,
    from: vendors.filter((o) => o !== v).map((o) => `src/targets/${o}`),
    message: 'One vendor folder never imports another (rule 3).',
  })),
  {
    target: 'src/scim',
    from: 'src/**',
    except: [abs('src/scim/**')],
    message: 'src/scim is the protocol, pure functions: it imports nothing of the other layers (rule 4).',
  },
  {
    target: 'src/targets',
    from: 'src/sync',
    except: ['port.ts'],
    message: 'Targets know the sync worker only through its port, src/sync/port.ts (rule 5).',
  },
  {
    target: 'src/sync',
    from: 'src/targets',
    message: 'The worker knows targets only through src/sync/port.ts; src/server.ts composes the two (rule 5).',
  },
  {
    target: 'src/directory',
    from: 'src/**',
    except: [abs('src/directory/**'), abs('src/store/**'), abs('src/scim/**')],
    message: 'The directory imports only the store and src/scim (rule 6).',
  },
  {
    target: 'src/api',
    from: 'src/console',
    message: 'The admin API does not import the console; src/app.ts composes the two (rule 7).',
  },
  {
    target: 'src',
    from: ['test', 'fakes', 'bench', 'scripts'],
    message: 'Product code never imports test code (rule 8).',
  },
  {
    target: 'fakes',
    from: 'src',
    message: 'A stand-in server shares no code with the adapters it tests (rule 8).',
  },
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '.bench/', 'bench/results/', '.suites/', 'test/.suites/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    plugins: {
      'import-x': importX,
      local: { rules: { 'no-sql-outside-store': noSqlOutsideStore, 'no-type-cycle': noTypeCycle } },
    },
    settings: {
      // `./x.js` names `./x.ts` (NodeNext); import-x must parse .ts files to follow them (no-cycle).
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'local/no-type-cycle': 'error',
      'import-x/no-self-import': 'error',
      // `_`-prefixed names are deliberately unused (a destructured field dropped, a parameter an
      // interface requires); everything else unused is dead code.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'better-sqlite3', message: 'SQL lives only under src/store (rule 1).' }] }],
      'local/no-sql-outside-store': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'fakes/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
    },
  },
  {
    // Tests read JSON answers, which the harnesses type `any` (`res.body.members[0].value`),
    // and vitest's asymmetric matchers (`expect.any(String)`) are `any` too: asserting on an
    // untyped answer is what a test does, and typing every answer would restate the schemas
    // under test. So the no-unsafe-* family and no-explicit-any are off in test/ only; the
    // other type-aware rules (floating and misused promises, awaits of non-promises, unbound
    // methods, ...) stay on there.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript (this file, the local rules): no type information to check against.
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      // Node's globals (the `globals` package is not a dependency of this project).
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'Buffer',
          'URL',
          'URLSearchParams',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'fetch',
          'AbortController',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
