import { isIP } from 'node:net';

/** A parsed `address/prefix`: the address, its family, the prefix and the network it is in. */
export interface Cidr {
  address: string;
  family: 4 | 6;
  prefix: number;
  /** The network in canonical form, e.g. `198.51.100.0/24`, `2001:db8:1::/64`. */
  network: string;
}

/** Parses `198.51.100.55/24` or `2001:db8::1/64`; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, bits, extra] = text.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  const max = family === 4 ? 32 : 128;
  if (prefix > max) return undefined;
  const value = toBigInt(address, family);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(max)) - 1n) ^ ((1n << BigInt(max - prefix)) - 1n);
  return { address: canonical(address, family), family: family as 4 | 6, prefix, network: `${fromBigInt(value & mask, family)}/${prefix}` };
}

/** True when `ip` (a literal) lies inside `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const family = isIP(ip);
  if (!c || family !== c.family) return false;
  return parseCidr(`${ip}/${c.prefix}`)?.network === c.network;
}

/** An IP literal in canonical text form (IPv6 compressed, lower case). */
export function canonical(ip: string, family = isIP(ip)): string {
  return family === 6 ? fromBigInt(toBigInt(ip, 6), 6) : ip;
}

function toBigInt(ip: string, family: number): bigint {
  if (family === 4) return ip.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = toBigInt(v4[1], 4);
    text = text.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function fromBigInt(value: bigint, family: number): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // compress the longest run of two or more zero groups
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
