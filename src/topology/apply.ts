import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamespaceSetup, RunPlan } from './plan.js';
import { processStart, removeState, saveState, type RunState } from './state.js';
import { runCmd } from './run-cmd.js';
import { EnvironmentError } from '../errors.js';

/** Where `ip netns exec` finds per-namespace files (resolv.conf). */
export const NETNS_ETC = '/etc/netns';

/**
 * Builds a planned topology with few processes, in two waves: one `ip -batch` adding the
 * namespaces and creating every link straight into them, then one script per
 * namespace (in parallel) for sysctls, addresses, routes, qdiscs and nftables. The state file lists everything before it exists,
 * so a killed run can be cleaned. On failure, whatever was made is removed and the error thrown.
 */
export async function applyPlan(plan: RunPlan, state: RunState): Promise<void> {
  state.namespaces = [...plan.namespaces];
  state.netnsDirs = plan.setups.filter((s) => s.resolvConf).map((s) => join(NETNS_ETC, s.netns));
  saveState(state);
  try {
    const rootBatch = [...plan.namespaces.map((n) => `netns add ${n}`), ...plan.linkBatch];
    await runCmd('ip', ['-batch', '-'], rootBatch.map((l) => `${l}\n`).join('')).catch((e: Error) => {
      throw missingFeature(e, rootBatch) ?? e;
    });
    await Promise.all(
      plan.setups.map(async (s) => {
        await runCmd('ip', ['netns', 'exec', s.netns, 'sh', '-c', setupScript(s)]).catch((e: Error) => {
          throw missingFeature(e, s.ipBatch) ?? e;
        });
        if (s.resolvConf) {
          await mkdir(join(NETNS_ETC, s.netns), { recursive: true });
          await writeFile(join(NETNS_ETC, s.netns, 'resolv.conf'), s.resolvConf);
        }
      }),
    );
  } catch (e) {
    await teardownState(state);
    throw e;
  }
}

/** Kernel modules of the link types a plan uses, and the kernel option that builds each in. */
const LINK_MODULES: Record<string, string> = { veth: 'CONFIG_VETH', bridge: 'CONFIG_BRIDGE' };

/**
 * An `ip -batch` failure that means the kernel lacks a link type (`Error: Unknown device type.`
 * at line N of the batch), as the EnvironmentError that names it and how to get it; undefined
 * for any other failure (a bug, reported as such).
 */
export function missingFeature(e: Error, batch: string[]): EnvironmentError | undefined {
  if (!/Unknown device type/.test(e.message)) return undefined;
  const line = /Command failed -:(\d+)/.exec(e.message);
  const type = (line && /\btype (\S+)/.exec(batch[Number(line[1]) - 1] ?? '')?.[1]) ?? 'veth or bridge';
  const option = LINK_MODULES[type] ?? `the kernel option for ${type}`;
  return new EnvironmentError(
    `this kernel has no "${type}" network device, which building the topology needs (ip: Unknown device type)`,
    `sudo modprobe ${type.split(' ')[0]}  (or use a kernel built with ${option})`,
    'missing-link-type',
  );
}

/**
 * One shell script per namespace, run inside it: sysctls by writing /proc/sys (per namespace,
 * and before the links go up so DAD is off), then `ip -batch`, `tc -batch` and `nft -f` from
 * here-documents, so a namespace costs one `ip netns exec` process tree.
 */
export function setupScript(s: NamespaceSetup): string {
  const lines = ['set -e'];
  for (const [k, v] of Object.entries(s.sysctls)) lines.push(`echo ${v} > /proc/sys/${k.replaceAll('.', '/')}`);
  const doc = (cmd: string, body: string) => lines.push(`${cmd} <<'WIRELAB_EOF'`, body.replace(/\n$/, ''), 'WIRELAB_EOF');
  if (s.ipBatch.length) doc('ip -batch -', s.ipBatch.join('\n'));
  if (s.tcBatch.length) doc('tc -batch -', s.tcBatch.join('\n'));
  if (s.nft) doc('nft -f -', s.nft);
  return lines.join('\n') + '\n';
}

/**
 * Removes everything a run's state lists, in reverse: agents still alive (SIGKILL), resolv.conf
 * directories, processes left inside its namespaces (SIGKILL), namespaces (which takes their links, bridges and nftables tables with them), the
 * state file. Every error is collected; nothing throws midway.
 */
export async function teardownState(state: RunState): Promise<Error[]> {
  const errors: Error[] = [];
  for (const { pid, start } of state.agents) {
    if (processStart(pid) !== start) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') errors.push(e as Error);
    }
  }
  for (const dir of [...state.netnsDirs].reverse()) {
    if (!dir.startsWith(`${NETNS_ETC}/wl-`)) continue;
    await rm(dir, { recursive: true, force: true }).catch((e: Error) => errors.push(e));
  }
  const existing = await listNetns().catch((e: Error) => (errors.push(e), [] as string[]));
  const doomed = [...state.namespaces].reverse().filter((n) => existing.includes(n));
  if (doomed.length) {
    // Programs still inside (a killed run's host threads leave their children behind): a
    // namespace is removed with them gone, not with them running on in a detached namespace.
    for (const pid of await namespacePids(doomed)) {
      if (pid === process.pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') errors.push(e as Error);
      }
    }
    await runCmd('ip', ['-force', '-batch', '-'], doomed.map((n) => `netns del ${n}\n`).join('')).catch((e: Error) => errors.push(e));
  }
  if (!errors.length) removeState(state.runId);
  return errors;
}

/** The processes inside these namespaces (`ip netns pids`, one batch), each once; [] for none or gone ones. */
export async function namespacePids(namespaces: readonly string[]): Promise<number[]> {
  if (!namespaces.length) return [];
  const out = await runCmd('ip', ['-force', '-batch', '-'], namespaces.map((n) => `netns pids ${n}\n`).join('')).catch(() => '');
  return [
    ...new Set(
      out
        .split(/\s+/)
        .filter((p) => /^\d+$/.test(p))
        .map(Number),
    ),
  ];
}

/** Where `ip netns add` makes a namespace's file (iproute2's NETNS_RUN_DIR). */
export const NETNS_RUN_DIR = '/run/netns';

/**
 * Names of the network namespaces that exist: the entries of /run/netns, which is what
 * `ip netns list` prints (read here instead of starting a process at every teardown).
 */
export async function listNetns(): Promise<string[]> {
  try {
    return (await readdir(NETNS_RUN_DIR)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
