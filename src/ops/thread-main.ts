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
import { hostOps } from './index.js';
import { serveOps, type AgentChannel } from '../hosts/agent.js';
import { HostContext } from '../hosts/context.js';
import type { HostThreadData } from '../hosts/thread.js';
import type { AgentRequest } from '../hosts/agent-protocol.js';
import { sandboxFromEnv } from '../sandbox/limits.js';
import { sandboxWrapper } from '../sandbox/wrap.js';

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
// the run's sandbox (`wirelab grade` hands it to `wirelab run` in WIRELAB_SANDBOX), read here at
// the thread's entry and passed down in the host's context
const sandbox = sandboxFromEnv();
serveOps(hostOps, new HostContext(data.name, data.workdir, data.netns, sandbox && sandboxWrapper(sandbox)), channel);
