/**
 * `wirelab cleanup [--all] [--dry-run]`: removes the network namespaces, /etc/netns directories,
 * agents and state files that wirelab runs left behind (a run killed with SIGKILL, a crash).
 * Only what a run's state file names, and only of runs whose owner process is gone unless
 * `--all`; other `wl-…` namespaces are left and listed with `--dry-run`. Exit codes: 0 cleaned
 * (or nothing to clean); 3 something could not be removed.
 */
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { ExitCode } from '../errors.js';
import { cleanupRuns } from '../topology/cleanup.js';
import { cleanupLabs } from '../live/down.js';

export async function runCleanup(opts: { all?: boolean; dryRun?: boolean }): Promise<number> {
  // Live labs first: the processes inside a dead lab are found through its namespaces.
  const labs = await cleanupLabs(opts);
  const report = await cleanupRuns(opts);
  const verb = opts.dryRun ? 'would remove' : 'removed';
  for (const l of labs.removed) process.stdout.write(`${verb} lab ${l}\n`);
  for (const l of labs.left) process.stdout.write(`left ${l.name}: ${l.reason}\n`);
  report.errors.push(...labs.errors);
  for (const r of report.runs) {
    process.stdout.write(`${verb} run ${r.runId} (pid ${r.pid})${r.namespaces.length ? `: ${r.namespaces.join(' ')}` : ''}\n`);
  }
  if (!report.runs.length && !labs.removed.length) process.stdout.write('nothing to clean\n');
  if (opts.dryRun) for (const l of report.left) process.stdout.write(`would leave ${l.name}: ${l.reason}\n`);
  for (const e of report.errors) process.stderr.write(`wirelab: cleanup: ${e.message}\n`);
  return report.errors.length ? ExitCode.environment : ExitCode.ok;
}

export function register(program: Command): void {
  program
    .command('cleanup')
    .description("remove network namespaces and files left by wirelab runs whose process is gone (only wirelab's)")
    .option('--all', 'also remove those of runs still running')
    .option('--dry-run', 'only list what would be removed')
    .action(withExit((opts: { all?: boolean; dryRun?: boolean }) => runCleanup(opts)));
}
