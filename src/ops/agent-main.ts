/**
 * Entry of a host agent: a node process started inside a host's network namespace
 * (`ip netns exec NS node dist/ops/agent-main.js HOST WORKDIR NS`, with an IPC channel)
 * that serves every op of `hostOps` for that host. The agent loop (src/hosts/agent.ts) is
 * given the table from here, above the domains.
 */
import { hostOps } from './index.js';
import { contextFromArgv, serveOps } from '../hosts/agent.js';

serveOps(hostOps, contextFromArgv());
