import { HostContext, type HostOp } from './context.js';
import type { CommandWrapper } from '../util/command-line.js';
import { toWire, type AgentMessage, type AgentRequest } from './agent-protocol.js';

/** How long the agent waits for its resources to close when the controller disappears. */
const ORPHAN_SHUTDOWN_MS = 3000;

/**
 * Serves `table` over the IPC channel of this process (the agent side of AgentHost): answers
 * each `{ id, op, args }`, closes everything and exits on `$shutdown`, and also when the
 * controller goes away (channel disconnect), so no agent outlives its run.
 */
export function serveOps(table: Record<string, HostOp>, ctx: HostContext): void {
  if (!process.send) throw new Error('the host agent needs an IPC channel (start it with AgentHost)');
  const send = (m: AgentMessage) => {
    if (process.connected) process.send!(m);
  };
  let stopping = false;
  const stop = async (id?: number) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), ORPHAN_SHUTDOWN_MS);
    const errors = await ctx.shutdown();
    clearTimeout(timer);
    if (id !== undefined) send({ id, ok: true, result: { errors: errors.map(toWire) } });
    if (process.connected) process.disconnect();
    process.exit(0);
  };
  process.on('message', async (raw: AgentRequest) => {
    const { id, op, args } = raw;
    if (op === '$shutdown') return void stop(id);
    const fn = Object.hasOwn(table, op) ? table[op] : undefined;
    if (!fn) return send({ id, ok: false, error: { name: 'Error', message: `unknown host op "${op}"` } });
    try {
      const result = await fn(args, ctx);
      send({ id, ok: true, result: result === undefined ? null : result });
    } catch (e) {
      send({ id, ok: false, error: toWire(e) });
    }
  });
  process.on('disconnect', () => void stop());
  send({ type: 'ready', pid: process.pid, netns: ctx.netns });
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
