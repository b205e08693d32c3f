import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { reportError } from '../commands/exit.js';
import { installOutputGuard } from '../util/output-guard.js';

export type CommandModule = { register(p: Command): void };

/** A subcommand's name and how to load its module. */
export type CommandEntry = [string, () => Promise<CommandModule>];

/**
 * The CLI over `commands` (in the order `--help` lists them): loads only the command `argv`
 * names (every one when it names none), parses, and maps the outcome to the exit code.
 * `main.ts` passes every command; `validate-main.ts` only `validate` (its own, smaller bundle).
 */
export async function runCli(argv: string[], commands: CommandEntry[]): Promise<number> {
  // `--version` needs no command: answer before loading any (what commander would print).
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  installOutputGuard();
  const program = new Command('wirelab')
    .description('Declarative network labs: run, check, grade and report scenarios written in YAML.')
    .version(VERSION)
    .showHelpAfterError('(run wirelab --help for usage)')
    .exitOverride();
  const wanted = commands.filter(([name]) => name === argv[0]);
  for (const [, load] of wanted.length ? wanted : commands) (await load()).register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
}
