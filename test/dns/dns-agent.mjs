// A host agent serving the DNS ops from dist/ (until src/hosts/ops.ts lists them, the real agent does not).
import { contextFromArgv, serveOps } from '../../dist/hosts/agent.js';
import { dnsOps } from '../../dist/dns/ops.js';

serveOps(dnsOps, contextFromArgv());
