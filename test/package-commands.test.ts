/**
 * The commands package.json promises: `npm start` is the bridge itself, so a supervisor's SIGTERM
 * to npm stops it; the `scim-bridge` bin works in a clone without a build and prints the command
 * list; and what production runs (dist/, built from src/cli.ts) imports only production
 * dependencies, never tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from './helpers/server.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const PackageJson = z.object({
  bin: z.record(z.string(), z.string()),
  scripts: z.record(z.string(), z.string()),
  dependencies: z.record(z.string(), z.string()),
});
const pkg = PackageJson.parse(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')));

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const healthy = (base: string) =>
  fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );

describe('npm start', () => {
  let dataDir: string;
  let npm: ChildProcess | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  });
  afterAll(() => {
    // npm runs in a process group of its own: what it left behind (a bridge that outlived it,
    // the failure this test catches) goes with the group, not with the next test run.
    try {
      if (npm?.pid) process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already empty
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  // npm hands SIGTERM to the shell that runs the script, and Debian's sh (dash) does not replace
  // itself with the command: without `exec` the shell dies and the bridge lives on, orphaned.
  it('stops the bridge itself, gracefully, when a supervisor sends SIGTERM to npm', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    npm = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        npm_config_update_notifier: 'false',
      },
    });
    const ran = collect(npm);
    const deadline = Date.now() + 45_000;
    while (!(await healthy(base))) {
      if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}: ${(await ran).stderr}`);
      if (Date.now() > deadline) throw new Error('npm start did not answer /healthz within 45 s');
      await new Promise((r) => setTimeout(r, 100));
    }

    // Only npm's own pid, as a supervisor (systemd's main PID, a container runtime) signals it.
    npm.kill('SIGTERM');
    const timer = setTimeout(() => npm?.kill('SIGKILL'), 15_000);
    const { code, signal, stdout } = await ran;
    clearTimeout(timer);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(stdout).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    expect(stdout).toMatch(/"msg":"stopped"/);
    expect(await healthy(base)).toBe(false);
  });
});

describe('the scim-bridge bin', () => {
  const bin = pkg.bin['scim-bridge'];

  it('is a file of the clone (no build needed) and prints the command list for --help', async () => {
    expect(bin).toBe('bin/scim-bridge.js');
    const ran = await collect(
      spawn(process.execPath, [join(REPO_ROOT, bin!), '--help'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' } }),
    );
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    for (const command of ['serve', 'migrate', 'connections', 'keys', 'deliveries', 'logs', 'doctor']) {
      expect(ran.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  // The launcher in a stand-in checkout whose dist/ and src/ only say which one ran.
  describe('chooses between dist/ and src/', () => {
    let root: string;
    const run = () =>
      collect(
        spawn(process.execPath, [join(root, 'bin/scim-bridge.js'), 'serve', '--port', '1'], {
          cwd: root,
          env: { PATH: process.env.PATH ?? '' },
        }),
      );
    const age = (file: string, secondsAgo: number) => {
      const t = Date.now() / 1000 - secondsAgo;
      utimesSync(join(root, file), t, t);
    };
    const writeDist = () => writeFileSync(join(root, 'dist/cli.js'), "console.log('dist', process.argv.slice(2).join(' '));\n");
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'launcher-'));
      for (const dir of ['bin', 'dist', 'src/cli']) mkdirSync(join(root, dir), { recursive: true });
      copyFileSync(join(REPO_ROOT, 'bin/scim-bridge.js'), join(root, 'bin/scim-bridge.js'));
      writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
      // Type annotations: only tsx can run this file.
      writeFileSync(join(root, 'src/cli.ts'), "const from: string = 'src';\nconsole.log(from, process.argv.slice(2).join(' '));\n");
      writeFileSync(join(root, 'src/cli/other.ts'), 'export {};\n');
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('runs dist/cli.js when it is newer than every source file, with the arguments', async () => {
      writeDist();
      age('src/cli.ts', 60);
      age('src/cli/other.ts', 60);
      expect(await run()).toMatchObject({ code: 0, stdout: 'dist serve --port 1\n' });
    });

    it('runs src/cli.ts through tsx when a source file changed after the build, however deep', async () => {
      writeDist();
      age('dist/cli.js', 30);
      age('src/cli/other.ts', 0);
      expect(await run()).toMatchObject({ code: 0, stdout: 'src serve --port 1\n' });
    });

    it('runs src/cli.ts through tsx when nothing is built', async () => {
      rmSync(join(root, 'dist/cli.js'));
      expect(await run()).toMatchObject({ code: 0, stdout: 'src serve --port 1\n' });
    });

    it('without tsx (production dependencies only), runs dist/ even if older, and says what to do when there is none', async () => {
      rmSync(join(root, 'node_modules'));
      writeDist();
      age('dist/cli.js', 30);
      expect(await run()).toMatchObject({ code: 0, stdout: 'dist serve --port 1\n' });
      rmSync(join(root, 'dist/cli.js'));
      expect(await run()).toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'scim-bridge: neither dist/cli.js nor tsx is there: run "npm install" (or "npm run build")\n',
      });
    });
  });
});

describe('what production runs', () => {
  it('imports nothing from src/cli.ts on but Node built-ins and the production dependencies (no tsx)', async () => {
    // esbuild follows the real import graph (type-only imports erased, dynamic imports kept)
    // and reports every package it would leave to node_modules.
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'src/cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      metafile: true,
      outdir: join(tmpdir(), 'unused'),
      logLevel: 'silent',
    });
    const packages = new Set<string>();
    for (const input of Object.values(result.metafile.inputs)) {
      for (const imported of input.imports) {
        if (!imported.external || isBuiltin(imported.path)) continue;
        const [scope, name] = imported.path.split('/');
        packages.add(scope!.startsWith('@') ? `${scope}/${name}` : scope!);
      }
    }
    expect(packages.size).toBeGreaterThan(0);
    const notProduction = [...packages].filter((p) => !(p in pkg.dependencies)).sort();
    expect(notProduction, 'imported at run time but not in "dependencies" (npm prune --omit=dev removes them)').toEqual([]);
  });
});
