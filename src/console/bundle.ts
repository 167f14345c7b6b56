/**
 * The console's script: the typed modules of src/console/client/ bundled by esbuild into one ES
 * module, in memory, at the first request for /admin/console.js, and kept for the process.
 *
 * Bundling when the server runs, rather than in `npm run build`, means that `npm start` (tsx),
 * the tests and `node dist/cli.js serve` all serve what sits beside this file (the .ts sources
 * under src/, or tsc's .js output under dist/), with no build step to forget and no stale copy
 * to ship. The cost is esbuild as a runtime dependency and some 50 ms on the first request.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/console/client/main.ts beside the sources, or main.js beside tsc's output. */
export function consoleEntry(): string {
  for (const name of ['./client/main.ts', './client/main.js']) {
    const path = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(
    `The console's script is missing: no client/main.ts or client/main.js in ${fileURLToPath(new URL('.', import.meta.url))}`,
  );
}

export async function bundleConsoleScript(entry = consoleEntry()): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (err) {
    throw new Error(
      `The console needs the esbuild package to serve its script; install the dependencies (npm install): ${(err as Error).message}`,
    );
  }
  const result = await esbuild.build({
    entryPoints: [entry],
    // Paths in the bundle's comments read from here (client/pages/groups.ts), wherever the process runs.
    absWorkingDir: dirname(dirname(entry)),
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
    // The bundle is read by admins who want to see what their browser runs; it is small enough.
    minify: false,
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return file.text;
}

let cached: Promise<string> | undefined;

/** The bundled script, built once per process (a failed build is tried again at the next request). */
export function consoleScript(): Promise<string> {
  cached ??= bundleConsoleScript().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
