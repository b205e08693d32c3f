/**
 * The guard for tests in a real browser: Debian's chromium (`/usr/bin/chromium`, or
 * `WIRELAB_CHROMIUM`) driven by playwright-core through its executable path (no browser
 * download). Without it, `describeChromium` skips with the reason in the test's name.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, type SuiteFactory } from 'vitest';

export const chromiumPath = process.env.WIRELAB_CHROMIUM ?? '/usr/bin/chromium';

function whyNot(): string | undefined {
  if (!existsSync(chromiumPath))
    return `needs chromium at ${chromiumPath} (apt-get install chromium, scripts/setup.sh; or set WIRELAB_CHROMIUM)`;
  try {
    createRequire(import.meta.url).resolve('playwright-core');
  } catch {
    return 'needs playwright-core (a devDependency: npm install)';
  }
  return undefined;
}

export const chromiumSkipReason: string | undefined = whyNot();

/** Launch arguments: chromium refuses its sandbox as root. */
export const chromiumArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

/** `describe` for a block that needs chromium; skipped with the reason in its name otherwise. */
export function describeChromium(name: string, fn: SuiteFactory, timeout?: number): void {
  if (chromiumSkipReason) describe.skip(`${name} [skipped: ${chromiumSkipReason}]`, fn);
  else describe(name, fn, timeout);
}
