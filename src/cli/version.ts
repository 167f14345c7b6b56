import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The package's version, from package.json (two levels up from src/cli/ and from dist/cli/ alike). */
export function packageVersion(): string {
  const raw: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return z.object({ version: z.string() }).parse(raw).version;
}
