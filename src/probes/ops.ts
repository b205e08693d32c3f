import type { HostOp } from '../hosts/context.js';
import { UsageError } from '../errors.js';
import { connectScan } from './scan-connect.js';
import { synScan } from './scan-syn.js';
import { udpScan } from './scan-udp.js';
import type { ScanOptions, ScanResult } from './scan-types.js';
import { trace as runTrace, type TraceOptions, type TraceResult } from './trace.js';

export type ScanArgs = ScanOptions & { method?: 'connect' | 'syn' | 'udp' };

/**
 * Host op: port scan from this host. `method` defaults to `connect`; the target must be
 * loopback or inside `allow` (checked before any socket exists).
 */
export const scan: HostOp<ScanArgs, ScanResult> = async (args) => {
  const method = args.method ?? 'connect';
  if (method === 'connect') return connectScan(args);
  if (method === 'syn') return synScan(args);
  if (method === 'udp') return udpScan(args);
  throw new UsageError(`unknown scan method "${String(method)}" (connect, syn or udp)`);
};

/** Host op: traceroute from this host (UDP, ICMP or TCP probes). */
export const trace: HostOp<TraceOptions, TraceResult> = async (args) => runTrace(args);

export const probeOps = { scan, trace };
