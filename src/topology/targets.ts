import { checkTarget as checkProbeTarget, type CheckedTarget } from '../probes/target.js';

/**
 * The safety gate for probes with a topology: allowed are loopback, the topology's subnets
 * (`topology.allowedTargets`) and the `--allow-target` CIDRs; anything else throws
 * TargetRefusedError before a packet is sent (UsageError for something that is not an IP).
 */
export function checkTarget(
  ip: string,
  opts: { topology?: { allowedTargets: readonly string[] }; allow?: readonly string[] } = {},
): CheckedTarget {
  return checkProbeTarget(ip, [...(opts.topology?.allowedTargets ?? []), ...(opts.allow ?? [])]);
}
