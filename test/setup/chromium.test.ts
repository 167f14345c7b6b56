/** How the console tests find a browser (./chromium.ts): never by installing one. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findChromium } from './chromium.js';

describe('findChromium', () => {
  let dir: string;
  const executable = (name: string, mode = 0o755) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'find-chromium-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes CHROMIUM_PATH first, as given (a wrong path then fails at launch, naming it)', () => {
    const debian = executable('usr/bin/chromium');
    expect(findChromium({ env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, debian })).toEqual({ path: '/opt/chrome/chrome' });
  });

  it("then Debian's /usr/bin/chromium, before anything on PATH", () => {
    const debian = executable('usr/bin/chromium');
    executable('bin/google-chrome');
    expect(findChromium({ env: { PATH: join(dir, 'bin') }, debian })).toEqual({ path: debian });
  });

  it('then google-chrome, chromium-browser on PATH, in that order, skipping what is not executable', () => {
    const debian = join(dir, 'absent/chromium');
    executable('a/chromium-browser');
    executable('a/google-chrome', 0o644);
    const chrome = executable('b/google-chrome');
    const PATH = [join(dir, 'a'), join(dir, 'b')].join(delimiter);
    expect(findChromium({ env: { PATH }, debian })).toEqual({ path: chrome });
    rmSync(chrome);
    expect(findChromium({ env: { PATH }, debian })).toEqual({ path: join(dir, 'a/chromium-browser') });
  });

  it('without any, gives the reason naming CHROMIUM_PATH', () => {
    const found = findChromium({ env: { PATH: join(dir, 'empty') }, debian: join(dir, 'absent/chromium') });
    expect(found.path).toBeUndefined();
    expect(found.reason).toMatch(
      /^no Chromium found \(.*absent\/chromium, or google-chrome, chromium-browser, chromium on PATH\): .*set CHROMIUM_PATH/,
    );
  });
});
