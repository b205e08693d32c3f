/** `wirelab ls [--json]`: the live labs, their status, hosts and time left. Exit 0. */
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { ExitCode } from '../errors.js';
import { readLabs, supervisorAlive } from '../live/state.js';

function left(ms: number): string {
  if (ms <= 0) return 'expired';
  const m = Math.round(ms / 60_000);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : m ? `${m}m` : `${Math.ceil(ms / 1000)}s`;
}

export function runLs(opts: { json?: boolean }): Promise<number> {
  const labs = readLabs().map((l) => ({ ...l, status: supervisorAlive(l) || l.pid === 0 ? l.status : ('gone' as const) }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(labs, null, 2)}\n`);
    return Promise.resolve(ExitCode.ok);
  }
  if (!labs.length) {
    process.stdout.write('no live labs\n');
    return Promise.resolve(ExitCode.ok);
  }
  const rows = [
    ['LAB', 'STATUS', 'SCENARIO', 'HOSTS', 'LEFT', 'FOLDER'],
    ...labs.map((l) => [
      l.name,
      l.status === 'gone' ? 'gone (supervisor died: wirelab cleanup)' : l.status,
      l.scenarioName,
      l.hosts.map((h) => h.name).join(',') || '-',
      left(Date.parse(l.expiresAt) - Date.now()),
      l.workdir,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
  return Promise.resolve(ExitCode.ok);
}

export function register(program: Command): void {
  program
    .command('ls')
    .description('list the live labs (wirelab up)')
    .option('--json', 'their state files as JSON')
    .action(withExit((opts: { json?: boolean }) => runLs(opts)));
}
