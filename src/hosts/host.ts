import type { CommandWrapper } from '../util/command-line.js';
import { HostContext, type HostOp } from './context.js';

/**
 * The operations a host serves, by name. Empty here: the registry above the domains
 * (src/ops/index.ts) fills it in by declaration merging, so `Host.call` is typed by the real
 * table while this contract imports none of the modules that implement it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HostOpTable {}

export type OpName = Extract<keyof HostOpTable, string>;
export type OpArgs<K extends OpName> = HostOpTable[K] extends HostOp<infer A, unknown> ? A : never;
export type OpResult<K extends OpName> = HostOpTable[K] extends HostOp<never, infer R> ? R : never;

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

/** A host in this process: runs the ops of the table it is given (the registry, from above). */
export class LocalHost implements Host {
  readonly ctx: HostContext;
  constructor(
    readonly name: string,
    workdir: string,
    private readonly ops: HostOpTable,
    opts: { netns?: string; wrapCommand?: CommandWrapper } = {},
  ) {
    this.ctx = new HostContext(name, workdir, opts.netns, opts.wrapCommand);
  }

  call<K extends OpName>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
    // each op of the table is a HostOp of its own args and result; K picks the one called
    const fn: HostOp<never, unknown> = this.ops[op];
    return fn(args as never, this.ctx) as Promise<OpResult<K>>;
  }

  shutdown(): Promise<Error[]> {
    return this.ctx.shutdown();
  }
}
