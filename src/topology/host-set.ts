import type { Host } from '../hosts/host.js';
import type { HostSet } from '../hosts/host-set.js';
import { buildTopology, type BuildOptions, type Topology, type TopologyPlan } from './index.js';

/**
 * The interpreter's HostSet over a built topology: every host of the topology, each served by
 * an agent in its namespace; `close()` tears the topology down (errors go to `onErrors`).
 */
export class TopologyHostSet implements HostSet {
  readonly names: ReadonlySet<string>;
  readonly addresses: Map<string, string[]>;
  readonly allowedTargets: string[];

  constructor(
    readonly topology: Topology,
    private readonly onErrors: (errors: Error[]) => void = () => {},
  ) {
    this.names = new Set(topology.hosts.keys());
    this.addresses = new Map([...topology.hosts.keys()].map((h) => [h, topology.addressesOf(h)]));
    this.allowedTargets = [...topology.allowedTargets];
  }

  host(name: string): Host {
    return this.topology.host(name);
  }

  async close(): Promise<void> {
    const errors = await this.topology.teardown();
    if (errors.length) this.onErrors(errors);
  }
}

/** Builds the planned topology of a scenario and wraps it as a HostSet. */
export async function topologyHostSet(
  plan: TopologyPlan,
  opts: BuildOptions,
  onErrors?: (errors: Error[]) => void,
): Promise<TopologyHostSet> {
  return new TopologyHostSet(await buildTopology(plan, opts), onErrors);
}
