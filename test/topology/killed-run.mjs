// Builds a topology, prints its run id and namespaces, then waits to be SIGKILLed.
import { buildTopology, mustPlan } from '../../dist/topology/index.js';
const t = await buildTopology(
  mustPlan({ hosts: { a: { ip: '192.0.2.1/24', resolver: { nameserver: '192.0.2.2' } }, b: { ip: '192.0.2.2/24' } } }),
  { workdir: process.argv[2], startAgents: true },
);
process.stdout.write(JSON.stringify({ runId: t.runId, namespaces: t.plan.namespaces }) + '\n');
setInterval(() => {}, 1000);
