/**
 * Entry of a host agent: a node process started inside a host's network namespace
 * (`ip netns exec NS node dist/ops/agent-main.js HOST WORKDIR NS`, with an IPC channel)
 * that serves every op of `hostOps` for that host. The agent loop (src/hosts/agent.ts) is
 * given the table from here, above the domains.
 */
import { hostOps } from './index.js';
import { contextFromArgv, serveOps } from '../hosts/agent.js';
import { sandboxFromEnv } from '../sandbox/limits.js';
import { sandboxWrapper } from '../sandbox/wrap.js';

// The agent is its own process: the sandbox of the run that started it (`wirelab grade` hands
// it to `wirelab run` in WIRELAB_SANDBOX, which agents inherit) is read here, at the entry,
// and passed down in the host's context.
const sandbox = sandboxFromEnv();
serveOps(hostOps, contextFromArgv(process.argv.slice(2), sandbox && sandboxWrapper(sandbox)));
