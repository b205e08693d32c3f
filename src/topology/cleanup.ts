import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listNetns, NETNS_ETC, teardownState } from './apply.js';
import { NETNS_PATTERN } from './plan.js';
import { ownerAlive, readStates, removeState, type RunState } from './state.js';
import { runCmd } from './run-cmd.js';

export interface CleanupOptions {
  /** Also runs whose owner is alive, and probe namespaces (default: only dead runs'). */
  all?: boolean;
  /** Only report what would be removed. */
  dryRun?: boolean;
}

export interface CleanupReport {
  /** Runs (by state file) removed or to be removed. */
  runs: { runId: string; pid: number; namespaces: string[] }[];
  /** wirelab-named namespaces and /etc/netns dirs without a state file (left by a crash). */
  orphans: string[];
  errors: Error[];
}

/**
 * Removes what wirelab runs left behind, and only wirelab's: namespaces named `wl-<runid>-…`,
 * their /etc/netns directories and agents, and the state files of runs whose owner process is
 * gone (every run with `all`). A namespace of a run whose state file exists and whose owner is
 * alive is never touched without `all`.
 */
export async function cleanupRuns(opts: CleanupOptions = {}): Promise<CleanupReport> {
  const report: CleanupReport = { runs: [], orphans: [], errors: [] };
  const states = readStates();
  const known = new Set(states.map((s) => s.runId));
  const victims: RunState[] = states.filter((s) => opts.all || !ownerAlive(s));
  const existing = await listNetns().catch((e: Error) => (report.errors.push(e), [] as string[]));
  for (const s of victims) {
    // names of the run present now but not yet in its state (the state lists them before creation anyway)
    const extra = existing.filter((n) => NETNS_PATTERN.exec(n)?.[1] === s.runId && !s.namespaces.includes(n));
    const full = { ...s, namespaces: [...s.namespaces, ...extra] };
    report.runs.push({ runId: s.runId, pid: s.pid, namespaces: full.namespaces.filter((n) => existing.includes(n)) });
    if (!opts.dryRun) report.errors.push(...(await teardownState(full)));
  }
  const orphanNs = existing.filter((n) => {
    const id = NETNS_PATTERN.exec(n)?.[1];
    return id && !known.has(id) && (opts.all || !/probe$/.test(n));
  });
  let dirs: string[] = [];
  try {
    dirs = (await readdir(NETNS_ETC)).filter((d) => {
      const id = NETNS_PATTERN.exec(d)?.[1];
      return id && (!known.has(id) || victims.some((v) => v.runId === id)) && !existing.some((n) => n === d && !orphanNs.includes(n));
    });
  } catch {
    /* no /etc/netns */
  }
  report.orphans.push(...orphanNs, ...dirs.map((d) => join(NETNS_ETC, d)));
  if (!opts.dryRun) {
    if (orphanNs.length) await runCmd('ip', ['-force', '-batch', '-'], orphanNs.map((n) => `netns del ${n}\n`).join('')).catch((e: Error) => report.errors.push(e));
    for (const d of dirs) await rm(join(NETNS_ETC, d), { recursive: true, force: true }).catch((e: Error) => report.errors.push(e));
    for (const s of victims) if (!report.errors.length) removeState(s.runId);
  }
  return report;
}
