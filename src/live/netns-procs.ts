import { readFileSync } from 'node:fs';
import { namespacePids } from '../topology/apply.js';
import { alive } from '../util/pid.js';

/**
 * Process ids in a lab's network namespaces, without this process and its own children (host
 * threads' programs, the lab's command servers: the run's teardown stops those).
 */
async function labPids(namespaces: readonly string[]): Promise<number[]> {
  return (await namespacePids(namespaces)).filter((p) => p > 0 && !descendsFrom(p, process.pid));
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

/**
 * Ends every process inside a lab's namespaces (its shells, exec sessions and whatever they
 * started): SIGTERM (SIGHUP first, as a closing terminal would), then SIGKILL after `graceMs`.
 */
export async function killNetnsProcesses(namespaces: string[], graceMs = 2000): Promise<number[]> {
  const pids = await labPids(namespaces);
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
