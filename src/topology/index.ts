import { ipFamily } from '../util/ip.js';
import type { TopologyRecord } from '../generated/run-record.js';
import { AgentHost } from '../hosts/remote.js';
import { ThreadHost } from '../hosts/thread.js';
import { nativeProbe } from '../probes/native.js';
import type { Host } from '../hosts/host.js';
import { UsageError } from '../errors.js';
import { canonical } from './addr.js';
import { applyPlan, teardownState } from './apply.js';
import { checkEnvironment, checkNetem } from './env.js';
import { emulatedLinks, runPlan, type PlannedInterface, type RunHost, type RunPlan, type TopologyPlan } from './plan.js';
import { claimRun, processStart as readStart, removeState, saveState, type RunState } from './state.js';

export { mustPlan, planTopology, type PlanResult, type TopologyPlan } from './plan.js';

export interface BuildOptions {
  /** Directory of the run (agents' working files). */
  workdir: string;
  /** Start every agent during the build (default: on a host's first call). */
  startAgents?: boolean;
  /** Path of the agent script (tests; implies agent processes); default dist/ops/agent-main.js. */
  agentPath?: string;
  /**
   * How hosts run: `thread`, a worker thread of this process inside the host's namespaces
   * (the default where the native module has `enterNetns`), or `process`, an agent process per
   * host started with `ip netns exec` (default without it, or with WIRELAB_HOSTS=process).
   */
  hosts?: 'thread' | 'process';
}

/** The default host mode: threads where the native module can move a thread into a namespace. */
export function defaultHostMode(env: NodeJS.ProcessEnv = process.env): 'thread' | 'process' {
  if (env.WIRELAB_HOSTS === 'process') return 'process';
  return nativeProbe()?.enterNetns ? 'thread' : 'process';
}

/**
 * Hosts as threads make the run one process of many threads, each with a malloc arena of its
 * own; glibc's default of raising its mmap threshold to every large block freed (the bundle's
 * source, a code cache) then leaves freed megabytes in those arenas. A fixed threshold (glibc's
 * own 128 KiB default, no longer raised) returns large blocks to the kernel when they are freed
 * (native/malloc.c). Process-wide, best effort: without the native call nothing changes;
 * `WIRELAB_MALLOC_TUNE=off` keeps glibc's defaults. True when the thresholds were set.
 */
export function tuneMallocForThreads(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.WIRELAB_MALLOC_TUNE === 'off') return false; // glibc's defaults, to compare
  return nativeProbe()?.mallocTune?.({ mmapThreshold: 128 << 10, trimThreshold: 128 << 10 }) ?? false;
}

/** A built topology: its hosts, their agents, and its teardown. */
export interface Topology {
  /** The 6-hex run id every name of this run carries (`wl-<runId>-<host>`). */
  readonly runId: string;
  readonly hosts: Map<string, { netns: string; addresses: string[]; interfaces: PlannedInterface[]; router: boolean }>;
  /** Every subnet of the topology: what scans and traces may target besides loopback. */
  readonly allowedTargets: string[];
  /** What was built, for this run (namespaces, links, scripts). */
  readonly plan: RunPlan;
  /** The agent of a host (started on first use). Throws UsageError for an unknown host. */
  host(name: string): Host;
  /** Addresses of a host (first interface's first). */
  addressesOf(name: string): string[];
  /** A host name → its first address (IPv4 if `family` 4 …); an IP literal as is. */
  resolveTarget(nameOrIp: string, family?: 4 | 6): string;
  /** The host of an address, if any (for naming packets' endpoints). */
  hostOf(ip: string): string | undefined;
  /** The topology as the run record shows it. */
  record(): Omit<TopologyRecord, 'runId'>;
  /** Stops agents, then removes namespaces, resolv.conf dirs and the state file. Never throws. */
  teardown(): Promise<Error[]>;
}

/**
 * Builds a planned topology (see `planTopology`) in network namespaces: checks the environment
 * (and netem when a link has delay/loss), claims a run id, applies the plan for it. Throws
 * EnvironmentError (missing root/tools/kernel features); on failure nothing is left behind.
 */
