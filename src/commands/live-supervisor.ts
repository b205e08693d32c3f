/**
 * `wirelab live-supervisor LAB` (hidden): the detached process `wirelab up` starts to own a
 * live lab (src/live/supervisor.ts). Not for people to type.
 */
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { superviseLab } from '../live/supervisor.js';

export function register(program: Command): void {
  program
    .command('live-supervisor', { hidden: true })
    .argument('<lab>')
    .action(withExit((lab: string) => superviseLab(lab)));
}
