// A host agent serving the DNS ops from dist/ (only the DNS ops, without the rest of the registry in src/ops/index.ts).
import { contextFromArgv, serveOps } from '../../dist/hosts/agent.js';
import { dnsOps } from '../../dist/dns/ops.js';

serveOps(dnsOps, contextFromArgv());