export async function buildTopology(planned: TopologyPlan, opts: BuildOptions): Promise<Topology> {
  await checkEnvironment();
  const state = claimRun();
  let plan: RunPlan;
  try {
    plan = runPlan(planned, state.runId);
    if (plan.needsNetem) await checkNetem(emulatedLinks(planned));
    await applyPlan(plan, state);
  } catch (e) {
    removeState(state.runId);
    throw e;
  }
  if (!opts.agentPath && (opts.hosts ?? defaultHostMode()) === 'thread') tuneMallocForThreads();
  const topo = new BuiltTopology(plan, state, opts);
  if (opts.startAgents) {
    try {
      await Promise.all(plan.hosts.map((h) => (topo.host(h.name) as AgentHost | ThreadHost).start()));
    } catch (e) {
      await topo.teardown();
      throw e;
    }
  }
  return topo;
}

class BuiltTopology implements Topology {
  readonly runId: string;
  readonly hosts: Topology['hosts'];
  readonly allowedTargets: string[];
  private readonly agents = new Map<string, AgentHost | ThreadHost>();
  private readonly byAddress = new Map<string, string>();
  private torn: Promise<Error[]> | undefined;

  constructor(
    readonly plan: RunPlan,
    private readonly state: RunState,
    private readonly opts: BuildOptions,
  ) {
    this.runId = plan.runId;
    this.hosts = new Map(
      plan.hosts.map((h) => [h.name, { netns: h.netns, addresses: h.addresses, interfaces: h.interfaces, router: h.router }]),
    );
    this.allowedTargets = [...plan.subnets];
    for (const h of plan.hosts) for (const a of h.addresses) this.byAddress.set(a, h.name);
  }

  private planned(name: string): RunHost {
    const h = this.plan.hosts.find((x) => x.name === name);
    if (!h) throw new UsageError(`unknown host "${name}" (hosts: ${this.plan.hosts.map((x) => x.name).join(', ')})`);
    return h;
  }

  host(name: string): Host {
    const h = this.planned(name);
    if (this.torn) throw new Error(`topology ${this.runId} is torn down`);
    let agent = this.agents.get(name);
    if (!agent && !this.opts.agentPath && (this.opts.hosts ?? defaultHostMode()) === 'thread') {
      agent = new ThreadHost(name, { netns: h.netns, workdir: this.opts.workdir });
      this.agents.set(name, agent);
    }
    if (!agent) {
      agent = new AgentHost(name, {
        netns: h.netns,
        workdir: this.opts.workdir,
        agentPath: this.opts.agentPath,
        onStart: (pid) => {
          const start = readStart(pid);
          if (start) {
            this.state.agents.push({ pid, start });
            saveState(this.state);
          }
        },
      });
      this.agents.set(name, agent);
    }
    return agent;
  }

  addressesOf(name: string): string[] {
    return [...this.planned(name).addresses];
  }

  resolveTarget(nameOrIp: string, family?: 4 | 6): string {
    if (ipFamily(nameOrIp)) return canonical(nameOrIp);
    const addrs = this.addressesOf(nameOrIp);
    const pick = family ? addrs.find((a) => ipFamily(a) === family) : addrs[0];
    if (!pick) throw new UsageError(`host ${nameOrIp} has no IPv${family} address`);
    return pick;
  }

  hostOf(ip: string): string | undefined {
    return ipFamily(ip) ? this.byAddress.get(canonical(ip)) : undefined;
  }

  record(): ReturnType<Topology['record']> {
    return {
      hosts: this.plan.hosts.map((h) => ({
        name: h.name,
        router: h.router,
        addresses: h.addresses,
        interfaces: h.interfaces.map((i) => ({ ...i })),
        ...(h.firewall ? { firewall: h.firewall } : {}),
        ...(h.silent ? { icmp: 'silent' as const } : {}),
      })),
      networks: this.plan.segments.map((s) => ({
        name: s.key,
        subnets: [...s.subnets],
        members: s.members.map((m) => ({ host: m.host, iface: m.iface, mtu: m.mtu })),
      })),
    };
  }

  teardown(): Promise<Error[]> {
    return (this.torn ??= (async () => {
      const errors: Error[] = [];
      const results = await Promise.allSettled([...this.agents.values()].reverse().map((a) => a.shutdown()));
      for (const r of results) {
        if (r.status === 'fulfilled') errors.push(...r.value);
        else errors.push(r.reason instanceof Error ? r.reason : new Error(String(r.reason)));
      }
      errors.push(...(await teardownState(this.state)));
      return errors;
    })());
  }
}
