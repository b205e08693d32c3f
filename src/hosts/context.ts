/**
 * What a host-side operation gets: the host's name, where to put files, and a resource table
 * whose entries are released in reverse order of creation when the host shuts down.
 * The same context exists in-process (LocalHost) and inside each namespace agent.
 */
import type { CommandWrapper } from '../util/command-line.js';

export interface Resource {
  /** Stops the resource: closes a socket, kills a process (by PID, its group), flushes a capture. */
  close(): Promise<void>;
}

export class HostContext {
  private readonly resources = new Map<string, { kind: string; res: Resource }>();
  private seq = 0;

  constructor(
    /** Host name in the topology, or "local" without one. */
    readonly name: string,
    /** Directory of the run: captures and other files go here. */
    readonly workdir: string,
    /** Namespace this host lives in, or undefined for the machine's own. */
    readonly netns?: string,
    /** Rewrites every program this host starts (the grading sandbox); none: programs run as is. */
    readonly wrapCommand?: CommandWrapper,
  ) {}

  /** Registers a resource; it is closed by `shutdown()` unless released earlier. */
  track<R extends Resource>(kind: string, res: R): string {
    const id = `${kind}-${++this.seq}`;
    this.resources.set(id, { kind, res });
    return id;
  }

  get<R extends Resource>(id: string, kind: string): R {
    const entry = this.resources.get(id);
    if (!entry || entry.kind !== kind) throw new Error(`host ${this.name}: no ${kind} with id ${id}`);
    return entry.res as R;
  }

  has(id: string): boolean {
    return this.resources.has(id);
  }

  /** Closes one resource now and forgets it. */
  async release(id: string): Promise<void> {
    const entry = this.resources.get(id);
    if (!entry) return;
    this.resources.delete(id);
    await entry.res.close();
  }

  /** Closes everything still open, newest first; errors are collected, not thrown midway. */
  async shutdown(): Promise<Error[]> {
    const errors: Error[] = [];
    const ids = [...this.resources.keys()].reverse();
    for (const id of ids) {
      try {
        await this.release(id);
      } catch (e) {
        errors.push(e instanceof Error ? e : new Error(String(e)));
      }
    }
    return errors;
  }
}

/** A host-side operation: JSON in, JSON out, so it can cross the agent IPC unchanged. */
export type HostOp<A = never, R = unknown> = (args: A, ctx: HostContext) => Promise<R>;
