import type { HostOp } from '../hosts/context.js';
import { release } from '../hosts/release.js';
import { connOps } from '../net/conn.js';
import { udpOps } from '../net/udp.js';
import { fixtureOps } from '../servers/ops.js';
import { exec } from '../exec/exec.js';
import { probeOps } from '../probes/ops.js';
import { dnsOps } from '../dns/ops.js';
import { captureOps } from '../packets/capture/ops.js';

/**
 * Every operation a host can perform, by name. One line per module; the agent inside a
 * namespace (./agent-main.ts) serves exactly this table and a LocalHost is given it, so adding
 * an op here makes it work on every host. It sits above the domains it lists: they know only
 * the host contract (src/hosts/context.ts), never this table.
 */
export const hostOps = {
  ...connOps,
  ...udpOps,
  ...fixtureOps,
  exec,
  release,
  ...probeOps,
  ...dnsOps,
  ...captureOps,
} satisfies Record<string, HostOp>;

export type HostOps = typeof hostOps;

// Types `Host.call` by this table (the contract declares the interface empty, so hosts/
// imports nothing from above it).
declare module '../hosts/host.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
  interface HostOpTable extends HostOps {}
}
