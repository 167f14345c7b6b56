#!/usr/bin/env node
/**
 * The `scim-bridge` command (package.json "bin"), so `npx scim-bridge` works in a clone right
 * after `npm install`, before any build. It runs the compiled dist/cli.js when it is there and
 * no file under src/ is newer (a build of the code in front of you); otherwise src/cli.ts
 * through tsx, registered in this same process so that signals reach the bridge itself, not a
 * wrapper. Production does not come through here: it runs `node dist/cli.js serve`, which never
 * loads tsx (a dev dependency, absent from the Docker image).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/cli.js', root);
const src = fileURLToPath(new URL('src/', root));

/** mtime of the newest file under src/, or 0 where there are no sources (an installed package). */
function newestSource() {
  if (!existsSync(src)) return 0;
  let newest = 0;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

async function loadTsx() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined;
  }
}

const hasDist = existsSync(dist);
const tsx = hasDist && statSync(dist).mtimeMs >= newestSource() ? undefined : await loadTsx();
if (tsx) {
  tsx.register();
  await import(new URL('src/cli.ts', root).href);
} else if (hasDist) {
  await import(dist.href);
} else {
  process.stderr.write('scim-bridge: neither dist/cli.js nor tsx is there: run "npm install" (or "npm run build")\n');
  process.exit(1);
}
