import { readdirSync, readFileSync } from 'node:fs';

/**
 * PIDs of the processes whose real user id is `uid` (read from /proc): the live ones, or with
 * `zombies` also those that exited and wait to be reaped (they still count for RLIMIT_NPROC).
 */
export function processesOf(uid: number, zombies = false): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const m = /^Uid:\s+(\d+)/m.exec(status);
      const zombie = /^State:\s+[ZX]/m.test(status);
      if (m && Number(m[1]) === uid && (zombies || !zombie)) pids.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/**
 * Ends every process of a grading slot's sandbox user, by PID. The user is dedicated to the
 * slot and only runs what this grader started in it, so these are all ours — including
 * processes that left their process group (setsid, double fork). Stops them first so a fork
 * bomb cannot replace what is killed; bounded rounds; then waits (at most `settleMs`) until
 * the killed are reaped. Returns how many were killed.
 */
export async function reapUser(uid: number, rounds = 20, settleMs = 5000): Promise<number> {
  if (uid === 0) throw new Error('refusing to reap root');
  let killed = 0;
  for (let r = 0; r < rounds; r++) {
    const pids = processesOf(uid);
    if (pids.length === 0) {
      // The killed become zombies until their new parent (init) reaps them; until then they
      // count against the next submission's process limit, so wait for them (bounded).
      const until = Date.now() + settleMs;
      while (processesOf(uid, true).length > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
      return killed;
    }
    for (const sig of ['SIGSTOP', 'SIGKILL'] as const) {
      for (const pid of pids) {
        try {
          process.kill(pid, sig);
          if (sig === 'SIGKILL') killed++;
        } catch {
          /* gone */
        }
      }
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  return killed;
}
