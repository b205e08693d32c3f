import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { EnvironmentError } from '../errors.js';
import { runCmd } from './run-cmd.js';

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;

/** Effective capabilities of this process (CapEff of /proc/self/status). */
function capEff(): bigint {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

async function tool(cmd: string, args: string[], pkg: string): Promise<void> {
  try {
    await runCmd(cmd, args);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new EnvironmentError(
        `\`${cmd}\` is not installed (needed to build the topology)`,
        `sudo apt-get install -y ${pkg}`,
        'missing-tool',
      );
    }
    throw e;
  }
}

let checked: Promise<void> | undefined;

/**
 * Checks, once per process, what building a topology needs: CAP_NET_ADMIN and CAP_SYS_ADMIN
 * (root), `ip` and `nft`, and that `ip netns add` works. Throws EnvironmentError with the fix.
 */
export function checkEnvironment(): Promise<void> {
  return (checked ??= doCheck().catch((e) => {
    checked = undefined;
    throw e;
  }));
}

async function doCheck(): Promise<void> {
  const caps = capEff();
  if (!((caps >> CAP_NET_ADMIN) & 1n) || !((caps >> CAP_SYS_ADMIN) & 1n)) {
    throw new EnvironmentError(
      'building a topology needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN, to create network namespaces)',
      `run as root: sudo wirelab …  (or grant the capabilities: sudo setcap cap_net_admin,cap_sys_admin,cap_net_raw+ep "$(readlink -f "$(which node)")")`,
      'not-root',
    );
  }
  await Promise.all([tool('ip', ['-V'], 'iproute2'), tool('nft', ['-v'], 'nftables')]);
  const probe = `wl-${randomBytes(3).toString('hex')}-envprobe`;
  try {
    await runCmd('ip', ['netns', 'add', probe]);
  } catch (e) {
    throw new EnvironmentError(
      `cannot create a network namespace: ${(e as Error).message}`,
      'run as root on a Linux kernel with network namespaces (CONFIG_NET_NS=y); in a container, run it with --privileged',
      'no-netns',
    );
  } finally {
    await runCmd('ip', ['netns', 'del', probe]).catch(() => undefined);
  }
}

/** The first line of what a failed command wrote to stderr (`Error: Specified qdisc kind is unknown.`). */
function reason(e: Error & { stderr?: string }): string {
  return (e.stderr?.trim() || e.message).split('\n')[0];
}

/** What the netem probe found: undefined when netem works, else which stage failed and why. */
let netem: Promise<{ stage: 'veth' | 'netem'; reason: string } | undefined> | undefined;

/** Tries netem once per process on a veth pair in a throwaway namespace (what a link with delay/loss gets). */
function probeNetem(): NonNullable<typeof netem> {
  return (netem ??= (async () => {
    const probe = `wl-${randomBytes(3).toString('hex')}-netemprobe`;
    await runCmd('ip', ['netns', 'add', probe]);
    try {
      // a veth pair: building a topology needs veth anyway (many kernels have no `dummy`)
      try {
        await runCmd('ip', ['-n', probe, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
      } catch (e) {
        return { stage: 'veth' as const, reason: reason(e as Error) };
      }
      try {
        await runCmd('tc', ['-n', probe, 'qdisc', 'add', 'dev', 'd0', 'root', 'netem', 'delay', '1ms']);
      } catch (e) {
        return { stage: 'netem' as const, reason: reason(e as Error) };
      }
      return undefined;
    } finally {
      await runCmd('ip', ['netns', 'del', probe]).catch(() => undefined);
    }
  })());
}

/**
 * Checks that the kernel can emulate the links that ask for it (`links`: `a–b (delay 20ms)`),
 * by trying netem on a veth pair, the link kind those links are. The error names the links,
 * the stage that failed (the veth pair itself, or the netem qdisc on it) and the kernel's words.
 */
export async function checkNetem(links: readonly string[] = []): Promise<void> {
  const r = await probeNetem();
  if (!r) return;
  const one = links.length === 1;
  const which = links.length ? `the link${one ? '' : 's'} ${links.join(', ')}` : 'links with delay or loss';
  const needs = one ? 'needs' : 'need';
  if (r.stage === 'veth')
    throw new EnvironmentError(
      `${which} ${needs} a veth pair, and this kernel could not make one (ip link add … type veth: ${r.reason})`,
      'sudo modprobe veth  (or use a kernel built with CONFIG_VETH)',
      'missing-link-type',
    );
  throw new EnvironmentError(
    `${which} ${needs} the netem qdisc on ${one ? 'its' : 'their'} veth ends, and this kernel refused it (tc qdisc add … netem: ${r.reason}): the kernel lacks netem (module sch_netem)`,
    'sudo modprobe sch_netem  (or use a kernel built with CONFIG_NET_SCH_NETEM; or remove delay/loss from the links)',
    'no-netem',
  );
}
