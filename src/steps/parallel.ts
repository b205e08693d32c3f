import type { ParallelBody } from '../generated/scenario.js';
import type { Path } from '../util/yaml-path.js';
import { defineStep } from './kind.js';

/** Where branch `i`'s steps are below the body. */
const branchPath = (i: number): Path => ['branches', i, 'steps'];

/** The branches' step lists of a body, validated or not (the compiler compiles them either way). */
function branchPaths(body: unknown): Path[] {
  const branches = typeof body === 'object' && body !== null && 'branches' in body ? body.branches : undefined;
  return Array.isArray(branches) ? branches.map((_, i) => branchPath(i)) : [];
}

const titles = (b: ParallelBody) => b.branches.map((br, i) => br.name ?? `branch ${i + 1}`);

/**
 * Runs its branches at the same time, each branch's steps in order (see the schema for the
 * semantics: timeouts, failures, names, captures). It has no checks of its own: its branches'
 * steps carry them, with their points. The interpreter keeps the records in scenario order.
 */
export const parallel = defineStep({
  kind: 'parallel',
  describe: (b) => `in parallel: ${titles(b).join(' | ')}`,
  host: () => 'local',
  children: branchPaths,
  concurrent: true,
  async run(b, ctx) {
    await ctx.runConcurrently(b.branches.map((_, i) => branchPath(i)));
  },
});
