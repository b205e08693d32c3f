/**
 * The CLI's entry for entering a live lab's host, `wirelab shell` and `wirelab exec`: the
 * commands a student types most, whose start is felt at every prompt. It registers only those
 * two, so the bundle built from it (dist/bundle/enter.cjs, bin/wirelab.js picks it for them) is
 * a small part of the whole CLI's. Same commands, same code: `main.ts` registers them too.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { reportError } from '../commands/exit.js';
import { register as registerShell } from '../commands/shell.js';
import { register as registerExec } from '../commands/exec.js';
import { installOutputGuard } from '../util/output-guard.js';

/** The commands this entry serves; bin/wirelab.js sends only these here. */
export const ENTER_COMMANDS = ['shell', 'exec'];

export async function main(argv: string[]): Promise<number> {
  installOutputGuard();
  const program = new Command('wirelab')
    .description('Declarative network labs: run, check, grade and report scenarios written in YAML.')
    .version(VERSION)
    .showHelpAfterError('(run wirelab --help for usage)')
    .exitOverride();
  registerShell(program);
  registerExec(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
}
