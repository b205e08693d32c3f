import { LocalHost, type Host, type HostOpTable } from './host.js';
import type { CommandWrapper } from '../util/command-line.js';

/**
 * The hosts a run can use: without a topology only `local` (this machine, in process); with
 * one, every host of the topology, each served by an agent in its namespace.
 */
export interface HostSet {
  readonly names: ReadonlySet<string>;
  /** Host name → its addresses (first = the one used for `connect: { to: host:port }`). */
  readonly addresses: Map<string, string[]>;
  /** CIDRs that probes may target besides loopback (the topology's subnets). */
  readonly allowedTargets: string[];
  host(name: string): Host;
  /** Stops every host and removes what was built for them. Never throws midway. */
  close(): Promise<void>;
}

export class LocalHostSet implements HostSet {
  readonly names = new Set(['local']);
  readonly addresses = new Map([['local', ['127.0.0.1', '::1']]]);
  readonly allowedTargets: string[] = [];
  private local: LocalHost | undefined;

  constructor(
    private readonly runDir: string,
    /** The ops the local host serves (the registry, src/ops/index.ts, handed in from above). */
    private readonly ops: HostOpTable,
    /** Rewrites every program the run starts (the grading sandbox); none: programs run as is. */
    private readonly wrapCommand?: CommandWrapper,
  ) {}

  host(name: string): Host {
    if (name !== 'local') throw new Error(`host ${name} does not exist (this scenario has no topology)`);
    return (this.local ??= new LocalHost('local', this.runDir, this.ops, { wrapCommand: this.wrapCommand }));
  }

  async close(): Promise<void> {
    await this.local?.shutdown();
  }
}
