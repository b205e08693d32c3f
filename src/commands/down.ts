/**
 * `wirelab down [LAB] [--all]`: takes a live lab down with everything it made (sessions inside
 * it, servers, namespaces, files) and waits until it is gone. Exit 0 gone, 2 no such lab,
 * 3 something could not be removed.
 */
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { ExitCode } from '../errors.js';
import { downLab } from '../live/down.js';
import { pickLab, readLabs } from '../live/state.js';

export async function runDown(lab: string | undefined, opts: { all?: boolean }): Promise<number> {
  const labs = opts.all ? readLabs() : [pickLab(lab)];
  if (!labs.length) process.stdout.write('no live labs\n');
  let code: number = ExitCode.ok;
  for (const l of labs) {
    const errors = await downLab(l);
    for (const e of errors) process.stderr.write(`wirelab: down: ${e.message}\n`);
    if (errors.length) code = ExitCode.environment;
    else process.stdout.write(`lab ${l.name} is down\n`);
  }
  return code;
}

export function register(program: Command): void {
  program
    .command('down')
    .description('take a live lab down with everything it made, and wait until it is gone')
    .argument('[lab]', 'the lab (default: the only one up)')
    .option('--all', 'every live lab')
    .action(withExit((lab: string | undefined, opts: { all?: boolean }) => runDown(lab, opts)));
}
