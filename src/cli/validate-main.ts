import * as validate from '../commands/validate.js';
import { runCli } from './program.js';

/**
 * `wirelab validate` on its own: the entry of dist/bundle/validate.cjs (scripts/bundle.mjs),
 * which bin/wirelab.js loads for `validate` so that it reads, deserializes and runs only the
 * code validate uses (not the interpreter, the hosts, grading or reports). The same CLI as
 * main.ts with only this command registered, which is what main.ts registers for `validate`.
 */
export function main(argv: string[]): Promise<number> {
  return runCli(argv, [['validate', () => Promise.resolve(validate)]]);
}
