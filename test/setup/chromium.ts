/**
 * vitest globalSetup: the console tests drive Debian's Chromium, which a fresh machine (CI) does
 * not have. It is installed here, once, before any test runs, and outside the hooks' timeouts
 * (an apt install can take minutes). Needs root and apt, as on this project's machines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export default function setup(): void {
  if (existsSync(CHROMIUM)) return;
  const apt = { stdio: 'inherit' as const, timeout: 15 * 60_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    execFileSync('apt-get', ['update'], apt);
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], apt);
  } catch (err) {
    throw new Error(`${CHROMIUM} is missing and apt-get install -y chromium failed (run it as root): ${(err as Error).message}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
}
