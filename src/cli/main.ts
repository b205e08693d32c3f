import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { reportError } from '../commands/exit.js';
import { installOutputGuard } from '../util/output-guard.js';

type CommandModule = { register(p: Command): void };

/**
 * Every subcommand, in the order `--help` lists them. Modules load on demand: `wirelab scan`
 * imports only the scanner, not the interpreter and every host op (start-up is felt by
 * people who type one-off commands and by benchmarks that time them).
 */
const commands: [string, () => Promise<CommandModule>][] = [
  ['run', () => import('../commands/run.js')],
  ['validate', () => import('../commands/validate.js')],
  ['grade', () => import('../commands/grade.js')],
  ['report', () => import('../commands/report.js')],
  ['decode', () => import('../commands/decode.js')],
  ['scan', () => import('../commands/scan.js')],
  ['resolve', () => import('../commands/resolve.js')],
  ['trace', () => import('../commands/trace.js')],
  ['cleanup', () => import('../commands/cleanup.js')],
  ['up', () => import('../commands/up.js')],
  ['ls', () => import('../commands/ls.js')],
  ['shell', () => import('../commands/shell.js')],
  ['exec', () => import('../commands/exec.js')],
  ['check', () => import('../commands/check.js')],
  ['down', () => import('../commands/down.js')],
  ['live-supervisor', () => import('../commands/live-supervisor.js')],
];

export async function main(argv: string[]): Promise<number> {
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
