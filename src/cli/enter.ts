import * as exec from '../commands/exec.js';
import * as shell from '../commands/shell.js';
import { runCli } from './program.js';

/**
 * The CLI's entry for entering a live lab's host, `wirelab shell` and `wirelab exec`: the
 * commands a student types most, whose start is felt at every prompt. It registers only those
 * two, so the bundle built from it (dist/bundle/enter.cjs, bin/wirelab.js picks it for them) is
 * a small part of the whole CLI's. Same commands, same code: `main.ts` registers them too.
 */
export function main(argv: string[]): Promise<number> {
  return runCli(argv, [
    ['shell', () => Promise.resolve(shell)],
    ['exec', () => Promise.resolve(exec)],
  ]);
}
