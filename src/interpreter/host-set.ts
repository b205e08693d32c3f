import { LocalHost, type Host } from '../hosts/host.js';
import { hostOps } from '../ops/index.js';
import type { SandboxSpec } from '../sandbox/limits.js';
import { sandboxWrapper } from '../sandbox/wrap.js';

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
    /** The grading sandbox every program of the run starts in; none: programs run as is. */
    private readonly sandbox?: SandboxSpec,
  ) {}

  host(name: string): Host {
    if (name !== 'local') throw new Error(`host ${name} does not exist (this scenario has no topology)`);
    return (this.local ??= new LocalHost('local', this.runDir, hostOps, { wrapCommand: this.sandbox && sandboxWrapper(this.sandbox) }));
  }

  async close(): Promise<void> {
    await this.local?.shutdown();
  }
}
