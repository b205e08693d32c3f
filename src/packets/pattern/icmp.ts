/** ICMP / ICMPv6 kind words of the pattern language and the (type, codes) they stand for. */

interface Kind {
  v4?: [number, number[]?];
  v6?: [number, number[]?];
}

const KINDS: Record<string, Kind> = {
  'echo-request': { v4: [8], v6: [128] },
  'echo-reply': { v4: [0], v6: [129] },
  'time-exceeded': { v4: [11], v6: [3] },
  'ttl-exceeded': { v4: [11, [0]], v6: [3, [0]] },
  unreachable: { v4: [3], v6: [1] },
  'net-unreachable': { v4: [3, [0]], v6: [1, [0]] },
  'host-unreachable': { v4: [3, [1]], v6: [1, [3]] },
  'protocol-unreachable': { v4: [3, [2]] },
  'port-unreachable': { v4: [3, [3]], v6: [1, [4]] },
  'admin-prohibited': { v4: [3, [9, 10, 13]], v6: [1, [1]] },
  redirect: { v4: [5], v6: [137] },
  'router-solicitation': { v4: [10], v6: [133] },
  'router-advertisement': { v4: [9], v6: [134] },
  'neighbor-solicitation': { v6: [135] },
  'neighbor-advertisement': { v6: [136] },
  'packet-too-big': { v6: [2] },
  'fragmentation-needed': { v4: [3, [4]] },
};

/** Words accepted after ICMP/ICMPv6. */
export const ICMP_WORDS = Object.keys(KINDS);

/** The kind for a word in ICMP version 4 or 6, or undefined. */
export function icmpKind(version: 4 | 6, word: string): { type: number; codes?: number[]; word: string } | undefined {
  const k = KINDS[word]?.[version === 4 ? 'v4' : 'v6'];
  if (!k) return undefined;
  return { type: k[0], ...(k[1] ? { codes: k[1] } : {}), word };
}
