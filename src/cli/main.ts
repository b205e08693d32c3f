import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { reportError } from './exit.js';
import * as validate from '../commands/validate.js';
import * as run from '../commands/run.js';
import * as decode from '../commands/decode.js';
import * as report from '../commands/report.js';
import * as scan from '../commands/scan.js';
import * as trace from '../commands/trace.js';
import * as resolve from '../commands/resolve.js';
import * as cleanup from '../commands/cleanup.js';

/** Every subcommand, in the order `--help` lists them. */
const commands: { register(p: Command): void }[] = [run, validate, report, decode, scan, resolve, trace, cleanup];

export async function main(argv: string[]): Promise<number> {
  const program = new Command('wirelab')
    .description('Declarative network labs: run, check, grade and report scenarios written in YAML.')
    .version(VERSION)
    .showHelpAfterError('(run wirelab --help for usage)')
    .exitOverride();
  for (const c of commands) c.register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
}
