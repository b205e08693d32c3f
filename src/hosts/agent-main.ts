/**
 * Entry of a host agent: a node process started inside a host's network namespace
 * (`ip netns exec NS node dist/hosts/agent-main.js HOST WORKDIR NS`, with an IPC channel)
 * that serves every op of `hostOps` for that host.
 */
import { hostOps } from './ops.js';
import { contextFromArgv, serveOps } from './agent.js';
import type { HostOp } from './context.js';

serveOps(hostOps as Record<string, HostOp>, contextFromArgv());
