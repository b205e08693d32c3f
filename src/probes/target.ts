import { BlockList, isIP } from 'node:net';
import { TargetRefusedError, UsageError } from '../errors.js';

export interface CheckedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * The safety gate every scan and trace passes before any socket exists: the target must be an
 * IP literal (names are never resolved here) that is loopback or inside one of the `allow`
 * CIDRs (the topology passes its own subnets). Throws synchronously: TargetRefusedError for a
 * target outside, UsageError for a malformed target or CIDR.
 */
export function checkTarget(target: string, allow: readonly string[] = []): CheckedTarget {
  const family = isIP(target);
  if (family === 0) {
    throw new UsageError(`target "${target}" is not an IP address (names are not resolved by scan/trace)`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (family === 4) list.addSubnet('127.0.0.0', 8, 'ipv4');
  else list.addAddress('::1', 'ipv6');
  for (const cidr of allow) addCidr(list, cidr);
  if (!list.check(target, type)) {
    throw new TargetRefusedError(
      `refusing to send probes to ${target}: it is neither loopback nor in an allowed subnet` +
        (allow.length ? ` (${allow.join(', ')})` : '') +
        '; pass --allow-target CIDR for a lab host you created',
    );
  }
  return { address: target, family: family as 4 | 6 };
}

function addCidr(list: BlockList, cidr: string): void {
  const [addr, bitsText, extra] = cidr.split('/');
  const family = isIP(addr);
  const max = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (family === 0 || extra !== undefined || !/^\d*$/.test(bitsText ?? '') || !(bits >= 0 && bits <= max)) {
    throw new UsageError(`bad allow-list entry "${cidr}": expected a CIDR like 198.51.100.0/24`);
  }
  list.addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
}
