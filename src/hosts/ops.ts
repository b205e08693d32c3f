import type { HostOp } from './context.js';
import { connOps } from '../net/conn.js';
import { fixtureOps } from '../fixtures/ops.js';
import { exec } from '../exec/exec.js';
import { release } from './release.js';
import { probeOps } from '../probes/ops.js';
import { dnsOps } from '../dns/ops.js';
import { captureOps } from '../packets/live-ops.js';

/**
 * Every operation a host can perform, by name. One line per module; the agent inside a
 * namespace serves exactly this table, so adding an op here makes it work on every host.
 */
export const hostOps = {
  ...connOps,
  ...fixtureOps,
  exec,
  release,
  ...probeOps,
  ...dnsOps,
  ...captureOps,
} satisfies Record<string, HostOp>;

export type HostOps = typeof hostOps;
