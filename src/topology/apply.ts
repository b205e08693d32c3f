import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopologyPlan } from './plan.js';
import { processStart, removeState, saveState, type RunState } from './state.js';
import { runCmd } from './run-cmd.js';

/** Where `ip netns exec` finds per-namespace files (resolv.conf). */
export const NETNS_ETC = '/etc/netns';

/**
 * Builds a planned topology with few processes: one `ip -batch` for the namespaces, one per
 * namespace for sysctls + nftables, one `ip -batch` for every link, one `ip -n NS -batch` per
 * namespace for addresses, links and routes. The state file lists everything before it exists,
 * so a killed run can be cleaned. On failure, whatever was made is removed and the error thrown.
 */
export async function applyPlan(plan: TopologyPlan, state: RunState): Promise<void> {
  state.namespaces = [...plan.namespaces];
  state.netnsDirs = plan.setups.filter((s) => s.resolvConf).map((s) => join(NETNS_ETC, s.netns));
  saveState(state);
  try {
    await runCmd('ip', ['-batch', '-'], plan.namespaces.map((n) => `netns add ${n}\n`).join(''));
    await Promise.all(
      plan.setups.map((s) => {
        const sysctl = `sysctl -q -w ${Object.entries(s.sysctls).map(([k, v]) => `${k}=${v}`).join(' ')} >/dev/null`;
        const script = s.nft ? `${sysctl} && exec nft -f -` : sysctl;
        return runCmd('ip', ['netns', 'exec', s.netns, 'sh', '-c', script], s.nft);
      }),
    );
    if (plan.linkBatch.length) await runCmd('ip', ['-batch', '-'], plan.linkBatch.map((l) => `${l}\n`).join(''));
    await Promise.all(
      plan.setups.map(async (s) => {
        await runCmd('ip', ['-n', s.netns, '-batch', '-'], s.ipBatch.map((l) => `${l}\n`).join(''));
        if (s.tcBatch.length) await runCmd('tc', ['-n', s.netns, '-batch', '-'], s.tcBatch.map((l) => `${l}\n`).join(''));
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

/**
 * Removes everything a run's state lists, in reverse: agents still alive (SIGKILL), resolv.conf
 * directories, namespaces (which takes their links, bridges and nftables tables with them), the
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
    await runCmd('ip', ['-force', '-batch', '-'], doomed.map((n) => `netns del ${n}\n`).join('')).catch((e: Error) => errors.push(e));
  }
  if (!errors.length) removeState(state.runId);
  return errors;
}

/** Names of the network namespaces that exist (`ip netns list`). */
export async function listNetns(): Promise<string[]> {
  const out = await runCmd('ip', ['netns', 'list']);
  return out.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
}
