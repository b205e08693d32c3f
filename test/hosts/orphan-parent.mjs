// Starts an agent, prints its PID, then waits to be killed (the agent must exit on its own).
import { AgentHost } from '../../dist/hosts/remote.js';
const agent = new AgentHost('orphan', { workdir: process.argv[2], agentPath: new URL('./test-agent.mjs', import.meta.url).pathname });
await agent.start();
process.stdout.write(`${agent.pid}\n`);
setInterval(() => {}, 1000);
