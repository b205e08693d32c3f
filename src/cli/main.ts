import { runCli, type CommandEntry } from './program.js';

/**
 * Every subcommand, in the order `--help` lists them. Modules load on demand: `wirelab scan`
 * imports only the scanner, not the interpreter and every host op (start-up is felt by
 * people who type one-off commands and by benchmarks that time them).
 */
const commands: CommandEntry[] = [
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

export function main(argv: string[]): Promise<number> {
  return runCli(argv, commands);
}
