/**
 * `wirelab shell HOST [--lab LAB]`: an interactive shell inside a live lab's host (its network
 * namespace, hostname, hosts file and resolver; prompt `[lab host]`), started in the lab's
 * work folder and recorded there as sessions/*.cast. Exits with the shell's exit code.
 */
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { pickLab } from '../live/state.js';
import { shellInLab } from '../live/sessions.js';

export function register(program: Command): void {
  program
    .command('shell')
    .description("an interactive shell inside a live lab's host, recorded in the lab's work folder")
    .argument('<host>', 'the host to enter')
    .option('--lab <lab>', 'the lab (default: the only one up)')
    .action(
      withExit(async (host: string, opts: { lab?: string }) => {
        const { code, cast } = await shellInLab(pickLab(opts.lab), host);
        process.stderr.write(`wirelab: session recorded in ${cast}\n`);
        return code;
      }),
    );
}
