/**
 * `wirelab exec HOST [--lab LAB] -- CMD [ARG...]`: runs one command inside a live lab's host, as
 * `wirelab shell` would (namespace, hostname, hosts file, resolver), in the current folder;
 * its output passes through and is recorded in the lab's work folder. Exits with its exit code.
 */
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { pickLab } from '../live/state.js';
import { execInLab } from '../live/sessions.js';

export function register(program: Command): void {
  program
    .command('exec')
    .description("run one command inside a live lab's host (recorded in the lab's work folder)")
    .argument('<host>', 'the host')
    .argument('<command...>', 'the command and its arguments (after --)')
    .option('--lab <lab>', 'the lab (default: the only one up)')
    .action(withExit(async (host: string, cmd: string[], opts: { lab?: string }) => (await execInLab(pickLab(opts.lab), host, cmd)).code));
}
