import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where runs record what they built, so `wirelab cleanup` can remove what a killed run left. */
export function stateDir(): string {
  return process.env.WIRELAB_STATE_DIR ?? '/run/wirelab';
}

/** What one run has built (written before anything is created). */
export interface RunState {
  runId: string;
  /** Owner process and its start time (clock ticks since boot), so a reused PID is not mistaken for the owner. */
  pid: number;
  pidStart: string;
  startedAt: string;
  namespaces: string[];
  /** /etc/netns/<ns> directories holding resolv.conf files. */
  netnsDirs: string[];
  /** Host agents with their start times (killed by cleanup only if that very process is still alive). */
  agents: { pid: number; start: string }[];
}

/** Start time of a process (field 22 of /proc/PID/stat), or undefined if it does not exist. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True while the run's owner process is alive. */
export function ownerAlive(s: Pick<RunState, 'pid' | 'pidStart'>): boolean {
  return processStart(s.pid) === s.pidStart;
}

/** Claims a fresh run id (6 hex digits) by creating its state file exclusively. */
export function claimRun(): RunState {
  mkdirSync(stateDir(), { recursive: true, mode: 0o755 });
  for (let i = 0; i < 100; i++) {
    const runId = randomBytes(3).toString('hex');
    const state: RunState = {
      runId,
      pid: process.pid,
      pidStart: processStart(process.pid) ?? '',
      startedAt: new Date().toISOString(),
      namespaces: [],
      netnsDirs: [],
      agents: [],
    };
    try {
      writeFileSync(statePath(runId), JSON.stringify(state), { flag: 'wx' });
      return state;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error('cannot claim a run id');
}

export function statePath(runId: string): string {
  return join(stateDir(), `${runId}.json`);
}

/** Rewrites the state file atomically. */
export function saveState(s: RunState): void {
  const tmp = `${statePath(s.runId)}.tmp`;
  writeFileSync(tmp, JSON.stringify(s));
  renameSync(tmp, statePath(s.runId));
}

export function removeState(runId: string): void {
  rmSync(statePath(runId), { force: true });
}

/** Every readable state file. */
export function readStates(): RunState[] {
  let names: string[];
  try {
    names = readdirSync(stateDir());
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    if (!/^[0-9a-f]{6}\.json$/.test(n)) return [];
    try {
      return [JSON.parse(readFileSync(join(stateDir(), n), 'utf8')) as RunState];
    } catch {
      return [];
    }
  });
}
