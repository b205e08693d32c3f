import { HostContext } from './context.js';
import { hostOps, type HostOps } from './ops.js';

export type OpName = keyof HostOps;
export type OpArgs<K extends OpName> = Parameters<HostOps[K]>[0];
export type OpResult<K extends OpName> = Awaited<ReturnType<HostOps[K]>>;

/**
 * Where steps run. Step runners never touch sockets or processes themselves: they call
 * operations on a Host. LocalHost runs them in this process (no topology); a namespace agent
 * (src/hosts/remote.ts) forwards the same calls over IPC to a node process inside the namespace.
 */
export interface Host {
  readonly name: string;
  call<K extends OpName>(op: K, args: OpArgs<K>): Promise<OpResult<K>>;
  /** Releases everything this host started (LIFO). Safe to call twice. */
  shutdown(): Promise<Error[]>;
}

export class LocalHost implements Host {
  readonly ctx: HostContext;
  constructor(readonly name: string, workdir: string, netns?: string) {
    this.ctx = new HostContext(name, workdir, netns);
  }

  call<K extends OpName>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
    const fn = hostOps[op] as (a: OpArgs<K>, c: HostContext) => Promise<OpResult<K>>;
    return fn(args, this.ctx);
  }

  shutdown(): Promise<Error[]> {
    return this.ctx.shutdown();
  }
}
