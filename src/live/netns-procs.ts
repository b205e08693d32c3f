import { readFileSync } from 'node:fs';
import { runCmd } from '../topology/run-cmd.js';

/**
 * Process ids in a network namespace (`ip netns pids`), without this process and its own
 * children (host agents, the lab's command servers: the run's teardown stops those); [] when
 * the namespace is gone.
 */
export async function netnsPids(netns: string): Promise<number[]> {
  try {
    const stdout = await runCmd('ip', ['netns', 'pids', netns]);
    return stdout
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((p) => Number.isInteger(p) && p > 0 && !descendsFrom(p, process.pid));
  } catch {
    return [];
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** True when `pid` is `ancestor` or one of its descendants (bounded walk up the parents). */
function descendsFrom(pid: number, ancestor: number): boolean {
  let p: number | undefined = pid;
  for (let i = 0; i < 64 && p && p > 1; i++) {
    if (p === ancestor) return true;
    p = parentOf(p);
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends every process inside a lab's namespaces (its shells, exec sessions and whatever they
 * started): SIGTERM (SIGHUP first, as a closing terminal would), then SIGKILL after `graceMs`.
 */
export async function killNetnsProcesses(namespaces: string[], graceMs = 2000): Promise<number[]> {
  const pids = [...new Set((await Promise.all(namespaces.map(netnsPids))).flat())];
  for (const sig of ['SIGHUP', 'SIGTERM'] as const)
    for (const p of pids)
      try {
        process.kill(p, sig);
      } catch {
        /* gone */
      }
  const until = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  for (const p of pids.filter(alive))
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  return pids;
}
