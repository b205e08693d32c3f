import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { listNetns, NETNS_ETC, teardownState } from './apply.js';
import { ownerAlive, readStates, stateDir, type RunState } from './state.js';

export interface CleanupOptions {
  /** Also runs whose owner is alive (default: only dead runs'). */
  all?: boolean;
  /** Only report what would be removed. */
  dryRun?: boolean;
}

export interface CleanupReport {
  /** Runs (by state file) removed or to be removed, with the namespaces of theirs that exist. */
  runs: { runId: string; pid: number; namespaces: string[] }[];
  /**
   * wirelab-looking namespaces and /etc/netns directories that are left alone, with the reason:
   * no state file names them (they may belong to someone else, or to a run whose state lives in
   * another WIRELAB_STATE_DIR), or the run that names them is alive.
   */
  left: { name: string; reason: string }[];
  errors: Error[];
}

/** Names that look like wirelab's (`wl-…`); only these are listed as left alone. */
const LOOKS_LIKE_OURS = /^wl-/;

/**
 * Removes what wirelab runs left behind, and only what provably is wirelab's: a namespace (or
 * /etc/netns directory, or agent) is removed only when a state file names it and the owner
 * process recorded there is gone (with `all`, also when it is alive). A name alone proves
 * nothing: `wl-abcdef-x` made by someone else, or by a run whose state file is in another
 * state directory, is left and listed in `left`.
 */
export async function cleanupRuns(opts: CleanupOptions = {}): Promise<CleanupReport> {
  const report: CleanupReport = { runs: [], left: [], errors: [] };
  const states = readStates();
  const victims: RunState[] = states.filter((s) => opts.all || !ownerAlive(s));
  const alive = states.filter((s) => !victims.includes(s));
  const existing = await listNetns().catch((e: Error) => (report.errors.push(e), [] as string[]));
  for (const s of victims) {
    report.runs.push({ runId: s.runId, pid: s.pid, namespaces: s.namespaces.filter((n) => existing.includes(n)) });
    if (!opts.dryRun) report.errors.push(...(await teardownState(s)));
  }
  const claimed = new Set(victims.flatMap((s) => [...s.namespaces, ...s.netnsDirs]));
  const reason = (name: string, path: string) => {
    const owner = alive.find((s) => s.namespaces.includes(name) || s.netnsDirs.includes(path));
    return owner
      ? `run ${owner.runId} (pid ${owner.pid}) is still running`
      : `no state file in ${stateDir()} names it (not provably wirelab's)`;
  };
  for (const n of existing)
    if (LOOKS_LIKE_OURS.test(n) && !claimed.has(n)) report.left.push({ name: n, reason: reason(n, join(NETNS_ETC, n)) });
  try {
    for (const d of await readdir(NETNS_ETC)) {
      const path = join(NETNS_ETC, d);
      if (LOOKS_LIKE_OURS.test(d) && !claimed.has(path) && !existing.includes(d)) report.left.push({ name: path, reason: reason(d, path) });
    }
  } catch {
    /* no /etc/netns */
  }
  return report;
}
