import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Topology as TopologySpec } from '../../src/generated/scenario.js';
import { buildTopology, mustPlan, type Topology } from '../../src/topology/index.js';

const execFileP = promisify(execFile);
export const workdir = mkdtempSync(join(tmpdir(), 'wl-topo-'));

/** Run ids this test file created (the afterEach check looks only at these: other suites run too). */
export const myRuns = new Set<string>();
const live = new Set<Topology>();
const procs = new Set<ChildProcess>();

/** Plans (throwing on problems) and builds a topology; `teardown`/`cleanupAll` remove it. */
export async function build(spec: TopologySpec, opts: { agentPath?: string; hosts?: 'thread' | 'process' } = {}): Promise<Topology> {
  const t = await buildTopology(mustPlan(spec), { workdir, ...opts });
  myRuns.add(t.runId);
  live.add(t);
  return t;
}

export async function teardown(t: Topology): Promise<void> {
  live.delete(t);
  const errors = await t.teardown();
  if (errors.length) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
}

/** Runs a command inside a host's namespace (bounded by `timeout` ms); resolves with stdout. */
export async function nsRun(t: Topology, host: string, cmd: string[], timeout = 10000): Promise<string> {
  const { stdout } = await execFileP('ip', ['netns', 'exec', t.hosts.get(host)!.netns, ...cmd], { timeout });
  return stdout;
}

/** Starts a long-lived process inside a host's namespace; killed by PID in `cleanupAll`. */
export function nsSpawn(t: Topology, host: string, cmd: string[]): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', t.hosts.get(host)!.netns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.add(child);
  return child;
}

/** Kills the processes and tears down the topologies a test left (also when it failed). */
export async function cleanupAll(): Promise<void> {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  procs.clear();
  await Promise.all([...live].map((t) => teardown(t).catch(() => undefined)));
}

/** Namespaces and /etc/netns dirs of this file's runs that still exist. */
export async function leftovers(): Promise<string[]> {
  const { stdout } = await execFileP('ip', ['netns', 'list']);
  const names = stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter(Boolean);
  const mine = (n: string) => [...myRuns].some((id) => n.startsWith(`wl-${id}-`));
  return [...names.filter(mine), ...[...myRuns].filter((id) => existsSync(`/run/wirelab/${id}.json`)).map((id) => `state ${id}`)];
}

/** Waits (bounded) until `pred` holds. */
export async function until(pred: () => boolean | Promise<boolean>, maxMs = 5000): Promise<boolean> {
  for (let waited = 0; waited < maxMs; waited += 50) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pred();
}
