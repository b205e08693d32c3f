/**
 * Entry of a host thread: a worker thread of the run's own process that moves itself into a
 * host's namespaces (`enterNetns`, native/netns.c: what `ip netns exec` does, for this thread
 * only) and then serves every op of `hostOps` for that host, as an agent process would. Sockets it
 * opens, threads it starts and programs it spawns live in the host's namespaces.
 *
 * Messages cross as JSON text, so results are exactly what an agent process's IPC channel
 * (JSON serialisation) would deliver.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { nativeProbe } from '../probes/native.js';
import { hostOps } from './ops.js';
import { serveOps, type AgentChannel } from './agent.js';
import { HostContext, type HostOp } from './context.js';
import type { AgentRequest } from './agent-protocol.js';

export interface HostThreadData {
  name: string;
  workdir: string;
  netns: string;
}

const data = workerData as HostThreadData;
const port = parentPort;
if (!port) throw new Error('thread-main.js runs as a worker thread (start it with ThreadHost)');
const native = nativeProbe();
if (!native?.enterNetns) throw new Error('host threads need the native module (native/netns.c); run: npm run install');
native.enterNetns(data.netns);

const channel: AgentChannel = {
  pid: process.pid,
  send: (m) => port.postMessage(JSON.stringify(m)),
  onRequest: (handler) => void port.on('message', (text: string) => handler(JSON.parse(text) as AgentRequest)),
  onDisconnect: () => undefined,
  end: () => port.close(),
};
serveOps(hostOps as Record<string, HostOp>, new HostContext(data.name, data.workdir, data.netns), channel);
