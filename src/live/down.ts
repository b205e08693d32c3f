/**
 * Taking a lab down: through its supervisor (SIGTERM; it ends the sessions inside, stops the
 * servers, removes the topology and its state file), or, when the supervisor is gone, directly
 * from what the lab's and the topology's state files name.
 */
import { listNetns, teardownState } from '../topology/apply.js';
import { readStates } from '../topology/state.js';
import { killNetnsProcesses } from './netns-procs.js';
import { readLab, removeLab, supervisorAlive, readLabs, type LabState } from './state.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Removes what a lab whose supervisor is gone left: processes inside, namespaces, files. */
async function removeOrphan(lab: LabState): Promise<Error[]> {
  await killNetnsProcesses(lab.hosts.map((h) => h.netns));
  const errors: Error[] = [];
  const run = lab.runId ? readStates().find((s) => s.runId === lab.runId) : undefined;
  if (run) errors.push(...(await teardownState(run)));
  removeLab(lab.name);
  return errors;
}

/**
 * Takes a lab down and waits (at most `timeoutMs`) until it is gone: its state file removed
 * and none of its namespaces left. Returns the problems (empty when it is gone).
 */
export async function downLab(lab: LabState, timeoutMs = 60_000): Promise<Error[]> {
  if (!supervisorAlive(lab)) return removeOrphan(lab);
  process.kill(lab.pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && (readLab(lab.name) || supervisorAlive(lab))) await sleep(20);
  if (supervisorAlive(lab)) return [new Error(`lab ${lab.name}: its supervisor (pid ${lab.pid}) did not finish within ${timeoutMs} ms`)];
  // A supervisor that died half-way (or failed) leaves its state: finish the job.
  const left = readLab(lab.name);
  if (left) return removeOrphan(left);
  const ns = new Set(lab.hosts.map((h) => h.netns));
  const still = (await listNetns().catch(() => [] as string[])).filter((n) => ns.has(n));
  return still.length ? [new Error(`lab ${lab.name}: namespaces left behind: ${still.join(' ')}`)] : [];
}

export interface LabCleanup {
  removed: string[];
  /** Live labs left alone (their supervisor is running), with how to take them down. */
  left: { name: string; reason: string }[];
  errors: Error[];
}

/**
 * The live-lab half of `wirelab cleanup`: labs whose supervisor is gone are removed (processes
 * inside them, their topology, their files); live ones are left, or taken down with `all`.
 */
export async function cleanupLabs(opts: { all?: boolean; dryRun?: boolean }): Promise<LabCleanup> {
  const out: LabCleanup = { removed: [], left: [], errors: [] };
  for (const lab of readLabs()) {
    const alive = supervisorAlive(lab);
    if (lab.pid === 0 && Date.now() - Date.parse(lab.createdAt) < 120_000) {
      out.left.push({ name: lab.name, reason: `lab ${lab.name} is being brought up` });
      continue;
    }
    if (alive && !opts.all) {
      out.left.push({
        name: lab.name,
        reason: `lab ${lab.name} is up (supervisor pid ${lab.pid}); take it down with \`wirelab down ${lab.name}\``,
      });
      continue;
    }
    out.removed.push(lab.name);
    if (!opts.dryRun) out.errors.push(...(await (alive ? downLab(lab) : removeOrphan(lab))));
  }
  return out;
}
