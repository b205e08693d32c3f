/**
 * The one guard for tests that need root: network namespaces, raw sockets and captures, the
 * sandbox user. `describeRoot` / `itRoot` run as `describe` / `it` when the process is root and
 * can make a network namespace; otherwise they are skipped, and the skipped test's name says
 * why (vitest lists it as skipped, not failed), so a developer without root sees skips.
 *
 * Top-level `beforeAll`/`afterAll` hooks of a file run only when some test in it runs: a file
 * whose tests are all behind this guard sets up nothing when skipped.
 */
import { spawnSync } from 'node:child_process';
import { describe, it, type SuiteFactory, type TestFunction } from 'vitest';

function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return `needs root (running as uid ${process.getuid?.() ?? '?'})`;
  // Root in a container may still lack CAP_SYS_ADMIN / netns support: try one, as `ip netns` would.
  const r = spawnSync('unshare', ['--net', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `needs unshare(1) to check for network namespaces (${r.error.message})`;
  if (r.status !== 0) return `cannot make a network namespace (unshare --net: ${(r.stderr || `exit ${r.status}`).trim()})`;
  return undefined;
}

/** Why root tests cannot run here, or undefined when they can. Computed once per test file. */
export const rootSkipReason: string | undefined = whyNot();
/** True when root tests run here. */
export const canRunRootTests = rootSkipReason === undefined;

/** `describe` for a block that needs root; skipped with the reason in its name otherwise. */
export function describeRoot(name: string, fn: SuiteFactory, timeout?: number): void {
  if (rootSkipReason) describe.skip(`${name} [skipped: ${rootSkipReason}]`, fn);
  else describe(name, fn, timeout);
}

/** `it` for a test that needs root; skipped with the reason in its name otherwise. */
export function itRoot(name: string, fn: TestFunction, timeout?: number): void {
  if (rootSkipReason) it.skip(`${name} [skipped: ${rootSkipReason}]`, fn);
  else it(name, fn, timeout);
}
