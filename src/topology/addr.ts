import { ipFamily } from '../util/ip.js';

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
  const family = ipFamily(address ?? '');
  if (family === 0 || extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  const max = family === 4 ? 32 : 128;
  if (prefix > max) return undefined;
  const value = toBigInt(address, family);
  return {
    address: canonical(address, family),
    family: family,
    prefix,
    network: `${fromBigInt(masked(value, family, prefix), family)}/${prefix}`,
  };
}

/** True when `ip` (a literal) lies inside `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const family = ipFamily(ip);
  if (!c || family !== c.family) return false;
  return parseCidr(`${ip}/${c.prefix}`)?.network === c.network;
}

/** An IP literal in canonical text form (IPv6 compressed, lower case). */
export function canonical(ip: string, family = ipFamily(ip)): string {
  return family === 6 ? fromBigInt(toBigInt(ip, 6), 6) : ip;
}

export function toBigInt(ip: string, family: number): bigint {
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

export function fromBigInt(value: bigint, family: number): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // compress the longest run of two or more zero groups
  let best = -1,
    bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Ranges no interface of a lab can use, with why and what to use instead. */
const SPECIAL: { family: 4 | 6; net: string; name: string; why: string }[] = [
  { family: 4, net: '0.0.0.0/8', name: '"this network"', why: 'is in 0.0.0.0/8 ("this network"), which the kernel never routes' },
  {
    family: 4,
    net: '127.0.0.0/8',
    name: 'loopback',
    why: 'is a loopback address (127.0.0.0/8): it never leaves a host, and every host has 127.0.0.1 on lo already',
  },
  { family: 4, net: '224.0.0.0/4', name: 'multicast', why: 'is a multicast address (224.0.0.0/4), which cannot be an interface address' },
  {
    family: 4,
    net: '240.0.0.0/4',
    name: 'reserved',
    why: 'is in the reserved range 240.0.0.0/4 (255.255.255.255 is the limited broadcast), which routers drop',
  },
  { family: 6, net: '::/128', name: 'unspecified', why: 'is the unspecified address ::' },
  {
    family: 6,
    net: '::1/128',
    name: 'loopback',
    why: 'is the loopback address ::1: it never leaves a host, and every host has it on lo already',
  },
  {
    family: 6,
    net: '::ffff:0:0/96',
    name: 'IPv4-mapped',
    why: 'is an IPv4-mapped address (::ffff:0:0/96), which the kernel never puts on a link; use the IPv4 address itself',
  },
  { family: 6, net: 'ff00::/8', name: 'multicast', why: 'is a multicast address (ff00::/8), which cannot be an interface address' },
  {
    family: 6,
    net: 'fe80::/10',
    name: 'link-local',
    why: 'is link-local (fe80::/10): every interface has its own fe80:: address already, fe80::/64 is on every link (so it names no one network) and routers never forward it',
  },
];

/** SPECIAL's ranges as numbers, parsed once on first use (checking an address parses nothing again). */
let specialNets: { family: 4 | 6; prefix: number; value: bigint }[] | undefined;

function masked(value: bigint, family: number, prefix: number): bigint {
  const max = family === 4 ? 32 : 128;
  return prefix === 0 ? 0n : value & (((1n << BigInt(max)) - 1n) ^ ((1n << BigInt(max - prefix)) - 1n));
}

/** True when `c`'s address lies inside SPECIAL[i]'s range. */
function inSpecial(c: Cidr, i: number): boolean {
  specialNets ??= SPECIAL.map((r) => {
    const n = parseCidr(r.net)!;
    return { family: n.family, prefix: n.prefix, value: toBigInt(n.network.split('/')[0], n.family) };
  });
  const n = specialNets[i];
  return n.family === c.family && masked(toBigInt(c.address, c.family), c.family, n.prefix) === n.value;
}

const SUGGEST = { 4: 'such as 192.0.2.1/24', 6: 'such as 2001:db8:1::1/64' } as const;

/**
 * Why an interface address cannot be used in a lab, if it cannot: a /0 prefix, an address in a
 * range the kernel or routers refuse (loopback, multicast, unspecified, reserved, IPv6
 * link-local, IPv4-mapped), or the network or broadcast address of an IPv4 subnet of /30 or
 * wider (on /31 and /32 every address is a host address, RFC 3021). IPv4 link-local
 * (169.254.0.0/16) is allowed: Linux routes it like any other subnet.
 */
export function unusableAddress(c: Cidr): string | undefined {
  const text = `${c.address}/${c.prefix}`;
  const special = SPECIAL.find((_, i) => inSpecial(c, i));
  if (special) return `${text} ${special.why}; give a unicast address ${SUGGEST[c.family]}`;
  if (c.prefix === 0)
    return `${text} has prefix length /0 (a subnet of every address); give the length of its subnet, ${SUGGEST[c.family]}`;
  if (c.family === 4 && c.prefix <= 30) {
    const host = toBigInt(c.address, 4) & ((1n << BigInt(32 - c.prefix)) - 1n);
    if (host === 0n)
      return `${text} is the network address of ${c.network}, not a host address; give an address inside it, such as ${fromBigInt(toBigInt(c.address, 4) + 1n, 4)}/${c.prefix}`;
    if (host === (1n << BigInt(32 - c.prefix)) - 1n)
      return `${text} is the broadcast address of ${c.network}, not a host address; give an address inside it, such as ${fromBigInt(toBigInt(c.address, 4) - 1n, 4)}/${c.prefix}`;
  }
  return undefined;
}

/** Why a subnet (a network's `subnet`/`subnet6`, a route's `to`) cannot be one of a lab, if it cannot. */
export function unusableSubnet(c: Cidr, what: string): string | undefined {
  if (c.prefix === 0)
    return `${what} ${c.network} is every address; a route there is written \`default\` (\`default6\` for IPv6), a network needs a longer prefix`;
  const first: Cidr = { ...c, address: c.network.split('/')[0] };
  const special = SPECIAL.find((r, i) => r.net !== '::/128' && inSpecial(first, i));
  if (special)
    return `${what} ${c.network} is ${special.name} (${special.net}); a lab network needs unicast addresses, ${c.family === 4 ? 'such as 192.0.2.0/24' : 'such as 2001:db8:1::/64'}`;
  return undefined;
}
