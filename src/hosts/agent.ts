import { HostContext, type HostOp } from './context.js';
import type { CommandWrapper } from '../util/command-line.js';
import { toWire, type AgentMessage, type AgentRequest } from './agent-protocol.js';

/** How long the agent waits for its resources to close when the controller disappears. */
const ORPHAN_SHUTDOWN_MS = 3000;

/**
 * The agent's end of its link to the controller: the IPC channel of an agent process, or the
 * message port of a host thread (src/ops/thread-main.ts).
 */
export interface AgentChannel {
  send(m: AgentMessage): void;
  onRequest(handler: (req: AgentRequest) => void): void;
  /** Called when the controller goes away (the IPC channel closes); a thread never sees this. */
  onDisconnect(handler: () => void): void;
  /** Ends the agent (the process exits, the thread returns) once its reply is sent. */
  end(code: number): void;
  /** The PID the controller records for this agent. */
  readonly pid: number;
}

/** The channel of an agent process started with an IPC channel (`AgentHost`). */
export function processChannel(): AgentChannel {
  if (!process.send) throw new Error('the host agent needs an IPC channel (start it with AgentHost)');
  return {
    pid: process.pid,
    send: (m) => {
      if (process.connected) process.send!(m);
    },
    onRequest: (handler) => void process.on('message', handler),
    onDisconnect: (handler) => void process.on('disconnect', handler),
    end: (code) => {
      if (process.connected) process.disconnect();
      process.exit(code);
    },
  };
}

/**
 * Serves `table` over `channel` (the agent side of AgentHost and ThreadHost): answers each
 * `{ id, op, args }`, closes everything and ends on `$shutdown`, and also when the controller
 * goes away (channel disconnect), so no agent outlives its run.
 */
export function serveOps(table: Record<string, HostOp>, ctx: HostContext, channel: AgentChannel = processChannel()): void {
  let stopping = false;
  const stop = async (id?: number) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => channel.end(1), ORPHAN_SHUTDOWN_MS);
    const errors = await ctx.shutdown();
    clearTimeout(timer);
    if (id !== undefined) channel.send({ id, ok: true, result: { errors: errors.map(toWire) } });
    channel.end(0);
  };
  channel.onRequest((raw) => {
    const { id, op, args } = raw;
    if (op === '$shutdown') return void stop(id);
    const fn = Object.hasOwn(table, op) ? table[op] : undefined;
    if (!fn) return channel.send({ id, ok: false, error: { name: 'Error', message: `unknown host op "${op}"` } });
    void (async () => {
      try {
        // the wire value is what the typed Host.call on the controller's side sent for this op
        const result: unknown = await fn(args as never, ctx);
        channel.send({ id, ok: true, result: result === undefined ? null : result });
      } catch (e) {
        channel.send({ id, ok: false, error: toWire(e) });
      }
    })();
  });
  channel.onDisconnect(() => void stop());
  channel.send({ type: 'ready', pid: channel.pid, netns: ctx.netns });
}

/**
 * The agent's context from its command line (`agent-main.js HOST WORKDIR [NETNS]`) and the
 * command wrapper its entry was given.
 */
export function contextFromArgv(argv = process.argv.slice(2), wrapCommand?: CommandWrapper): HostContext {
  const [name, workdir, netns] = argv;
  if (!name || !workdir) throw new Error('usage: agent-main.js HOST WORKDIR [NETNS]');
  return new HostContext(name, workdir, netns || undefined, wrapCommand);
}
