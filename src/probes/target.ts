import { BlockList } from 'node:net';
import { ipFamily } from '../util/ip.js';
import { TargetRefusedError, UsageError } from '../errors.js';

export interface CheckedTarget {
  address: string;
  family: 4 | 6;
}

/** A parsed allow-list entry: `address/bits` of one family (host bits are allowed, as in nmap). */
export interface Cidr {
  address: string;
  bits: number;
  family: 4 | 6;
}

const EXAMPLE = 'expected a CIDR such as 198.51.100.0/24 or 2001:db8::/64';

/**
 * Parses one `--allow-target` value strictly: an IPv4 or IPv6 literal (no zone, no leading zeros,
 * no spaces), an optional `/bits` in 0..32 or 0..128 written in decimal. An IPv4-mapped IPv6 subnet
 * (`::ffff:198.51.100.0/120`) is refused with its IPv4 spelling: IPv4 targets are matched only
 * against IPv4 entries, so such an entry would admit nothing. Throws UsageError naming the value.
 */
export function parseCidr(text: string, what = 'allow-list entry'): Cidr {
  const bad = (why: string): never => {
    throw new UsageError(`bad ${what} "${text}": ${why}; ${EXAMPLE}`);
  };
  const parts = text.split('/');
  if (parts.length > 2) bad('more than one "/"');
  const [addr, bitsText] = parts as [string, string | undefined];
  const family = ipFamily(addr);
  if (family === 0 || addr.includes('%')) bad(`"${addr}" is not an IPv4 or IPv6 address`);
  const max = family === 4 ? 32 : 128;
  if (bitsText !== undefined && !/^(0|[1-9]\d{0,2})$/.test(bitsText)) bad(`the prefix length "${bitsText}" is not a number 0..${max}`);
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) bad(`the prefix length ${bits} is more than ${max}, the size of an IPv${family} address`);
  if (family === 6 && bits >= 96) {
    const v4 = mappedV4(addr);
    if (v4 !== undefined) bad(`an IPv4-mapped subnet; write it as IPv4: ${v4}/${bits - 96}`);
  }
  return { address: addr, bits, family: family as 4 | 6 };
}

/** Every `--allow-target` value parsed (at option-parse time, before anything runs). */
export function parseAllowTargets(values: readonly string[] | undefined, option = '--allow-target'): string[] {
  for (const v of values ?? []) parseCidr(v, `${option} value`);
  return [...(values ?? [])];
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else undefined. */
export function mappedV4(address: string): string | undefined {
  if (ipFamily(address) !== 6) return undefined;
  const b = v6Bytes(address);
  if (!b.slice(0, 10).every((x) => x === 0) || b[10] !== 0xff || b[11] !== 0xff) return undefined;
  return b.slice(12).join('.');
}

/** The 16 bytes of an IPv6 literal (ipFamily already said it is one). */
function v6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  let tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2].split('.').map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    text = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
  }
  const halves = text.split('::');
  const groups = (h: string) => (h === '' ? [] : h.split(':').map((x) => parseInt(x, 16)));
  const head = groups(halves[0]);
  const rest = halves.length > 1 ? groups(halves[1]) : [];
  const all =
    halves.length > 1
      ? [...head, ...new Array<number>(8 - head.length - rest.length - tail.length).fill(0), ...rest, ...tail]
      : [...head, ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/**
 * The safety gate every scan and trace passes before any socket exists: the target must be an
 * IP literal (names are never resolved here) that is loopback or inside one of the `allow`
 * CIDRs (the topology passes its own subnets). Families are kept apart: an IPv4 target (also
 * one written IPv4-mapped, `::ffff:a.b.c.d`) is matched only against IPv4 entries, an IPv6
 * target only against IPv6 ones, so `::/0` admits no IPv4 address. Throws synchronously:
 * TargetRefusedError for a target outside, UsageError for a malformed target or CIDR.
 */
export function checkTarget(target: string, allow: readonly string[] = []): CheckedTarget {
  const family = ipFamily(target);
  if (family === 0) {
    throw new UsageError(`target "${target}" is not an IP address (names are not resolved by scan/trace)`);
  }
  const v4 = family === 4 ? target : mappedV4(target);
  const v4list = new BlockList();
  const v6list = new BlockList();
  v4list.addSubnet('127.0.0.0', 8, 'ipv4');
  v6list.addAddress('::1', 'ipv6');
  for (const entry of allow) {
    const c = parseCidr(entry);
    if (c.family === 4) v4list.addSubnet(c.address, c.bits, 'ipv4');
    else v6list.addSubnet(c.address, c.bits, 'ipv6');
  }
  const inside = v4 !== undefined ? v4list.check(v4, 'ipv4') : v6list.check(target, 'ipv6');
  if (!inside) {
    throw new TargetRefusedError(
      `refusing to send probes to ${target}: it is neither loopback nor in an allowed subnet` +
        (allow.length ? ` (${allow.join(', ')})` : '') +
        '; pass --allow-target CIDR for a lab host you created',
    );
  }
  return { address: target, family: family };
}
